import { afterAll, describe, expect, it } from 'vitest';
import { isPromptlyError } from '../../core/errors.js';
import { FitsFile } from '../hdu/fits-file.js';
import { describeCompressedImage } from './compressed-image-info.js';
import { readDescriptor } from './compressed-table.js';
import { readCompressedImage } from './tiled-image.js';
import { riceDecode, riceEncode, type RiceBytePix } from './rice.js';
import { fpack, haveTools, makeImage, tempDir } from './testing/tools.js';

/** Deterministic pseudo-random integers (xorshift32). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

function sample(
  bytePix: RiceBytePix,
  n: number,
  spread: number,
  seed: number,
): Int32Array | Int16Array | Uint8Array {
  const r = rng(seed);
  const out =
    bytePix === 4 ? new Int32Array(n) : bytePix === 2 ? new Int16Array(n) : new Uint8Array(n);
  let v = 0;
  for (let i = 0; i < n; i++) {
    v += (r() % (2 * spread + 1)) - spread;
    out[i] = v;
  }
  return out;
}

describe('RICE_1 codec', () => {
  for (const bytePix of [1, 2, 4] as const) {
    it(`round-trips ${bytePix}-byte pixels at every entropy level and odd lengths`, () => {
      for (const spread of [0, 1, 7, 300, 70000, 2 ** 30]) {
        for (const n of [1, 31, 32, 33, 1000]) {
          const px = sample(bytePix, n, spread, spread + n);
          const back = riceDecode(riceEncode(px, n, bytePix), n, bytePix);
          expect(Array.from(back)).toEqual(Array.from(px));
        }
      }
    });
  }

  it('round-trips the extreme 32-bit values and other block sizes', () => {
    const px = Int32Array.from([
      2147483647, -2147483648, 0, -1, 2147483647, -2147483648, 5, 5, 5, 5,
    ]);
    for (const block of [1, 16, 32, 64]) {
      expect(
        Array.from(riceDecode(riceEncode(px, px.length, 4, block), px.length, 4, block)),
      ).toEqual(Array.from(px));
    }
  });

  it('codes an all-equal block in one low-entropy code (5 bits after the first value)', () => {
    const px = new Int32Array(32).fill(1234);
    expect(riceEncode(px, 32, 4).length).toBe(5);
  });

  it('rejects a stream that ends early with a coded FITS error, never a hang', () => {
    const px = sample(4, 500, 300, 9);
    const bytes = riceEncode(px, 500, 4);
    for (const cut of [0, 3, 5, bytes.length >> 1, bytes.length - 1]) {
      let err: unknown;
      try {
        riceDecode(bytes.subarray(0, cut), 500, 4);
      } catch (e) {
        err = e;
      }
      expect(isPromptlyError(err, 'PROMPTLY_E_FITS_DATA')).toBe(true);
    }
  });

  it('rejects zero-filled input instead of looping on leading zeros', () => {
    expect(() => riceDecode(new Uint8Array(64), 10000, 4)).toThrow(/RICE_1/);
  });
});

const tmp = tempDir();
afterAll(() => tmp.remove());

describe.skipIf(!haveTools)('RICE_1 against fpack', () => {
  it('writes byte-for-byte the tiles fpack writes, for 8, 16 and 32-bit images', async () => {
    for (const bitpix of [8, 16, 32]) {
      const input = makeImage(tmp.dir, `rice${bitpix}.fits`, bitpix, 257, 40);
      const fz = fpack(['-r', '-t', '257,3'], input, `${input}.fz`);
      const f = await FitsFile.open(fz);
      try {
        const hdu = await f.hdu(1);
        const info = describeCompressedImage(hdu.header);
        const image = await readCompressedImage(f.source, hdu);
        const data = await f.readData(hdu);
        const rows = data.subarray(0, info.table.rowBytes * info.table.rows);
        const heap = data.subarray(info.table.heapOffset);
        const tilePixels = 257 * 3;
        for (let t = 0; t < info.tileCount; t++) {
          const d = readDescriptor(rows, info.table, info.compressedColumn!, t);
          const n = Math.min(tilePixels, image.pixels.length - t * tilePixels);
          const px = image.pixels.subarray(t * tilePixels, t * tilePixels + n) as Int32Array;
          const ours = riceEncode(px, n, info.riceBytePix, info.riceBlockSize);
          expect(Buffer.from(ours).equals(heap.subarray(d.offset, d.offset + d.count))).toBe(true);
        }
      } finally {
        await f.close();
      }
    }
  });
});
