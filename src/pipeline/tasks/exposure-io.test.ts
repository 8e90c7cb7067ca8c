import { describe, expect, it } from 'vitest';
import {
  compressImage,
  Header,
  headerOf,
  makeImageHdu,
  primaryHdu,
  writeFits,
} from '../../fits/index.js';
import { isPromptlyError } from '../../core/errors.js';
import { openRawAmps, readRawAmps } from './exposure-io.js';

const W = 9;
const H = 4;

/** A two-amp raw, plain or Rice-compressed, DARKTIME 12.5 s. */
async function raw(compress: boolean): Promise<{ bytes: Uint8Array; amps: Int32Array[] }> {
  const amps = [0, 1].map((a) => Int32Array.from({ length: W * H }, (_, i) => 1000 + 31 * a + i));
  const hdus = amps.map((pixels, a) => {
    const cards = headerOf([
      ['DATASEC', '[1:6,1:4]'],
      ['BIASSEC', '[7:9,1:4]'],
      ['DETSEC', a === 0 ? '[1:6,1:4]' : '[12:7,1:4]'],
      ['GAIN', 1.5 + a],
    ]);
    if (!compress) return makeImageHdu(pixels, [W, H], { extname: `Segment0${a}`, header: cards });
    const h = new Header();
    h.set('XTENSION', 'IMAGE');
    h.set('BITPIX', 32);
    h.set('NAXIS', 2);
    h.set('NAXIS1', W);
    h.set('NAXIS2', H);
    h.set('PCOUNT', 0);
    h.set('GCOUNT', 1);
    h.set('EXTNAME', `Segment0${a}`);
    for (const c of cards) h.append(c);
    return compressImage(
      { header: h, bitpix: 32, axes: [W, H], pixels },
      { compression: 'RICE_1' },
    );
  });
  const bytes = await writeFits([primaryHdu([['DARKTIME', 12.5]]), ...hdus]);
  return { bytes, amps };
}

describe('openRawAmps', () => {
  for (const compress of [false, true]) {
    it(`reads the amp headers first and each amp's pixels on demand (${compress ? 'Rice-compressed' : 'plain'})`, async () => {
      const { bytes, amps } = await raw(compress);
      const open = await openRawAmps(bytes);
      expect(open.darkTimeS).toBe(12.5);
      expect(open.amps.map((a) => [a.name, a.width, a.height, a.gain])).toEqual([
        ['Segment00', W, H, 1.5],
        ['Segment01', W, H, 2.5],
      ]);
      // read out of order, and twice: each call decodes afresh
      expect(Array.from(await open.pixels(1))).toEqual(Array.from(amps[1]!));
      expect(Array.from(await open.pixels(0))).toEqual(Array.from(amps[0]!));
      expect(await open.pixels(0)).not.toBe(await open.pixels(0));
      const all = await readRawAmps(bytes);
      expect(all.amps.map((a) => Array.from(a.pixels))).toEqual(amps.map((a) => Array.from(a)));
      const missing = await open.pixels(2).catch((e: unknown) => e);
      expect(isPromptlyError(missing, 'PROMPTLY_E_RAW_CORRUPT')).toBe(true);
    });
  }
});
