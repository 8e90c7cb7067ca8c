import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FitsFile } from '../hdu/fits-file.js';
import { makeImageHdu } from '../image/image-hdu.js';
import type { ByteSource } from '../io/byte-source.js';
import { writeFits } from '../write/write-fits.js';
import { convertFitsFile } from './convert-file.js';
import type { ImagePixels } from './pixels.js';
import { readAnyImage } from './read-any-image.js';
import {
  readCompressedImage,
  readCompressedRegion,
  readCompressedTile,
  streamCompressedImage,
} from './tiled-image.js';
import { compressImage } from './tiled-image-write.js';
import {
  firstDifference,
  fpack,
  funpack,
  haveTools,
  makeImage,
  readPlainPixels,
  tempDir,
} from './testing/tools.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

/** A ByteSource that counts the bytes read through it. */
function counting(source: ByteSource): ByteSource & { bytesRead: number } {
  const c = {
    bytesRead: 0,
    size: source.size,
    read(offset: number, length: number, signal?: AbortSignal) {
      c.bytesRead += length;
      return source.read(offset, length, signal);
    },
    close: () => source.close(),
  };
  return c;
}

/** Cuts the rectangle start/shape out of a 2-D or 3-D array of shape `axes`. */
function cut(px: ImagePixels, axes: number[], start: number[], shape: number[]): number[] {
  const out: number[] = [];
  const [nx = 1, ny = 1] = axes;
  const nz = shape[2] ?? 1;
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < (shape[1] ?? 1); y++)
      for (let x = 0; x < (shape[0] ?? 1); x++) {
        const i =
          ((start[2] ?? 0) + z) * nx * ny + ((start[1] ?? 0) + y) * nx + (start[0] ?? 0) + x;
        out.push(Number(px[i]));
      }
  return out;
}

