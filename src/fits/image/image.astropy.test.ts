import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyHduChecksum } from '../checksum.js';
import { FitsFile } from '../hdu/fits-file.js';
import { bytesSource } from '../io/byte-source.js';
import { scanHdus } from '../hdu/scan.js';
import { writeFits } from '../write/write-fits.js';
import { makeImageHdu } from './image-hdu.js';
import type { PixelArray } from './pixel-format.js';
import { readImage, readImageRect, readImageRows } from './read-image.js';
import {
  HAVE_ASTROPY,
  loadDump,
  runReference,
  tempDir,
  type ReferenceArray,
} from '../testing/reference.js';

if (!HAVE_ASTROPY)
  console.warn('image interop tests skipped: /usr/bin/python3 with astropy not found');

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** Index of the first element that differs (NaN equals NaN; relative tolerance `tol`), or -1. */
function firstMismatch(
  a: ArrayLike<number | bigint>,
  b: ArrayLike<number | bigint>,
  tol = 0,
): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') {
      if (Number.isNaN(x) && Number.isNaN(y)) continue;
      if (Math.abs(x - y) <= tol * Math.max(Math.abs(x), Math.abs(y))) continue;
    }
    return i;
  }
  return -1;
}

describe.skipIf(!HAVE_ASTROPY)('images against astropy', () => {
  const manifest = HAVE_ASTROPY
    ? (JSON.parse(runReference('astropy-image.py', ['make', tmp.dir])) as Record<
        string,
        ReferenceArray & { file: string }
      >)
    : {};

  it.each(Object.keys(manifest))(
    'reads the astropy-written %s image to the same typed array and values',
    async (name) => {
      const ref = manifest[name]!;
      const expected = loadDump(ref);
      const file = await FitsFile.open(ref.file);
      try {
        const hdu = await file.hdu(0);
        const img = await readImage(file.source, hdu);
        expect(img.pixels.constructor.name).toBe(expected.constructor.name);
        expect([...img.shape].reverse()).toEqual(ref.shape);
        expect(firstMismatch(img.pixels, expected, name === 'scaled16' ? 1e-6 : 0)).toBe(-1);
        const sums = await verifyHduChecksum(file.source, hdu);
        expect([sums.checksum, sums.datasum]).toEqual(['ok', 'ok']);
      } finally {
        await file.close();
      }
    },
  );

  it('reads a pixel rectangle and a row range equal to the same part of the whole image', async () => {
    const ref = manifest.int32!;
    const bytes = readFileSync(ref.file);
    const source = bytesSource(bytes);
    const [hdu] = await scanHdus(source);
    const whole = (await readImage(source, hdu!)).pixels as Int32Array;
    const rect = await readImageRect(source, hdu!, { x: 5, y: 7, width: 11, height: 9 });
    expect(rect.shape).toEqual([11, 9]);
    const want = new Int32Array(11 * 9);
    for (let r = 0; r < 9; r++)
      want.set(whole.subarray((7 + r) * 53 + 5, (7 + r) * 53 + 16), r * 11);
    expect(Array.from(rect.pixels as Int32Array)).toEqual(Array.from(want));
    const rows = await readImageRows(source, hdu!, 30, 7);
    expect(Array.from(rows.pixels as Int32Array)).toEqual(
      Array.from(whole.subarray(30 * 53, 37 * 53)),
    );
    const cube = bytesSource(readFileSync(manifest.cube!.file));
    const [cubeHdu] = await scanHdus(cube);
    const plane = await readImageRect(cube, cubeHdu!, {
      x: 2,
      y: 1,
      width: 3,
      height: 2,
      plane: 2,
    });
    const cubeAll = (await readImage(cube, cubeHdu!)).pixels as Int32Array;
    const base = 2 * 77;
    expect(Array.from(plane.pixels as Int32Array)).toEqual([
      ...cubeAll.subarray(base + 11 + 2, base + 11 + 5),
      ...cubeAll.subarray(base + 22 + 2, base + 22 + 5),
    ]);
  });

  it('writes every pixel type as images (with checksums) that astropy reads equal and verifies', async () => {
    const n = 6 * 5;
    const ramp = (f: (i: number) => number | bigint) => Array.from({ length: n }, (_, i) => f(i));
    const arrays: PixelArray[] = [
      Uint8Array.from(ramp((i) => (i * 37) % 256)),
      Int8Array.from(ramp((i) => ((i * 37) % 256) - 128)),
      Int16Array.from(ramp((i) => i * 2000 - 32000)),
      Uint16Array.from(ramp((i) => i * 2200)),
      Int32Array.from(ramp((i) => i * 140_000_000 - 2_100_000_000)),
      Uint32Array.from(ramp((i) => i * 140_000_000)),
      BigInt64Array.from(
        ramp((i) => BigInt(i) * 300_000_000_000_000_000n - 4_611_686_018_427_387_904n) as bigint[],
      ),
      BigUint64Array.from(ramp((i) => BigInt(i) * 600_000_000_000_000_000n) as bigint[]),
      Float32Array.from(ramp((i) => (i === 3 ? Number.NaN : i * 1.5e-3 - 7))),
      Float64Array.from(ramp((i) => Math.sin(i) * 1e200)),
    ];
    const hdus = arrays.map((a) => makeImageHdu(a, [6, 5], { extname: a.constructor.name }));
    const path = join(tmp.dir, 'ours.fits');
    writeFileSync(path, await writeFits(hdus, { checksum: true }));
    const outDir = join(tmp.dir, 'ours-read');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(outDir);
    const got = JSON.parse(
      runReference('astropy-image.py', ['read', path, outDir]),
    ) as (Partial<ReferenceArray> & {
      checksum: number;
      datasum: number;
    })[];
    expect(got).toHaveLength(arrays.length);
    got.forEach((g, i) => {
      const a = arrays[i]!;
      expect([g.checksum, g.datasum]).toEqual([1, 1]);
      expect(g.shape).toEqual([5, 6]);
      const back = loadDump(g as ReferenceArray);
      expect(back.constructor.name).toBe(a.constructor.name);
      expect(firstMismatch(back, a)).toBe(-1);
    });
  });

  it('writes float pixels quantised to 16-bit with BSCALE/BZERO/BLANK that astropy scales back', async () => {
    const px = Float32Array.from({ length: 12 }, (_, i) => (i === 5 ? Number.NaN : i * 0.25 + 100));
    const bytes = await writeFits([
      makeImageHdu(px, [4, 3], { bitpix: 16, bscale: 0.25, bzero: 100, blank: -32768 }),
    ]);
    const path = join(tmp.dir, 'quant.fits');
    writeFileSync(path, bytes);
    const outDir = join(tmp.dir, 'quant-read');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(outDir);
    const got = JSON.parse(
      runReference('astropy-image.py', ['read', path, outDir]),
    ) as ReferenceArray[];
    expect(firstMismatch(loadDump(got[0]!), px)).toBe(-1);
  });
});
