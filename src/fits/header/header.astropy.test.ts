import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FitsFile } from '../hdu/fits-file.js';
import { Header } from './header.js';
import { serializeHeader } from './header-io.js';
import type { Card } from './card.js';
import {
  HAVE_ASTROPY,
  runReference,
  tempDir,
  type ReferenceCard,
  type TaggedValue,
} from '../testing/reference.js';

if (!HAVE_ASTROPY)
  console.warn('header interop tests skipped: /usr/bin/python3 with astropy not found');

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** Our card in astropy's terms: (keyword, tagged value, comment). */
function asReference(card: Card): ReferenceCard {
  if (card.kind === 'commentary')
    return { keyword: card.keyword, value: { str: card.text }, comment: '' };
  const v = card.value;
  let value: TaggedValue;
  if (v === null) value = { undef: true };
  else if (typeof v === 'boolean') value = { bool: v };
  else if (typeof v === 'string') value = { str: v };
  else if (typeof v === 'bigint') value = { int: v.toString() };
  else if (typeof v === 'number')
    value = card.type === 'integer' ? { int: String(v) } : { float: String(v) };
  else value = { complex: [v.re, v.im] };
  return { keyword: card.keyword, value, comment: card.comment };
}

/** Normalises astropy's float text (repr) to JS number text so both compare as numbers. */
function normalise(cards: ReferenceCard[]): ReferenceCard[] {
  return cards.map((c) =>
    'float' in c.value ? { ...c, value: { float: String(Number(c.value.float)) } } : c,
  );
}

describe.skipIf(!HAVE_ASTROPY)('headers against astropy', () => {
  it('reads every card of an astropy-written header with the same keyword, value, type, comment and order', async () => {
    const path = join(tmp.dir, 'sample.fits');
    runReference('astropy-header.py', ['sample', path]);
    const expected = normalise(
      (JSON.parse(runReference('astropy-header.py', ['dump', path])) as ReferenceCard[][])[0]!,
    );
    const file = await FitsFile.open(path);
    try {
      const hdu = await file.hdu(0);
      expect(hdu.header.cards.map(asReference)).toEqual(expected);
    } finally {
      await file.close();
    }
  });

  it('writes back an unmodified header byte for byte', async () => {
    const path = join(tmp.dir, 'sample-rt.fits');
    runReference('astropy-header.py', ['sample', path]);
    const bytes = readFileSync(path);
    const hdu = await FitsFile.fromBytes(bytes).hdu(0);
    expect(Buffer.from(serializeHeader(hdu.header)).equals(bytes.subarray(0, hdu.dataOffset))).toBe(
      true,
    );
  });

  it('writes headers (long strings, HIERARCH, bigint, floats, complex) that astropy reads equal', () => {
    const h = new Header();
    h.set('SIMPLE', true, 'conforms');
    h.set('BITPIX', 8);
    h.set('NAXIS', 0);
    h.set('OBJECT', "it's a 'test'", 'quotes');
    h.set(
      'LONGSTR',
      'x'.repeat(70) + "'" + 'y'.repeat(100) + ' end',
      'long comment '.repeat(12).trim(),
    );
    h.set('LONGNC', 'z'.repeat(200));
    h.set('ESO DET CHIP NAME', 'CCD 42', 'auto hierarch');
    h.set('HIERARCH lsst temp', -101.25);
    h.set('BIG', 2n ** 80n, 'bigint');
    h.set('FLT', 3, 'written as float', { type: 'float' });
    h.set('TINY', 1.25e-300);
    h.set('EXP', 6.02e23);
    h.set('SMALL', 0.00001234);
    h.set('PI', Math.PI);
    h.set('CPLX', { re: 1.5, im: -2 });
    h.set('UNDEF', null, 'no value');
    h.set('LOGIC', false);
    h.addComment('c'.repeat(100));
    h.addHistory('done');
    h.addBlank('');
    const path = join(tmp.dir, 'ours.fits');
    writeFileSync(path, serializeHeader(h));
    const got = normalise(
      (JSON.parse(runReference('astropy-header.py', ['dump', path])) as ReferenceCard[][])[0]!,
    );
    const want = h.cards.flatMap((c): ReferenceCard[] => {
      // A COMMENT longer than 72 chars is written as two cards, as astropy does.
      if (c.kind === 'commentary' && c.text.length > 72) {
        return [
          { keyword: c.keyword, value: { str: c.text.slice(0, 72) }, comment: '' },
          { keyword: c.keyword, value: { str: c.text.slice(72) }, comment: '' },
        ];
      }
      return [asReference(c)];
    });
    expect(got).toEqual(want);
  });
});
