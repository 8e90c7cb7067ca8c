import { afterAll, describe, expect, it } from 'vitest';
import { verifyHduChecksum } from '../checksum.js';
import { FitsFile } from '../hdu/fits-file.js';
import { convertFitsFile } from './convert-file.js';
import { readCompressedImage } from './tiled-image.js';
import {
  astropyPixels,
  firstDifference,
  fpack,
  funpack,
  haveTools,
  makeImage,
  readPlainPixels,
  tempDir,
} from './testing/tools.js';

if (!haveTools)
  console.warn('fpack-write tests skipped: fpack/funpack or /usr/bin/python3 missing');

const tmp = tempDir();
afterAll(() => tmp.remove());

const W = 300;
const H = 200;

/** Header values funpack restored in HDU `index` of `path`. */
async function headerOf(path: string, index: number): Promise<Record<string, unknown>> {
  const f = await FitsFile.open(path);
  try {
    return (await f.hdu(index)).header.toRecord();
  } finally {
    await f.close();
  }
}

describe.skipIf(!haveTools)('images we compress decompress bit-exact with funpack', () => {
  const images: Array<[string, number, string[]]> = [
    ['uint8', 8, []],
    ['int16', 16, []],
    ['uint16', 16, ['--unsigned']],
    ['int32', 32, []],
  ];
  for (const [name, bitpix, extra] of images) {
    it(`writes ${name} with RICE_1, GZIP_1 and GZIP_2 that funpack restores exactly, and NOCOMPRESS that we read back`, async () => {
      const input = makeImage(tmp.dir, `w-${name}.fits`, bitpix, W, H, extra);
      const original = await readPlainPixels(input, 0);
      for (const compression of ['RICE_1', 'GZIP_1', 'GZIP_2'] as const) {
        const out = `${input}.${compression}.fz`;
        await convertFitsFile(input, out, { compression });
        const restored = funpack(out, `${out}.fits`);
        const back = await readPlainPixels(restored, 0);
        expect(back.constructor).toBe(original.constructor);
        expect(firstDifference(back, original)).toBe(-1);
        const h = await headerOf(restored, 0);
        expect(h.OBSERVER).toBe('promptly tests');
        if (name === 'uint16') expect(h.BZERO).toBe(32768);
      }
      // neither funpack (cfitsio 4.0) nor astropy reads NOCOMPRESS: only our own round trip
      const out = `${input}.NOCOMPRESS.fz`;
      await convertFitsFile(input, out, { compression: 'NOCOMPRESS' });
      const f = await FitsFile.open(out);
      const ours = await readCompressedImage(f.source, await f.hdu(1));
      await f.close();
      expect(firstDifference(ours.pixels, original)).toBe(-1);
    });
  }

  it('writes 2-D tiles that do not divide the image, for an image in an extension', async () => {
    const input = makeImage(tmp.dir, 'w-ext.fits', 32, W, H, ['--extension']);
    const original = await readPlainPixels(input, 1);
    for (const tile of [
      [64, 48],
      [300, 7],
      [17, 200],
    ]) {
      const out = `${input}.${tile.join('x')}.fz`;
      await convertFitsFile(input, out, { compression: 'RICE_1', tile });
      const restored = funpack(out, `${out}.fits`);
      expect(firstDifference(await readPlainPixels(restored, 1), original)).toBe(-1);
      expect((await headerOf(restored, 1)).EXTNAME).toBe('SCI');
    }
  });

  it('quantizes float32 images so that funpack decodes them to exactly our values', async () => {
    const input = makeImage(tmp.dir, 'w-f32.fits', -32, W, H, ['--zeros', '0.01', '--nan', '0.01']);
    for (const quantizeMethod of [
      'SUBTRACTIVE_DITHER_1',
      'SUBTRACTIVE_DITHER_2',
      'NO_DITHER',
    ] as const) {
      for (const compression of ['RICE_1', 'GZIP_2'] as const) {
        const out = `${input}.${quantizeMethod}.${compression}.fz`;
        await convertFitsFile(input, out, {
          compression,
          quantizeLevel: 4,
          quantizeMethod,
          ditherSeed: 4242,
        });
        const f = await FitsFile.open(out);
        const ours = await readCompressedImage(f.source, await f.hdu(1));
        await f.close();
        const theirs = await readPlainPixels(funpack(out, `${out}.fits`), 0);
        expect(firstDifference(ours.pixels, theirs)).toBe(-1);
        // the quantization error stays within the step it was asked for (σ/4 ≈ 15/4)
        const original = await readPlainPixels(input, 0);
        let worst = 0;
        for (let i = 0; i < original.length; i++) {
          const a = original[i] as number;
          if (Number.isNaN(a)) expect(Number.isNaN(ours.pixels[i] as number)).toBe(true);
          else worst = Math.max(worst, Math.abs(a - (ours.pixels[i] as number)));
          if (a === 0 && quantizeMethod === 'SUBTRACTIVE_DITHER_2') expect(ours.pixels[i]).toBe(0);
        }
        expect(worst).toBeLessThan(6);
      }
    }
  });

  it('copies 64-bit integer images uncompressed, since neither fpack nor astropy reads them compressed', async () => {
    const input = makeImage(tmp.dir, 'w-i64.fits', 64, W, H);
    const out = `${input}.fz`;
    const report = await convertFitsFile(input, out);
    expect(report.hdus.map((h) => h.action)).toEqual(['copied']);
    expect(firstDifference(astropyPixels(out, 0, 64), await readPlainPixels(input, 0))).toBe(-1);
  });

  it('writes valid checksums when the input had them, and keeps the image ones as ZHECKSUM', async () => {
    const input = makeImage(tmp.dir, 'w-ck.fits', 16, W, H);
    const fz = fpack(['-r'], input, `${input}.ref.fz`); // fpack adds CHECKSUM/DATASUM
    const back = `${input}.back.fits`;
    await convertFitsFile(fz, back, { compression: 'none' });
    const again = `${input}.again.fz`;
    await convertFitsFile(back, again);
    for (const [path, count] of [
      [back, 1],
      [again, 2],
    ] as const) {
      const f = await FitsFile.open(path);
      try {
        const hdus = await f.hdus();
        expect(hdus.length).toBe(count);
        for (const hdu of hdus) {
          const r = await verifyHduChecksum(f.source, hdu);
          expect([r.checksum, r.datasum]).toEqual(['ok', 'ok']);
        }
        if (count === 2) expect(hdus[1]?.header.has('ZHECKSUM')).toBe(true);
      } finally {
        await f.close();
      }
    }
    // funpack restores the image and its checksum still verifies
    const restored = funpack(again, `${again}.fits`);
    const f = await FitsFile.open(restored);
    try {
      const r = await verifyHduChecksum(f.source, await f.hdu(0));
      expect(r.datasum).toBe('ok');
    } finally {
      await f.close();
    }
  });

  it('converts back with none to the original bytes of every HDU', async () => {
    const input = makeImage(tmp.dir, 'w-rt.fits', 16, W, H);
    const fz = `${input}.fz`;
    await convertFitsFile(input, fz);
    const back = `${input}.back.fits`;
    const report = await convertFitsFile(fz, back, { compression: 'none' });
    expect(report.hdus.map((h) => h.action)).toEqual(['decompressed']);
    expect(firstDifference(await readPlainPixels(back, 0), await readPlainPixels(input, 0))).toBe(
      -1,
    );
    const h = await headerOf(back, 0);
    expect(h.SIMPLE).toBe(true);
    expect(h.EXTNAME).toBeUndefined();
  });
});
