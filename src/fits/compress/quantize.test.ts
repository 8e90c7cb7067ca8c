import { afterAll, describe, expect, it } from 'vitest';
import { FitsFile } from '../hdu/fits-file.js';
import { describeCompressedImage } from './compressed-image-info.js';
import { readDescriptor, readScalar } from './compressed-table.js';
import { riceDecode } from './rice.js';
import { DitherCursor, N_RANDOM, ditherRandoms } from './dither.js';
import { NULL_VALUE, ZERO_VALUE, quantizeTile, unquantizeInto } from './quantize.js';
import { fpack, haveTools, makeImage, readPlainPixels, tempDir } from './testing/tools.js';

describe('dither sequence', () => {
  it('starts with 16807/(2^31−1) as a float32 and has 10 000 values in [0, 1)', () => {
    const r = ditherRandoms();
    expect(r.length).toBe(N_RANDOM);
    expect(r[0]).toBe(Math.fround(16807 / 2147483647));
    expect(Math.min(...r)).toBeGreaterThan(0);
    expect(Math.max(...r)).toBeLessThan(1);
  });

  it('starts tile k at seed (k + ZDITHER0 − 1) mod 10000 and wraps the seed', () => {
    const r = ditherRandoms();
    const c = new DitherCursor(9999, 1);
    expect(c.next).toBe(Math.trunc((r[9999] as number) * 500));
    const d = new DitherCursor(0, 10000);
    expect(d.next).toBe(Math.trunc((r[9999] as number) * 500));
  });
});

describe('quantizeTile / unquantizeInto', () => {
  it('restores values within half a step, keeps zeros under dither 2 and NaN as ZBLANK', () => {
    const n = 400;
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = 100 + 10 * Math.sin(i * 0.7) + (i % 13);
    data[5] = 0;
    data[17] = NaN;
    const q = new Int32Array(n);
    const r = quantizeTile(data, 40, 10, 4, 'SUBTRACTIVE_DITHER_2', 3, 77, q);
    expect(r.ok).toBe(true);
    expect(r.hasNull).toBe(true);
    expect(q[5]).toBe(ZERO_VALUE);
    expect(q[17]).toBe(NULL_VALUE);
    const back = new Float32Array(n);
    unquantizeInto(
      q,
      n,
      {
        method: 'SUBTRACTIVE_DITHER_2',
        scale: r.scale,
        zero: r.zero,
        tileIndex: 3,
        ditherSeed: 77,
        blank: NULL_VALUE,
      },
      back,
    );
    expect(back[5]).toBe(0);
    expect(Number.isNaN(back[17])).toBe(true);
    for (let i = 0; i < n; i++) {
      if (i === 5 || i === 17) continue;
      expect(Math.abs((back[i] as number) - (data[i] as number))).toBeLessThanOrEqual(
        r.scale * 0.5 + 1e-4,
      );
    }
  });

  it('refuses to quantize a flat tile (the writer then stores it losslessly)', () => {
    const q = new Int32Array(100);
    expect(
      quantizeTile(new Float32Array(100).fill(3), 10, 10, 4, 'SUBTRACTIVE_DITHER_1', 0, 1, q).ok,
    ).toBe(false);
  });
});

const tmp = tempDir();
afterAll(() => tmp.remove());

describe.skipIf(!haveTools)('quantization against fpack', () => {
  it('chooses the same ZSCALE, ZZERO and quantized integers per tile as fpack -q 4', async () => {
    const input = makeImage(tmp.dir, 'qz.fits', -32, 300, 60);
    const fz = fpack(['-q', '4', '-t', '300,6'], input, `${input}.fz`);
    const pixels = (await readPlainPixels(input, 0)) as Float32Array;
    const f = await FitsFile.open(fz);
    try {
      const hdu = await f.hdu(1);
      const info = describeCompressedImage(hdu.header);
      const data = await f.readData(hdu);
      const rows = data.subarray(0, info.table.rowBytes * info.table.rows);
      const heap = data.subarray(info.table.heapOffset);
      const q = new Int32Array(1800);
      for (let t = 0; t < info.tileCount; t++) {
        const tile = pixels.subarray(t * 1800, (t + 1) * 1800);
        const r = quantizeTile(tile, 300, 6, 4, 'SUBTRACTIVE_DITHER_1', t, info.ditherSeed, q);
        const scale = readScalar(rows, info.table, info.scaleColumn!, t);
        const zero = readScalar(rows, info.table, info.zeroColumn!, t);
        expect(r.scale).toBeCloseTo(scale, 12);
        expect(r.zero).toBeCloseTo(zero, 6);
        // and the same quantized integers, given fpack's ZDITHER0
        const d = readDescriptor(rows, info.table, info.compressedColumn!, t);
        const theirs = riceDecode(heap.subarray(d.offset, d.offset + d.count), 1800, 4);
        expect(Buffer.from(q.buffer).equals(Buffer.from(theirs.buffer))).toBe(true);
      }
    } finally {
      await f.close();
    }
  });
});
