import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../core/errors.js';
import { seededRandom } from '../core/seeded-random.js';
import {
  APDB_HEALPIX_ORDER,
  HEALPIX_MAX_ORDER,
  angleBetween,
  healpixAng2PixNest,
  healpixPixelCentre,
  healpixPixelCount,
  healpixPixelRadius,
} from './healpix.js';
import { toRaDec, unitVector } from './sky-region.js';

/**
 * HEALPix checked against its published properties (Górski et al. 2005): these run
 * everywhere; `healpix.astropy.test.ts` compares pixel numbers with astropy_healpix.
 */

/** A uniformly random direction on the sphere. */
function randomDirection(random: () => number): { ra: number; dec: number } {
  const z = 2 * random() - 1;
  return { ra: 360 * random(), dec: (Math.asin(z) * 180) / Math.PI };
}

describe('HEALPix nested pixels', () => {
  it('numbers 12·4^order pixels, up to order 24 as safe integers', () => {
    expect(healpixPixelCount(0)).toBe(12);
    expect(healpixPixelCount(3)).toBe(768);
    expect(Number.isSafeInteger(healpixPixelCount(HEALPIX_MAX_ORDER) - 1)).toBe(true);
    expect(() => healpixPixelCount(25)).toThrow();
  });

  it('puts the north pole in the last pixel of face 0 and the south pole in the first of face 8', () => {
    for (const order of [0, 1, 5, 16, 24]) {
      const npface = 4 ** order;
      expect(healpixAng2PixNest(order, 0, 90)).toBe(npface - 1);
      expect(healpixAng2PixNest(order, 0, -90)).toBe(8 * npface);
    }
  });

  it('gives the base pixel of the equatorial faces at their centres', () => {
    // Base pixels 4..7 are centred on the equator at ra 0, 90, 180, 270 (Górski, fig. 3).
    expect([0, 90, 180, 270].map((ra) => healpixAng2PixNest(0, ra + 1e-9, 0))).toEqual([
      4, 5, 6, 7,
    ]);
    expect([45, 135, 225, 315].map((ra) => healpixAng2PixNest(0, ra, 60))).toEqual([0, 1, 2, 3]);
    expect([45, 135, 225, 315].map((ra) => healpixAng2PixNest(0, ra, -60))).toEqual([8, 9, 10, 11]);
  });

  it('maps each pixel centre back to its pixel, at every order', () => {
    const random = seededRandom(1);
    for (let order = 0; order <= HEALPIX_MAX_ORDER; order++) {
      for (let i = 0; i < 200; i++) {
        const pixel = Math.floor(random() * healpixPixelCount(order));
        const { ra, dec } = toRaDec(healpixPixelCentre(order, pixel));
        expect(healpixAng2PixNest(order, ra, dec)).toBe(pixel);
      }
    }
  });

  it('nests: a point’s pixel at order k is its order-k+1 pixel divided by 4', () => {
    const random = seededRandom(2);
    for (let i = 0; i < 2000; i++) {
      const { ra, dec } = randomDirection(random);
      const fine = healpixAng2PixNest(APDB_HEALPIX_ORDER, ra, dec);
      for (let k = 0; k < APDB_HEALPIX_ORDER; k++)
        expect(healpixAng2PixNest(k, ra, dec)).toBe(
          Math.floor(fine / 4 ** (APDB_HEALPIX_ORDER - k)),
        );
    }
  });

  it('has pixels of equal area: uniform points fill the 48 pixels of order 1 evenly', () => {
    const random = seededRandom(3);
    const n = 96_000;
    const counts = new Array<number>(48).fill(0);
    for (let i = 0; i < n; i++) {
      const { ra, dec } = randomDirection(random);
      const p = healpixAng2PixNest(1, ra, dec);
      counts[p] = (counts[p] ?? 0) + 1;
    }
    // Expected 2000 each, binomial σ ≈ 44: every count within 5σ, and χ² near its 47 dof.
    const expected = n / 48;
    for (const c of counts) expect(Math.abs(c - expected)).toBeLessThan(5 * Math.sqrt(expected));
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(90); // p ≈ 1e-4 for 47 degrees of freedom
  });

  it('bounds every point of a pixel within the pixel radius of its centre', () => {
    const random = seededRandom(4);
    for (const order of [0, 1, 2, 4, 8, 12, 16, 20]) {
      for (let i = 0; i < 3000; i++) {
        const { ra, dec } = randomDirection(random);
        const pixel = healpixAng2PixNest(order, ra, dec);
        const d = angleBetween(unitVector(ra, dec), healpixPixelCentre(order, pixel));
        expect(d).toBeLessThanOrEqual(healpixPixelRadius(order, pixel));
      }
    }
  });

  it('refuses non-finite positions, dec beyond the poles and bad orders with a coded error', () => {
    for (const bad of [
      () => healpixAng2PixNest(4, Number.NaN, 0),
      () => healpixAng2PixNest(4, 0, 90.5),
      () => healpixAng2PixNest(-1, 0, 0),
      () => healpixAng2PixNest(1.5, 0, 0),
      () => healpixPixelCentre(0, 12),
    ])
      expect(bad).toThrow(
        expect.toSatisfy((e: unknown) => isPromptlyError(e, 'PROMPTLY_E_APDB_INVALID')),
      );
  });
});
