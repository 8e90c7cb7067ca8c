import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../../core/errors.js';
import { seededRandom } from '../../core/seeded-random.js';
import { Header } from '../header/header.js';
import { makeImageHdu } from '../image/image-hdu.js';
import { compressImage } from '../compress/tiled-image-write.js';
import { bytesSource } from '../io/byte-source.js';
import { rawHdu } from '../write/writable-hdu.js';
import { writeFits } from '../write/write-fits.js';
import { quickScan } from './quick-scan.js';
import { scanHdus } from './scan.js';

async function sampleFile(): Promise<Uint8Array> {
  const primary = new Header();
  primary.set('BITPIX', 8);
  primary.set('NAXIS', 0);
  primary.set('EXTEND', true);
  primary.set('INSTRUME', 'LATISS');
  const amp = new Int32Array(40 * 30).map((_, i) => 1000 + (i % 17));
  const extra = new Header();
  extra.set('DATASEC', '[1:32,1:28]');
  const plain = makeImageHdu(amp, [40, 30], { extname: 'Segment10', header: extra });
  const h = new Header();
  h.set('XTENSION', 'IMAGE');
  h.set('BITPIX', 32);
  h.set('NAXIS', 2);
  h.set('NAXIS1', 40);
  h.set('NAXIS2', 30);
  h.set('PCOUNT', 0);
  h.set('GCOUNT', 1);
  h.set('EXTNAME', 'Segment11');
  const packed = compressImage({ header: h, bitpix: 32, axes: [40, 30], pixels: amp });
  return writeFits([rawHdu(primary), plain, packed, plain]);
}

describe('quickScan', () => {
  it('finds the same HDU bounds and kinds as the full scan, and the whole primary header', async () => {
    const bytes = await sampleFile();
    const full = await scanHdus(bytesSource(bytes));
    const quick = quickScan(bytes);
    expect(
      quick.hdus.map((h) => [
        h.kind,
        h.headerOffset,
        h.dataOffset,
        h.dataSize,
        h.nextOffset,
        h.extname,
      ]),
    ).toEqual(
      full.map((h) => [h.kind, h.headerOffset, h.dataOffset, h.dataSize, h.nextOffset, h.extname]),
    );
    expect(quick.primary.get('INSTRUME')).toBe('LATISS');
    expect(quick.hdus.map((h) => h.kind)).toEqual(['image', 'image', 'compressed-image', 'image']);
  });

  it('calls every truncation a truncated file', async () => {
    const bytes = await sampleFile();
    for (let cut = 0; cut < bytes.length; cut += 997) {
      const full = await scanHdus(bytesSource(bytes.subarray(0, cut))).then(
        (h) => h.length,
        (e: unknown) => (isPromptlyError(e) ? e.code : e),
      );
      let quick: unknown;
      try {
        quick = quickScan(bytes.subarray(0, cut)).hdus.length;
      } catch (e) {
        quick = isPromptlyError(e) ? e.code : e;
      }
      expect([cut, quick]).toEqual([cut, full]);
    }
  });

  it('ends every mutated file in bounds or a FITS-coded error', async () => {
    const bytes = await sampleFile();
    const rnd = seededRandom(5);
    for (let n = 0; n < 500; n++) {
      const m = bytes.slice();
      for (let k = 0; k < 4; k++) m[Math.floor(rnd() * 3 * 2880)] = Math.floor(rnd() * 256);
      try {
        quickScan(m);
      } catch (e) {
        expect(isPromptlyError(e) && e.code.startsWith('PROMPTLY_E_FITS_')).toBe(true);
      }
    }
  });
});
