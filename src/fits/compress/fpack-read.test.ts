import { afterAll, describe, expect, it } from 'vitest';
import { FitsFile } from '../hdu/fits-file.js';
import { readCompressedImage } from './tiled-image.js';
import {
  firstDifference,
  fpack,
  funpack,
  haveTools,
  makeImage,
  readPlainPixels,
  tempDir,
} from './testing/tools.js';

if (!haveTools) console.warn('fpack-read tests skipped: fpack/funpack or /usr/bin/python3 missing');

const tmp = tempDir();
afterAll(() => tmp.remove());

/** Decodes HDU 1 of an fpacked file with our reader and with funpack; both must agree. */
async function compareWithFunpack(fz: string): Promise<void> {
  const f = await FitsFile.open(fz);
  try {
    const hdu = await f.hdu(1);
    const ours = await readCompressedImage(f.source, hdu);
    const ref = funpack(fz, `${fz}.ref.fits`);
    const theirs = await readPlainPixels(ref, 0);
    expect(ours.pixels.constructor).toBe(theirs.constructor);
    expect(firstDifference(ours.pixels, theirs)).toBe(-1);
  } finally {
    await f.close();
  }
}

const W = 300;
const H = 200;

describe.skipIf(!haveTools)('images compressed by fpack decode bit-exact with funpack', () => {
  const cases: Array<[string, number, string[]]> = [
    ['uint8', 8, []],
    ['int16', 16, []],
    ['uint16 via BZERO', 16, ['--unsigned']],
    ['int32', 32, []],
  ];
  for (const [name, bitpix, extra] of cases) {
    const src = (): string =>
      makeImage(tmp.dir, `${name.replace(/\W/g, '_')}.fits`, bitpix, W, H, extra);
    it(`decodes ${name} compressed with Rice, gzip and gzip2 in row tiles`, async () => {
      const input = src();
      for (const algo of ['-r', '-g', '-g2'])
        await compareWithFunpack(fpack([algo], input, `${input}${algo}.fz`));
    });
    it(`decodes ${name} compressed with Rice in 2-D tiles that do not divide the image`, async () => {
      const input = src();
      for (const t of ['64,48', '300,7', '17,200']) {
        await compareWithFunpack(
          fpack(['-r', '-t', t], input, `${input}.t${t.replace(',', 'x')}.fz`),
        );
      }
    });
  }

  it('decodes PLIO_1 of non-negative int16 and int32 mask images', async () => {
    for (const bitpix of [16, 32]) {
      const input = makeImage(tmp.dir, `mask${bitpix}.fits`, bitpix, W, H, ['--mask']);
      await compareWithFunpack(fpack(['-p'], input, `${input}.plio.fz`));
    }
  });

  it('decodes HCOMPRESS_1 lossless (-s 0) and lossy (-s 4) int16 and int32 images', async () => {
    for (const bitpix of [16, 32]) {
      const input = makeImage(tmp.dir, `h${bitpix}.fits`, bitpix, W, H);
      await compareWithFunpack(fpack(['-h', '-s', '0'], input, `${input}.h0.fz`));
      await compareWithFunpack(fpack(['-h', '-s', '4'], input, `${input}.h4.fz`));
    }
  });

  it('decodes quantized float32 images (-q 4) with subtractive dither 1 and 2 exactly', async () => {
    const input = makeImage(tmp.dir, 'f32.fits', -32, W, H, ['--zeros', '0.01']);
    await compareWithFunpack(fpack(['-q', '4'], input, `${input}.q4.fz`));
    await compareWithFunpack(fpack(['-qz', '4'], input, `${input}.qz4.fz`));
    await compareWithFunpack(fpack(['-q', '4', '-g'], input, `${input}.q4g.fz`));
    await compareWithFunpack(fpack(['-q', '4', '-t', '64,64'], input, `${input}.q4t.fz`));
  });

  it('decodes lossless gzip floats (-q 0), HCOMPRESS-quantized floats and float64 images', async () => {
    for (const bitpix of [-32, -64]) {
      const input = makeImage(tmp.dir, `fl${-bitpix}.fits`, bitpix, W, H, ['--nan', '0.01']);
      for (const args of [
        ['-g', '-q', '0'],
        ['-g2', '-q', '0'],
        ['-q', '4'],
        ['-h', '-q', '4'],
      ]) {
        await compareWithFunpack(fpack(args, input, `${input}${args.join('')}.fz`));
      }
    }
  });

  it('decodes quantized float images with NaN pixels as NaN', async () => {
    const input = makeImage(tmp.dir, 'fnan.fits', -32, W, H, ['--nan', '0.02']);
    await compareWithFunpack(fpack(['-q', '4'], input, `${input}.q4.fz`));
  });
});
