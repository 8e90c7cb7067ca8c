import { DEG, wrap360 } from './sky-input.js';
import { J2000_JD, julianDateTt } from './time-scales.js';

/** The Sun's geocentric apparent place of date. */
export interface SunPosition {
  /** Apparent ecliptic longitude of date, degrees [0, 360) (latitude taken as 0). */
  readonly eclipticLongitudeDeg: number;
  /** Apparent right ascension and declination of date (true equator), degrees. */
  readonly raDeg: number;
  readonly decDeg: number;
  /** Earth–Sun distance, astronomical units. */
  readonly distanceAu: number;
}

/**
 * The Sun's position by the low-precision formulae of the *Astronomical Almanac* (section C,
 * "Low-precision formulas for the Sun"): 0.01° in RA/Dec for 1950–2050, which includes
 * aberration and is referred to the equinox of date. Time in UTC ms (converted to TT).
 */
export function sunPosition(utcMs: number): SunPosition {
  const n = julianDateTt(utcMs) - J2000_JD;
  const L = 280.46 + 0.9856474 * n;
  const g = (357.528 + 0.9856003 * n) * DEG;
  const lambda = wrap360(L + 1.915 * Math.sin(g) + 0.02 * Math.sin(2 * g));
  const eps = (23.439 - 0.0000004 * n) * DEG;
  const l = lambda * DEG;
  return {
    eclipticLongitudeDeg: lambda,
    raDeg: wrap360(Math.atan2(Math.cos(eps) * Math.sin(l), Math.cos(l)) / DEG),
    decDeg: Math.asin(Math.sin(eps) * Math.sin(l)) / DEG,
    distanceAu: 1.00014 - 0.01671 * Math.cos(g) - 0.00014 * Math.cos(2 * g),
  };
}
