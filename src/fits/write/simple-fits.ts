import type { CardValue } from '../header/card.js';
import { Header } from '../header/header.js';
import { makeImageHdu } from '../image/image-hdu.js';
import { rawHdu, type WritableHdu } from './writable-hdu.js';
import { writeFits } from './write-fits.js';

/** Header cards as [keyword, value, comment]; keywords longer than 8 become HIERARCH. */
export type Cards = readonly (readonly [string, CardValue, string?])[];

/** A header holding `cards` in order. */
export function headerOf(cards: Cards): Header {
  const h = new Header();
  for (const [k, v, c] of cards) h.set(k, v, c);
  return h;
}

/** A data-less primary HDU carrying `cards`. */
export function primaryHdu(cards: Cards): WritableHdu {
  const h = new Header();
  h.set('BITPIX', 8, 'array data type');
  h.set('NAXIS', 0, 'number of array dimensions');
  h.set('EXTEND', true, 'extensions may follow');
  for (const [k, v, c] of cards) h.set(k, v, c);
  return rawHdu(h);
}

/** A single-image FITS file (float32 image in the primary HDU), e.g. a master calibration. */
export async function imageFits(
  pixels: Float32Array,
  width: number,
  height: number,
  cards: Cards,
): Promise<Uint8Array> {
  const hdu = makeImageHdu(pixels, [width, height], { header: headerOf(cards) });
  const primary = new Header();
  for (const c of hdu.header) {
    if (c.kind === 'value' && c.keyword === 'XTENSION') continue;
    if (c.kind === 'value' && (c.keyword === 'PCOUNT' || c.keyword === 'GCOUNT')) continue;
    primary.append(c);
  }
  return writeFits([{ header: primary, ...(hdu.data ? { data: hdu.data } : {}) }]);
}
