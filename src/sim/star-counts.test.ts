import { describe, expect, it } from 'vitest';
import { starsInBox } from './sky-catalog.js';
import { starCountsAt } from './star-counts.js';

/** ICRS of the north galactic pole and of (l, b) ≈ (0.6°, 8.8°) and (179°, 8.4°). */
const NGP = { ra: 192.85948, dec: 27.12825 };
const CENTRE_B10 = { ra: 258.6, dec: -23.6 };
const ANTICENTRE_B10 = { ra: 94.3, dec: 34.0 };

describe('star counts by galactic position', () => {
  it('puts a few thousand stars per deg² to r = 24 at the pole and many more near the plane', () => {
    const pole = starCountsAt(NGP.ra, NGP.dec, 24);
    expect(pole.densityPerDeg2).toBeGreaterThan(4_000);
    expect(pole.densityPerDeg2).toBeLessThan(5_000);
    const centre = starCountsAt(CENTRE_B10.ra, CENTRE_B10.dec, 24);
    const anti = starCountsAt(ANTICENTRE_B10.ra, ANTICENTRE_B10.dec, 24);
    expect(centre.densityPerDeg2).toBeGreaterThan(10 * pole.densityPerDeg2);
    expect(centre.densityPerDeg2).toBeGreaterThan(2 * anti.densityPerDeg2);
    // steeper counts in the plane than at the pole
    expect(centre.slope).toBeGreaterThan(pole.slope + 0.1);
    // fainter limits hold more stars, by the slope
    expect(starCountsAt(NGP.ra, NGP.dec, 25).densityPerDeg2 / pole.densityPerDeg2).toBeCloseTo(
      10 ** pole.slope,
      6,
    );
  });

  it('draws a galactic sky’s catalog with the modelled density and slope', () => {
    const sky = { seed: 3, densityPerDeg2: 'galactic' as const, magLimit: 24 };
    const count = (c: { ra: number; dec: number }, half: number) => {
      const cos = Math.cos((c.dec * Math.PI) / 180);
      const box = {
        raMin: c.ra - half / cos,
        raMax: c.ra + half / cos,
        decMin: c.dec - half,
        decMax: c.dec + half,
      };
      const stars = starsInBox(sky, box);
      const area = (2 * half) ** 2;
      return { stars, expected: starCountsAt(c.ra, c.dec, 24).densityPerDeg2 * area };
    };
    for (const [where, half] of [
      [NGP, 0.3],
      [CENTRE_B10, 0.1],
    ] as const) {
      const { stars, expected } = count(where, half);
      expect(Math.abs(stars.length - expected)).toBeLessThan(
        0.05 * expected + 5 * Math.sqrt(expected),
      );
    }
    // the share of stars in the last magnitude follows the slope: 1 − 10^(−α)
    const { stars } = count(CENTRE_B10, 0.1);
    const r = stars.mag.r!;
    const faint = r.filter((m) => m >= 23).length / r.length;
    const { slope } = starCountsAt(CENTRE_B10.ra, CENTRE_B10.dec, 24);
    expect(faint).toBeCloseTo(1 - 10 ** -slope, 1);
  });
});
