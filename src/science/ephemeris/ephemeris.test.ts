import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../../core/errors.js';
import { ephemerisAt, hgMagnitude, skyMotion } from './ephemeris.js';
import { elementsOfState, heliocentricState, solveKepler } from './kepler.js';
import { orbitThrough } from './orbit-through.js';
import type { OrbitalElements } from './orbital-elements.js';
import { norm, sub } from './vector.js';

const CERES: OrbitalElements = {
  epochMjdTt: 61_000,
  aAu: 2.77,
  e: 0.078,
  incDeg: 10.6,
  nodeDeg: 80.3,
  argPeriDeg: 73.6,
  meanAnomalyDeg: 150.2,
};

describe('Kepler propagation', () => {
  it("solves Kepler's equation to machine precision for e up to 0.99", () => {
    for (const e of [0, 0.1, 0.5, 0.9, 0.99]) {
      for (let m = -3; m <= 3; m += 0.37) {
        const E = solveKepler(m, e);
        expect(Math.abs(E - e * Math.sin(E) - m)).toBeLessThan(1e-12);
      }
    }
  });

  it('turns a state back into the elements it came from', () => {
    for (const t of [61_000, 61_100, 62_000]) {
      const state = heliocentricState(CERES, t);
      const back = elementsOfState(state, t);
      const again = heliocentricState(back, t);
      expect(norm(sub(again.position, state.position))).toBeLessThan(1e-12);
      expect(norm(sub(again.velocity, state.velocity))).toBeLessThan(1e-14);
      expect(back.aAu).toBeCloseTo(CERES.aAu, 10);
      expect(back.e).toBeCloseTo(CERES.e, 10);
      expect(back.incDeg).toBeCloseTo(CERES.incDeg, 8);
    }
  });

  it('conserves the period: one orbit later the object is back where it was', () => {
    const periodDays = (2 * Math.PI) / Math.sqrt(0.01720209895 ** 2 / CERES.aAu ** 3);
    const a = heliocentricState(CERES, 61_000).position;
    const b = heliocentricState(CERES, 61_000 + periodDays).position;
    expect(norm(sub(a, b))).toBeLessThan(1e-9);
  });

  it('rejects elements out of range, naming the field', () => {
    const bad = { ...CERES, e: 1.2 };
    try {
      ephemerisAt(bad, 61_000);
      expect.unreachable();
    } catch (err) {
      expect(isPromptlyError(err, 'PROMPTLY_E_EPHEMERIS_INVALID')).toBe(true);
      expect(String(err)).toMatch(/e must be/);
    }
    expect(() => ephemerisAt({ ...CERES, aAu: NaN }, 61_000)).toThrow(/aAu/);
    expect(() => ephemerisAt(CERES, 1e7)).toThrow(/mjdTt/);
  });
});

describe('orbits through a place on the sky', () => {
  it('puts the object at the asked geocentric direction at its epoch (light time aside)', () => {
    for (const [ra, dec] of [
      [40, 15],
      [120, -30],
      [300, -60],
    ] as const) {
      const el = orbitThrough({
        raDeg: ra,
        decDeg: dec,
        mjdTt: 61_000,
        aAu: 2.6,
        e: 0.15,
        eccentricAnomalyRad: 1.1,
        extraInclinationDeg: 5,
        ascending: true,
      })!;
      expect(el.e).toBeCloseTo(0.15, 9);
      expect(el.aAu).toBeCloseTo(2.6, 9);
      const eph = ephemerisAt(el, 61_000 + 0); // light time moves it by rate × τ only
      const sep = Math.hypot((eph.raDeg - ra) * Math.cos((dec * Math.PI) / 180), eph.decDeg - dec);
      expect(sep).toBeLessThan(0.02);
      expect(el.incDeg).toBeGreaterThanOrEqual(5 - 1e-9);
    }
  });

  it('gives main-belt motion near opposition: retrograde, a fraction of a degree per day', () => {
    // the anti-Sun point on 2025-11-13 is near RA 49°, Dec +18°
    const el = orbitThrough({
      raDeg: 49,
      decDeg: 18,
      mjdTt: 60_992,
      aAu: 2.7,
      e: 0.05,
      eccentricAnomalyRad: 0.5,
      extraInclinationDeg: 2,
      ascending: false,
    })!;
    const m = skyMotion(el, 60_992);
    expect(m.rateDegPerDay).toBeGreaterThan(0.1);
    expect(m.rateDegPerDay).toBeLessThan(0.5);
    expect(m.rateRaCosDecDegPerDay).toBeLessThan(0); // westward at opposition
  });
});

describe('H, G magnitudes', () => {
  it('is H + 5 log10(r Δ) at zero phase and fainter with phase', () => {
    expect(hgMagnitude(15, 0.15, 2, 1, 0)).toBeCloseTo(15 + 5 * Math.log10(2), 12);
    expect(hgMagnitude(15, 0.15, 2, 1, 20)).toBeGreaterThan(hgMagnitude(15, 0.15, 2, 1, 10));
  });
});
