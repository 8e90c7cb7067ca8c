import type { Site } from './site.js';
import { DEG, wrap360 } from './sky-input.js';
import { nutationOf } from './nutation.js';
import { centuriesTt, J2000_JD, julianDateUtc } from './time-scales.js';

/**
 * Greenwich mean sidereal time, degrees [0, 360), of a UTC time taken as UT1 (IAU 1982
 * expression, Meeus 12.4). The UT1 ≈ UTC approximation costs at most 0.9 s × 15″/s.
 */
export function greenwichMeanSiderealDeg(utcMs: number): number {
  const jd = julianDateUtc(utcMs);
  const d = jd - J2000_JD;
  const t = d / 36_525;
  return wrap360(
    280.46061837 + 360.98564736629 * d + 0.000387933 * t * t - (t * t * t) / 38_710_000,
  );
}

/**
 * Greenwich apparent sidereal time, degrees [0, 360): mean sidereal time plus the equation
 * of the equinoxes Δψ cos ε (≤ 1.2 s of time). Hour angles of apparent places use it.
 */
export function greenwichApparentSiderealDeg(utcMs: number): number {
  const n = nutationOf(centuriesTt(utcMs));
  return wrap360(greenwichMeanSiderealDeg(utcMs) + n.dPsiDeg * Math.cos(n.trueObliquityDeg * DEG));
}

/** Local apparent sidereal time at a site, degrees [0, 360). */
export function localApparentSiderealDeg(utcMs: number, site: Site): number {
  return wrap360(greenwichApparentSiderealDeg(utcMs) + site.longitudeDeg);
}
