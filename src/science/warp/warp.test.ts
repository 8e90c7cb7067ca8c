import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REFERENCE_PYTHON, pythonHas } from '../../testing/reference-python.js';
import { makeSipPolynomial, makeTanWcs, toKeywords, type CelestialWcs } from '../../wcs/index.js';
import { CoordinateGrid, mapPixelsExact } from './coordinate-map.js';
import { lanczos3, lanczos3Weights } from './lanczos.js';
import { MASK_NO_DATA } from './mask-bits.js';
import { emptyWarpPlanes, warpImages, warpInto } from './warp.js';

const SCRIPT = fileURLToPath(new URL('./testing/lanczos-reference.py', import.meta.url));
const haveAstropy = pythonHas('numpy', 'astropy.wcs');
if (!haveAstropy) {
  console.warn(
    'numpy/astropy missing under /usr/bin/python3 (Debian: python3-astropy): warp reference skipped',
  );
}

const sip = {
  a: makeSipPolynomial(3, [
    [2, 0, 2e-7],
    [1, 1, -1.5e-7],
    [0, 2, 1e-7],
    [3, 0, 4e-11],
  ]),
  b: makeSipPolynomial(3, [
    [2, 0, -1e-7],
    [0, 2, 2e-7],
    [1, 2, -3e-11],
  ]),
};

function wcsPair(size: number): { dest: CelestialWcs; src: CelestialWcs } {
  const c = (size - 1) / 2;
  const dest = makeTanWcs({
    crval: [150, 2],
    crpix: [c, c],
    scaleArcsecPerPx: 0.2,
    rotationDeg: 0,
    sip,
  });
  // the template: pointed 5 % and 3 % of the field away, rotated 7°, no distortion
  const off = (size * 0.2) / 3600;
  const src = makeTanWcs({
    crval: [150 + 0.05 * off, 2 - 0.03 * off],
    crpix: [c + 3.3, c - 1.7],
    scaleArcsecPerPx: 0.2,
    rotationDeg: 7,
  });
  return { dest, src };
}

function gaussianBlob(
  w: number,
  h: number,
  stars: Array<[number, number, number]>,
  sigma: number,
): Float32Array {
  const out = new Float32Array(w * h);
  for (const [sx, sy, flux] of stars) {
    const norm = flux / (2 * Math.PI * sigma * sigma);
    const r = Math.ceil(6 * sigma);
    for (let y = Math.max(0, Math.floor(sy) - r); y <= Math.min(h - 1, Math.floor(sy) + r); y++) {
      for (let x = Math.max(0, Math.floor(sx) - r); x <= Math.min(w - 1, Math.floor(sx) + r); x++) {
        out[y * w + x]! += norm * Math.exp(-((x - sx) ** 2 + (y - sy) ** 2) / (2 * sigma * sigma));
      }
    }
  }
  return out;
}

describe('lanczos3Weights', () => {
  it('are the normalised Lanczos-3 kernel, and a delta on a pixel centre', () => {
    const w = new Float64Array(6);
    for (const f of [0.1, 0.25, 0.5, 0.77, 0.999]) {
      lanczos3Weights(f, w);
      const direct = [-2, -1, 0, 1, 2, 3].map((i) => lanczos3(f - i));
      const s = direct.reduce((a, b) => a + b, 0);
      for (let k = 0; k < 6; k++) expect(w[k]).toBeCloseTo(direct[k]! / s, 12);
    }
    lanczos3Weights(0, w);
    expect(Array.from(w)).toEqual([0, 0, 1, 0, 0, 0]);
  });
});

describe('CoordinateGrid', () => {
  it('interpolates the TAN-SIP destination → source mapping of a 4k detector to < 0.01 px', () => {
    const size = 4096;
    const { dest, src } = wcsPair(size);
    const grid = new CoordinateGrid(dest, src, { x0: 0, y0: 0, width: size, height: size }, 64);
    const gx = new Float64Array(size);
    const gy = new Float64Array(size);
    const xs = Float64Array.from({ length: size }, (_, i) => i);
    let worst = 0;
    for (let y = 0; y < size; y += 37) {
      grid.mapRow(y, gx, gy);
      const exact = mapPixelsExact(dest, src, xs, new Float64Array(size).fill(y));
      for (let x = 0; x < size; x++) {
        worst = Math.max(worst, Math.hypot(gx[x]! - exact.x[x]!, gy[x]! - exact.y[x]!));
      }
    }
    expect(worst).toBeLessThan(0.01);
  });
});

