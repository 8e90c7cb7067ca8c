import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../../core/errors.js';
import { Header } from './header.js';
import { parseHeader, serializeHeader } from './header-io.js';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isPromptlyError(err) ? err.code : 'not a PromptlyError';
  }
  return undefined;
}

describe('Header', () => {
  it('replaces a keyword in place, keeping its position and comment', () => {
    const h = new Header().set('A', 1, 'first').set('B', 2).set('C', 3);
    h.set('b', 20);
    expect(h.keys()).toEqual(['A', 'B', 'C']);
    expect(h.get('B')).toBe(20);
    h.set('A', 5, undefined);
    expect(h.getComment('A')).toBe('first');
  });

  it('finds HIERARCH keywords with or without the prefix, in any case', () => {
    const h = new Header().set('HIERARCH ESO DET CHIP', 'x');
    expect(h.get('eso det chip')).toBe('x');
    expect(h.get('HIERARCH ESO DET CHIP')).toBe('x');
  });

  it('keeps writing a float card as float when it is given an integral number', () => {
    const bytes = serializeHeader(new Header().set('X', 1.5).set('X', 2));
    const back = parseHeader(bytes).header;
    expect(back.getCard('X')).toMatchObject({ value: 2, type: 'float' });
  });

  it('gives typed values and coded errors for missing or mistyped keywords', () => {
    const h = new Header()
      .set('N', 7)
      .set('S', 'str')
      .set('B', 2n ** 60n)
      .set('F', 2.5);
    expect(h.getInt('N')).toBe(7);
    expect(h.getNumber('F')).toBe(2.5);
    expect(h.getBigInt('B')).toBe(2n ** 60n);
    expect(h.getBigInt('N')).toBe(7n);
    expect(h.getString('S')).toBe('str');
    expect(h.getNumber('MISSING', 3)).toBe(3);
    expect(code(() => h.getNumber('MISSING'))).toBe('PROMPTLY_E_FITS_HEADER');
    expect(code(() => h.getInt('F'))).toBe('PROMPTLY_E_FITS_HEADER');
    expect(code(() => h.getString('N'))).toBe('PROMPTLY_E_FITS_HEADER');
    expect(code(() => h.getInt('B'))).toBe('PROMPTLY_E_FITS_HEADER');
  });

  it('deletes every card of a keyword and inserts after a named keyword', () => {
    const h = new Header().set('A', 1).set('B', 2);
    h.insert({ after: 'A' }, 'X', 9);
    expect(h.keys()).toEqual(['A', 'X', 'B']);
    expect(h.delete('x')).toBe(1);
    expect(h.has('X')).toBe(false);
  });

  it('serialises to whole 2880-byte blocks ending with END and blanks', () => {
    const h = new Header();
    for (let i = 0; i < 36; i++) h.set(`K${i}`, i);
    const bytes = serializeHeader(h);
    expect(bytes.length).toBe(5760);
    expect(Buffer.from(bytes.subarray(2880, 2960)).toString('latin1')).toBe('END'.padEnd(80));
    expect(parseHeader(bytes).header.keys()).toHaveLength(36);
  });

  it('reports a header without END as truncated and a binary block as a header error', () => {
    const h = serializeHeader(new Header().set('A', 1));
    expect(code(() => parseHeader(h.subarray(0, 80)))).toBe('PROMPTLY_E_FITS_TRUNCATED');
    const junk = new Uint8Array(2880).fill(0x20);
    junk[5] = 0;
    junk.set(Buffer.from('END'), 80);
    expect(code(() => parseHeader(junk))).toBe('PROMPTLY_E_FITS_HEADER');
  });
});
