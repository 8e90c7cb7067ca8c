import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../../core/errors.js';
import { scanHdus } from '../hdu/scan.js';
import { Header } from '../header/header.js';
import { rawHdu } from '../write/writable-hdu.js';
import { writeFits } from '../write/write-fits.js';
import { bytesSource } from '../io/byte-source.js';
import { readAsciiTable } from './ascii-table-read.js';

async function asciiTable(
  rows: string[],
  cols: [string, string, number, string?][],
): Promise<Uint8Array> {
  const width = rows[0]!.length;
  const h = new Header()
    .set('XTENSION', 'TABLE')
    .set('BITPIX', 8)
    .set('NAXIS', 2)
    .set('NAXIS1', width)
    .set('NAXIS2', rows.length)
    .set('PCOUNT', 0)
    .set('GCOUNT', 1)
    .set('TFIELDS', cols.length);
  cols.forEach(([name, form, col, tnull], i) => {
    h.set(`TTYPE${i + 1}`, name)
      .set(`TFORM${i + 1}`, form)
      .set(`TBCOL${i + 1}`, col);
    if (tnull !== undefined) h.set(`TNULL${i + 1}`, tnull);
  });
  return writeFits([rawHdu(h, Buffer.from(rows.join(''), 'latin1'))]);
}

describe('ASCII tables', () => {
  it('reads implied decimals, D exponents, blanks and TNULL as the standard says', async () => {
    const bytes = await asciiTable(
      [
        ['abc', '12345', '1.5D+02', '-7'],
        ['de', '-1.25', '2.5E-01', '***'],
        ['', '7', '', '12'],
      ].map(([a, f, e, i]) => a!.padEnd(6) + f!.padStart(8) + e!.padStart(9) + i!.padStart(5)),
      [
        ['NAME', 'A6', 1],
        ['F', 'F8.2', 7],
        ['E', 'E9.2', 15],
        ['I', 'I5', 24, '***'],
      ],
    );
    const src = bytesSource(bytes);
    const hdus = await scanHdus(src);
    const { data } = await readAsciiTable(src, hdus[1]!);
    expect(data.get('NAME')?.values).toEqual(['abc', 'de', '']);
    expect(Array.from(data.get('F')!.values as Float64Array)).toEqual([123.45, -1.25, 0.07]);
    expect(Array.from(data.get('E')!.values as Float64Array)).toEqual([150, 0.25, Number.NaN]);
    expect(Array.from(data.get('I')!.values as Float64Array)).toEqual([-7, Number.NaN, 12]);
  });

  it('rejects a field that is not a number with PROMPTLY_E_FITS_DATA', async () => {
    const bytes = await asciiTable(['12x4'], [['I', 'I4', 1]]);
    const src = bytesSource(bytes);
    const hdus = await scanHdus(src);
    const err: unknown = await readAsciiTable(src, hdus[1]!).catch((e: unknown) => e);
    expect(isPromptlyError(err, 'PROMPTLY_E_FITS_DATA')).toBe(true);
  });
});