describe.skipIf(!haveTools)('random access into compressed images', () => {
  it('reads one tile and pixel rectangles equal to funpack, reading only the touched tiles', async () => {
    const input = makeImage(tmp.dir, 'ra.fits', 16, 300, 200);
    const fz = fpack(['-r', '-t', '64,48'], input, `${input}.fz`);
    const whole = await readPlainPixels(funpack(fz, `${fz}.fits`), 0);
    const f = await FitsFile.open(fz);
    try {
      const hdu = await f.hdu(1);
      const tile = await readCompressedTile(f.source, hdu, 6);
      expect(tile.start).toEqual([64, 48]);
      expect(tile.shape).toEqual([64, 48]);
      expect(Array.from(tile.pixels, Number)).toEqual(cut(whole, [300, 200], [64, 48], [64, 48]));
      const last = await readCompressedTile(f.source, hdu, 24);
      expect(last.shape).toEqual([300 - 256, 200 - 192]);

      for (const [start, shape] of [
        [
          [0, 0],
          [1, 1],
        ],
        [
          [63, 47],
          [2, 2],
        ],
        [
          [250, 150],
          [50, 50],
        ],
        [
          [10, 20],
          [280, 170],
        ],
      ] as const) {
        const src = counting(f.source);
        const region = await readCompressedRegion(src, hdu, start, shape);
        expect(Array.from(region, Number)).toEqual(cut(whole, [300, 200], [...start], [...shape]));
        if (shape[0] === 1) expect(src.bytesRead).toBeLessThan(hdu.dataSize / 4);
      }
    } finally {
      await f.close();
    }
  });

  it('compresses and reads back a 3-D cube in 3-D tiles, equal to funpack', async () => {
    const axes = [40, 30, 5];
    const px = new Int32Array(40 * 30 * 5);
    for (let i = 0; i < px.length; i++) px[i] = ((i * 2654435761) >>> 20) - 2000;
    const plain = join(tmp.dir, 'cube.fits');
    writeFileSync(plain, await writeFits([makeImageHdu(px, axes)]));
    const fz = `${plain}.fz`;
    await convertFitsFile(plain, fz, { tile: [16, 16, 2] });
    const theirs = await readPlainPixels(funpack(fz, `${fz}.fits`), 0);
    expect(firstDifference(theirs, px)).toBe(-1);
    const f = await FitsFile.open(fz);
    try {
      const hdu = await f.hdu(1);
      const all = await readCompressedImage(f.source, hdu);
      expect(firstDifference(all.pixels, px)).toBe(-1);
      const region = await readCompressedRegion(f.source, hdu, [5, 7, 1], [30, 20, 3]);
      expect(Array.from(region, Number)).toEqual(cut(px, axes, [5, 7, 1], [30, 20, 3]));
    } finally {
      await f.close();
    }
  });

  it('reads plain and compressed images through one call with the same scaling rules', async () => {
    const input = makeImage(tmp.dir, 'any.fits', 16, 300, 200, ['--unsigned']);
    const fz = fpack(['-r'], input, `${input}.fz`);
    const a = await FitsFile.open(input);
    const b = await FitsFile.open(fz);
    try {
      const plain = await readAnyImage(a.source, await a.hdu(0));
      const packed = await readAnyImage(b.source, await b.hdu(1));
      expect(plain.pixels).toBeInstanceOf(Uint16Array);
      expect(packed.pixels).toBeInstanceOf(Uint16Array);
      expect(firstDifference(packed.pixels as ImagePixels, plain.pixels as ImagePixels)).toBe(-1);
      expect(packed.shape).toEqual([300, 200]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('streaming a compressed image', () => {
  it('gives the same runs from buffers taking turns as from fresh arrays', async () => {
    // 3 runs of about a million pixels: the third reuses the first's buffer
    const axes = [1024, 2100];
    const px = new Int16Array(axes[0]! * axes[1]!);
    for (let i = 0; i < px.length; i++) px[i] = ((i * 2654435761) >>> 22) - 300;
    const fz = compressImage({
      header: makeImageHdu(px, axes).header,
      bitpix: 16,
      axes,
      pixels: px,
    });
    const f = FitsFile.fromBytes(await writeFits([fz]));
    try {
      const hdu = await f.hdu(1);
      const fresh: number[][] = [];
      for await (const run of streamCompressedImage(f.source, hdu))
        fresh.push(Array.from(run.pixels, Number));
      const buffers = new Set<ArrayBufferLike>();
      let k = 0;
      for await (const run of streamCompressedImage(f.source, hdu, { runBuffers: 2 })) {
        expect(Array.from(run.pixels, Number)).toEqual(fresh[k++]);
        buffers.add(run.pixels.buffer);
      }
      expect(k).toBe(3);
      expect(buffers.size).toBe(2);
    } finally {
      await f.close();
    }
  });
});

describe('reading a region into a given array', () => {
  it('decodes regions into the front of one reused array as into fresh ones, and refuses an array of another type', async () => {
    const axes = [300, 260];
    const px = new Int32Array(axes[0]! * axes[1]!);
    for (let i = 0; i < px.length; i++) px[i] = ((i * 2654435761) >>> 12) - 400000;
    const fz = compressImage(
      {
        header: makeImageHdu(px, axes).header,
        bitpix: 32,
        axes,
        pixels: px,
      },
      { tile: [64, 64] },
    );
    const f = FitsFile.fromBytes(await writeFits([fz]));
    try {
      const hdu = await f.hdu(1);
      const out = new Int32Array(200 * 200);
      for (const [start, shape] of [
        [
          [10, 20],
          [150, 130],
        ],
        [
          [100, 5],
          [70, 200],
        ],
      ] as const) {
        const fresh = await readCompressedRegion(f.source, hdu, start, shape);
        const into = await readCompressedRegion(f.source, hdu, start, shape, { out });
        expect(into.buffer).toBe(out.buffer);
        expect(Array.from(into, Number)).toEqual(Array.from(fresh, Number));
        expect(into[0]).toBe(px[start[1] * axes[0]! + start[0]]);
      }
      await expect(
        readCompressedRegion(f.source, hdu, [0, 0], [10, 10], { out: new Float32Array(100) }),
      ).rejects.toThrow(/does not fit/);
      await expect(
        readCompressedRegion(f.source, hdu, [0, 0], [10, 10], { out: new Int32Array(99) }),
      ).rejects.toThrow(/does not fit/);
    } finally {
      await f.close();
    }
  });
});