describe('warpImages', () => {
  it('conserves star flux and keeps a flat image flat under a shift and rotation', () => {
    const size = 256;
    const { dest, src } = wcsPair(size);
    const stars: Array<[number, number, number]> = [];
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < 5; j++)
        stars.push([40 + 44 * i + 0.3 * j, 40 + 44 * j + 0.1 * i, 1e4 * (1 + i + j)]);
    const image = { width: size, height: size, data: gaussianBlob(size, size, stars, 1.6) };
    const out = warpImages([{ image, wcs: src }], { wcs: dest, width: size, height: size });
    for (const [x, y, flux] of stars) {
      const sky = mapPixelsExact(src, dest, Float64Array.of(x), Float64Array.of(y));
      const dx = sky.x[0]!;
      const dy = sky.y[0]!;
      if (dx < 15 || dy < 15 || dx > size - 16 || dy > size - 16) continue;
      let sum = 0;
      for (let yy = Math.round(dy) - 12; yy <= Math.round(dy) + 12; yy++) {
        for (let xx = Math.round(dx) - 12; xx <= Math.round(dx) + 12; xx++)
          sum += out.image.data[yy * size + xx]!;
      }
      expect(Math.abs(sum / flux - 1)).toBeLessThan(2e-3);
    }
    const flat = warpImages(
      [
        {
          image: { width: size, height: size, data: new Float32Array(size * size).fill(7) },
          wcs: src,
        },
      ],
      { wcs: dest, width: size, height: size },
    );
    let covered = 0;
    for (let i = 0; i < size * size; i++) {
      if ((flat.mask[i]! & MASK_NO_DATA) !== 0) {
        expect(flat.image.data[i]).toBeNaN();
        continue;
      }
      covered++;
      expect(flat.image.data[i]).toBeCloseTo(7, 5);
    }
    // the source is rotated 7° and offset: most but not all of the destination is covered
    expect(covered).toBeGreaterThan(0.8 * size * size);
    expect(covered).toBeLessThan(size * size);
  });

  it('propagates variance with squared weights and ORs mask bits over the non-zero taps', () => {
    const size = 64;
    const wcs = makeTanWcs({
      crval: [10, -30],
      crpix: [31.5, 31.5],
      scaleArcsecPerPx: 0.2,
      rotationDeg: 0,
    });
    // destination shifted by exactly half a pixel in x: weights are lanczos3(±0.5, ±1.5, ±2.5)
    const shifted = makeTanWcs({
      crval: [10, -30],
      crpix: [32, 31.5],
      scaleArcsecPerPx: 0.2,
      rotationDeg: 0,
    });
    const image = { width: size, height: size, data: new Float32Array(size * size).fill(1) };
    const variance = { width: size, height: size, data: new Float32Array(size * size).fill(4) };
    const mask = new Uint32Array(size * size);
    mask[30 * size + 30] = 0b100;
    const out = warpImages([{ image, variance, mask, wcs }], {
      wcs: shifted,
      width: size,
      height: size,
    });
    const w = new Float64Array(6);
    lanczos3Weights(0.5, w);
    const sumW2 = w.reduce((a, b) => a + b * b, 0);
    expect(out.variance.data[20 * size + 20]).toBeCloseTo(4 * sumW2, 5);
    const flagged: number[] = [];
    for (let i = 0; i < size * size; i++) if ((out.mask[i]! & 0b100) !== 0) flagged.push(i);
    // x taps of the half-pixel shift are 6 non-zero weights, y is on a pixel centre: one row of 6
    expect(flagged.length).toBe(6);
    expect(flagged.every((i) => Math.floor(i / size) === 30)).toBe(true);
  });

  it('propagates a single variance level, and resamples the pixels, exactly as with a plane holding that value everywhere', () => {
    const size = 64;
    const { dest, src } = wcsPair(size);
    const image = {
      width: size,
      height: size,
      data: gaussianBlob(size, size, [[30, 30, 4e3]], 2),
    };
    const plane = { width: size, height: size, data: new Float32Array(size * size).fill(9) };
    const dst = { wcs: dest, width: size, height: size };
    const withPlane = warpImages([{ image, variance: plane, wcs: src }], dst);
    const withLevel = warpImages([{ image, varianceLevel: 9, wcs: src }], dst);
    let covered = 0;
    for (let i = 0; i < size * size; i++) {
      const a = withPlane.variance.data[i]!;
      if (a !== a) continue;
      covered++;
      expect(withLevel.variance.data[i]).toBeCloseTo(a, 4);
      // the branch-free interior path and the per-tap path give the same pixel
      const p = withPlane.image.data[i]!;
      expect(Math.abs(withLevel.image.data[i]! - p)).toBeLessThanOrEqual(1e-6 * (Math.abs(p) + 1));
    }
    expect(covered).toBeGreaterThan(size * size * 0.8);
    expect(() => warpImages([{ image, varianceLevel: -1, wcs: src }], dst)).toThrow(
      /varianceLevel/,
    );
  });

  it('warps sources one at a time into shared planes, each read into the same buffer, as in one call', () => {
    const size = 160;
    const { dest, src } = wcsPair(size);
    const stars: Array<[number, number, number]> = [];
    for (let i = 0; i < 20; i++)
      stars.push([10 + ((i * 53) % 140), 10 + ((i * 97) % 140), 4e3 + 100 * i]);
    const full = gaussianBlob(size, size, stars, 2);
    const shared = new Float32Array(100 * size);
    const patch = (x0: number, w: number, into: Float32Array) => {
      const data = into.subarray(0, w * size);
      for (let y = 0; y < size; y++)
        data.set(full.subarray(y * size + x0, y * size + x0 + w), y * w);
      const p = src.crpix;
      const wcs = { ...src, crpix: [p[0] - x0, p[1]] as const } as CelestialWcs;
      return { image: { width: w, height: size, data }, varianceLevel: 4, wcs };
    };
    const grid = { wcs: dest, width: size, height: size };
    const once = warpImages(
      [patch(0, 90, new Float32Array(90 * size)), patch(70, 90, new Float32Array(90 * size))],
      grid,
    );
    const planes = emptyWarpPlanes(grid);
    const filled = [
      warpInto(patch(0, 90, shared), grid, planes),
      warpInto(patch(70, 90, shared), grid, planes),
    ];
    expect(filled).toEqual(once.pixelsFromSource);
    expect(filled[1]).toBeGreaterThan(0);
    expect(Array.from(planes.image.data)).toEqual(Array.from(once.image.data));
    expect(Array.from(planes.variance.data)).toEqual(Array.from(once.variance.data));
    expect(Array.from(planes.mask)).toEqual(Array.from(once.mask));
  });

  it('stitches two overlapping patches into the same pixels as one whole source', () => {
    const size = 200;
    const { dest, src } = wcsPair(size);
    const stars: Array<[number, number, number]> = [];
    for (let i = 0; i < 30; i++)
      stars.push([10 + ((i * 53) % 180), 10 + ((i * 97) % 180), 5e3 + 100 * i]);
    const full = { width: size, height: size, data: gaussianBlob(size, size, stars, 2) };
    const whole = warpImages([{ image: full, wcs: src }], { wcs: dest, width: size, height: size });
    // two patches: columns 0..119 and 90..199, each with its own WCS (crpix shifted)
    const patch = (x0: number, w: number) => {
      const data = new Float32Array(w * size);
      for (let y = 0; y < size; y++)
        data.set(full.data.subarray(y * size + x0, y * size + x0 + w), y * w);
      const p = src.crpix;
      const wcs = { ...src, crpix: [p[0] - x0, p[1]] as const } as CelestialWcs;
      return { image: { width: w, height: size, data }, wcs };
    };
    const stitched = warpImages([patch(0, 120), patch(90, 110)], {
      wcs: dest,
      width: size,
      height: size,
    });
    expect(stitched.pixelsFromSource[0]).toBeGreaterThan(0);
    expect(stitched.pixelsFromSource[1]).toBeGreaterThan(0);
    let compared = 0;
    for (let i = 0; i < size * size; i++) {
      const a = whole.image.data[i]!;
      if (Number.isNaN(a)) {
        expect(stitched.mask[i]! & MASK_NO_DATA).toBe(MASK_NO_DATA);
        continue;
      }
      // the first patch owns pixels up to its edge, where its taps are cut and renormalised;
      // elsewhere both warps use the same six-by-six taps
      const m = mapPixelsExact(
        dest,
        src,
        Float64Array.of(i % size),
        Float64Array.of(Math.floor(i / size)),
      );
      const sx = m.x[0]!;
      if (sx > 116 && sx < 120) continue;
      expect(Math.abs(stitched.image.data[i]! - a)).toBeLessThan(1e-3);
      compared++;
    }
    expect(compared).toBeGreaterThan(0.7 * size * size);
  });

  it.skipIf(!haveAstropy)('matches an astropy + numpy Lanczos-3 warp to 1e-3 of the peak', () => {
    const sw = 48;
    const { dest, src } = wcsPair(sw);
    const stars: Array<[number, number, number]> = [
      [12.3, 15.7, 3e3],
      [30.1, 28.4, 5e3],
      [20.6, 36.2, 2e3],
    ];
    const data = gaussianBlob(sw, sw, stars, 1.8);
    for (let i = 0; i < data.length; i++) data[i]! += 10 + 0.05 * (i % sw);
    const ours = warpImages(
      [{ image: { width: sw, height: sw, data }, wcs: src }],
      { wcs: dest, width: sw, height: sw },
      { gridSpacingPx: 8 },
    );
    const header = (w: CelestialWcs) => Object.fromEntries(toKeywords(w).map(([k, v]) => [k, v]));
    const dir = mkdtempSync(join(tmpdir(), 'promptly-warp-'));
    try {
      writeFileSync(
        join(dir, 'in.json'),
        JSON.stringify({
          dest: { header: header(dest), width: sw, height: sw },
          src: { header: header(src), width: sw, height: sw, data: Array.from(data) },
        }),
      );
      execFileSync(REFERENCE_PYTHON, [SCRIPT, join(dir, 'in.json'), join(dir, 'out.json')], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const ref = (
        JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as { data: Array<number | null> }
      ).data;
      let peak = 0;
      for (const v of data) peak = Math.max(peak, v);
      let worst = 0;
      let both = 0;
      for (let i = 0; i < ref.length; i++) {
        const r = ref[i];
        const o = ours.image.data[i]!;
        if (r === null || r === undefined) {
          expect(o).toBeNaN();
          continue;
        }
        both++;
        worst = Math.max(worst, Math.abs(o - r));
      }
      expect(both).toBeGreaterThan(0.8 * sw * sw);
      expect(worst / peak).toBeLessThan(1e-3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
