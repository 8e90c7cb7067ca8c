import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../core/errors.js';
import { seededRandom } from '../core/seeded-random.js';
import { APDB_HEALPIX_ORDER, healpixAng2PixNest } from './healpix.js';
import {
  MAX_PIXEL_RANGES,
  angularDistanceDeg,
  compileRegion,
  coverRanges,
  toRaDec,
  unitVector,
  type SkyRegion,
} from './sky-region.js';

/** A random direction within `radiusDeg` of (ra, dec), uniform in area. */
function pointNear(
  random: () => number,
  ra: number,
  dec: number,
  radiusDeg: number,
): { ra: number; dec: number } {
  const c = unitVector(ra, dec);
  // An orthonormal pair perpendicular to c.
  const a = Math.abs(c[2]) < 0.9 ? [0, 0, 1] : [1, 0, 0];
  const u = [c[1] * a[2]! - c[2] * a[1]!, c[2] * a[0]! - c[0] * a[2]!, c[0] * a[1]! - c[1] * a[0]!];
  const nu = Math.hypot(u[0]!, u[1]!, u[2]!);
  const e1 = u.map((x) => x / nu);
  const e2 = [
    c[1] * e1[2]! - c[2] * e1[1]!,
    c[2] * e1[0]! - c[0] * e1[2]!,
    c[0] * e1[1]! - c[1] * e1[0]!,
  ];
  const r = ((radiusDeg * Math.PI) / 180) * Math.sqrt(random());
  const t = 2 * Math.PI * random();
  const v = [0, 1, 2].map(
    (k) => Math.cos(r) * c[k]! + Math.sin(r) * (Math.cos(t) * e1[k]! + Math.sin(t) * e2[k]!),
  ) as [number, number, number];
  return toRaDec(v);
}

describe('sky regions', () => {
  it('measures angular distance as the great-circle angle, also across ra = 0', () => {
    expect(angularDistanceDeg(359.5, 0, 0.5, 0)).toBeCloseTo(1, 12);
    expect(angularDistanceDeg(0, 89, 180, 89)).toBeCloseTo(2, 12);
    // A step of 1 arcsec along a meridian is 1 arcsec.
    expect(angularDistanceDeg(10, 20, 10, 20 + 1 / 3600) * 3600).toBeCloseTo(1, 9);
  });

  it('covers every point of a cone with its pixel ranges, in at most 64 ranges', () => {
    const random = seededRandom(5);
    const cones: [number, number, number][] = [
      [10, -30, 0.001],
      [0.0001, 0.3, 0.05],
      [123, 89.99, 0.2],
      [250, -60, 1.2],
      [45, 0, 5],
    ];
    for (const [ra, dec, radiusDeg] of cones) {
      const ranges = coverRanges(unitVector(ra, dec), (radiusDeg * Math.PI) / 180);
      expect(ranges.length).toBeLessThanOrEqual(MAX_PIXEL_RANGES);
      for (let i = 1; i < ranges.length; i++)
        expect(ranges[i]![0]).toBeGreaterThan(ranges[i - 1]![1]);
      for (let i = 0; i < 2000; i++) {
        const p = pointNear(random, ra, dec, radiusDeg);
        const pixel = healpixAng2PixNest(APDB_HEALPIX_ORDER, p.ra, p.dec);
        expect(ranges.some(([s, e]) => pixel >= s && pixel < e)).toBe(true);
      }
    }
  });

  it('keeps the ranges of a small cone tight: a few dozen pixels, not a sky strip', () => {
    const ranges = coverRanges(unitVector(10, -30), (2 / 3600) * (Math.PI / 180));
    const pixels = ranges.reduce((n, [s, e]) => n + e - s, 0);
    expect(pixels).toBeLessThan(200);
  });

  it('tells inside from outside of a footprint polygon in either winding', () => {
    const square = { ra: [150, 150, 150.1, 150.1], dec: [2, 2.1, 2.1, 2] };
    for (const region of [
      { kind: 'polygon', ...square },
      { kind: 'polygon', ra: [...square.ra].reverse(), dec: [...square.dec].reverse() },
    ] as SkyRegion[]) {
      const r = compileRegion(region);
      expect(r.contains(unitVector(150.05, 2.05))).toBe(true);
      expect(r.contains(unitVector(150.1, 2.05))).toBe(true);
      expect(r.contains(unitVector(150.1001, 2.05))).toBe(false);
      expect(r.contains(unitVector(150.05, 1.9999))).toBe(false);
    }
  });

  it('refuses malformed regions with a coded error', () => {
    const bad: SkyRegion[] = [
      { kind: 'circle', ra: 360, dec: 0, radiusDeg: 1 },
      { kind: 'circle', ra: 0, dec: 0, radiusDeg: 11 },
      { kind: 'circle', ra: 0, dec: 0, radiusDeg: Number.NaN },
      { kind: 'polygon', ra: [0, 1], dec: [0, 1] },
      { kind: 'polygon', ra: [0, 1, 1], dec: [0, 0] },
      // A bow tie is not convex.
      { kind: 'polygon', ra: [0, 1, 0, 1], dec: [0, 1, 1, 0] },
      { kind: 'polygon', ra: [0, 20, 20, 0], dec: [0, 0, 20, 20] },
    ];
    for (const region of bad)
      expect(() => compileRegion(region)).toThrow(
        expect.toSatisfy((e: unknown) => isPromptlyError(e, 'PROMPTLY_E_APDB_INVALID')),
      );
  });
});
