import { describe, expect, it } from 'vitest';
import { GALAXY_ID_OFFSET, galaxiesInBox, galaxyDensityPerDeg2 } from './galaxy-catalog.js';
import { starsInBox } from './sky-catalog.js';

const SKY = { seed: 5, densityPerDeg2: 20_000, magLimit: 24, galaxyMagLimit: 24.5 };
const BOX = { raMin: 150, raMax: 150.3, decMin: -30.15, decMax: -29.85 };

describe('galaxy catalog', () => {
  it('draws about the modelled number of galaxies, as a Poisson count', () => {
    const g = galaxiesInBox(SKY, BOX);
    const area = 0.3 * 0.3 * Math.cos((30 * Math.PI) / 180);
    const expected = galaxyDensityPerDeg2(24.5) * area;
    // the count model at r = 24: 28 000 per deg² per mag
    expect(galaxyDensityPerDeg2(24.5) - galaxyDensityPerDeg2(23.5)).toBeGreaterThan(2.5e4);
    expect(galaxyDensityPerDeg2(24.5) - galaxyDensityPerDeg2(23.5)).toBeLessThan(3.2e4);
    expect(Math.abs(g.length - expected)).toBeLessThan(5 * Math.sqrt(expected));
  });

  it('gives the same galaxies to every box that covers them, with ids apart from stars', () => {
    const big = galaxiesInBox(SKY, BOX);
    const small = galaxiesInBox(SKY, { raMin: 150.1, raMax: 150.2, decMin: -30, decMax: -29.9 });
    expect(small.length).toBeGreaterThan(100);
    const at = new Map(Array.from(big.id, (id, k) => [id, k]));
    for (let k = 0; k < small.length; k++) {
      const j = at.get(small.id[k]!);
      expect(j).toBeDefined();
      expect(big.ra[j!]).toBe(small.ra[k]);
      expect(big.reArcsec[j!]).toBe(small.reArcsec[k]);
    }
    const stars = starsInBox(SKY, BOX);
    const starIds = new Set(stars.id);
    for (const id of big.id) {
      expect(id).toBeGreaterThanOrEqual(GALAXY_ID_OFFSET);
      expect(Number.isSafeInteger(id)).toBe(true);
      expect(starIds.has(id)).toBe(false);
    }
  });

  it('makes fainter galaxies smaller, ellipticals rounder and redder than discs', () => {
    const g = galaxiesInBox(SKY, BOX);
    const median = (xs: number[]): number => xs.sort((a, b) => a - b)[xs.length >> 1]!;
    const re = (lo: number, hi: number): number =>
      median(Array.from(g.reArcsec).filter((_, k) => g.mag.r![k]! >= lo && g.mag.r![k]! < hi));
    expect(re(19, 21)).toBeGreaterThan(1.2);
    expect(re(19, 21)).toBeLessThan(2.2);
    expect(re(23.5, 24.5)).toBeGreaterThan(0.3);
    expect(re(23.5, 24.5)).toBeLessThan(0.7);
    const of = (n: number, f: (k: number) => number): number[] =>
      Array.from(g.sersicN).flatMap((v, k) => (v === n ? [f(k)] : []));
    expect(Math.min(...of(4, (k) => g.axisRatio[k]!))).toBeGreaterThanOrEqual(0.5);
    expect(median(of(4, (k) => g.mag.g![k]! - g.mag.r![k]!))).toBeGreaterThan(
      median(of(1, (k) => g.mag.g![k]! - g.mag.r![k]!)) + 0.2,
    );
  });

  it('has no galaxies when the sky has no galaxy limit', () => {
    const { galaxyMagLimit: _, ...stars } = SKY;
    expect(galaxiesInBox(stars, BOX).length).toBe(0);
  });
});
