import { describe, expect, it } from 'vitest';
import { ephemerisAt, mjdTtOfUtcMs, skyMotion } from '../../science/ephemeris/index.js';
import {
  ASTEROID_EPOCH_DAYS,
  asteroidBin,
  asteroidsNear,
  type AsteroidSky,
} from './asteroid-population.js';

const SKY: AsteroidSky = { seed: 7, densityPerDeg2: 1000, knownFraction: 0.8 };
/** A night in the middle of a population bin. */
const T0 = asteroidBin(61_000).epochMjdTt - 1;

function capAreaDeg2(radiusDeg: number): number {
  return 2 * Math.PI * (1 - Math.cos((radiusDeg * Math.PI) / 180)) * (180 / Math.PI) ** 2;
}

describe('the asteroids of the simulated sky', () => {
  it('has the configured density, with main-belt and near-Earth orbits in their ranges', () => {
    const radius = 0.5;
    const seen = asteroidsNear(SKY, 30, -20, radius, T0);
    const expected = SKY.densityPerDeg2 * capAreaDeg2(radius);
    console.info(`${seen.length} asteroids in a ${radius}° cap, ${expected.toFixed(0)} expected`);
    // a few fast NEOs have left their place; the rest is Poisson
    expect(Math.abs(seen.length - expected)).toBeLessThan(
      5 * Math.sqrt(expected) + 0.05 * expected,
    );
    let known = 0;
    for (const { asteroid: a, ephemeris } of seen) {
      const el = a.elements;
      if (a.neo) {
        expect(el.aAu * (1 - el.e)).toBeLessThan(1.3 + 1e-9);
      } else {
        expect(el.aAu).toBeGreaterThanOrEqual(2.1 - 1e-9);
        expect(el.aAu).toBeLessThanOrEqual(3.3 + 1e-9);
        expect(el.e).toBeLessThanOrEqual(0.3 + 1e-9);
        expect(skyMotion(el, T0).rateDegPerDay).toBeLessThan(1);
      }
      expect(ephemeris.deltaAu).toBeGreaterThan(0);
      if (a.known) known++;
    }
    expect(known / seen.length).toBeGreaterThan(0.7);
    expect(known / seen.length).toBeLessThan(0.9);
  });

  it('shows the same asteroid, with the same id, where its orbit takes it on later nights of its bin', () => {
    const first = asteroidsNear(SKY, 120, -30, 0.3, T0).filter((s) => !s.asteroid.neo);
    expect(first.length).toBeGreaterThan(10);
    for (const { asteroid } of first.slice(0, 10)) {
      for (const dt of [0.04, 1, 2]) {
        const at = ephemerisAt(asteroid.elements, T0 + dt);
        const later = asteroidsNear(SKY, at.raDeg, at.decDeg, 0.01, T0 + dt);
        expect(later.map((s) => s.asteroid.id)).toContain(asteroid.id);
      }
    }
  });

  it('is the same for the same seed and different for another', () => {
    const a = asteroidsNear(SKY, 200, 10, 0.2, T0).map((s) => [s.asteroid.id, s.ephemeris.raDeg]);
    const b = asteroidsNear({ ...SKY }, 200, 10, 0.2, T0).map((s) => [
      s.asteroid.id,
      s.ephemeris.raDeg,
    ]);
    const c = asteroidsNear({ ...SKY, seed: 8 }, 200, 10, 0.2, T0).map((s) => s.asteroid.id);
    expect(a).toEqual(b);
    expect(c).not.toEqual(a.map((x) => x[0]));
  });

  it('draws nothing at density 0 and hands over to the next bin at a bin edge', () => {
    expect(asteroidsNear({ ...SKY, densityPerDeg2: 0 }, 30, -20, 1, T0)).toEqual([]);
    const edge = asteroidBin(61_000).epochMjdTt + ASTEROID_EPOCH_DAYS / 2;
    const before = asteroidsNear(SKY, 30, -20, 0.2, edge - 1e-6).map((s) => s.asteroid.id);
    const after = asteroidsNear(SKY, 30, -20, 0.2, edge + 1e-6).map((s) => s.asteroid.id);
    expect(before.length).toBeGreaterThan(0);
    expect(after.some((id) => before.includes(id))).toBe(false);
  });

  it('converts UTC to TT with the leap seconds and 32.184 s', () => {
    expect((mjdTtOfUtcMs(Date.UTC(2026, 0, 1)) - 61_041) * 86_400).toBeCloseTo(69.184, 5);
  });
});
