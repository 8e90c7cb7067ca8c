import { solveKepler } from './kepler.js';
import { DEG, sub, scale, type Vec3 } from './vector.js';

/**
 * The Earth's heliocentric position, AU, J2000 ecliptic, at a time in MJD TT: a low-precision
 * model, documented so its error is known.
 *
 * - The Earth–Moon barycentre follows the mean Keplerian elements and rates of E. M. Standish,
 *   "Keplerian Elements for Approximate Positions of the Major Planets" (JPL, Table 1, fit to
 *   DE405 over 1800–2050).
 * - The Earth sits 1/(1 + 81.3006) of the geocentric Moon vector from the barycentre, the Moon
 *   from the *Astronomical Almanac*'s low-precision lunar formulae (0.3° in direction, 0.2 % in
 *   distance; ecliptic of date, brought to J2000 by the precession in longitude).
 *
 * Against astropy's `get_body_barycentric('earth') − get_body_barycentric('sun')` (ERFA epv00)
 * it is within 1.5 × 10⁻⁴ AU over 2020–2035 (measured 1.0 × 10⁻⁴, `ephemeris.astropy.test.ts`):
 * for an asteroid that is ≤ 25″ on the sky (main belt; 18″ measured) and ≤ 60″ for a near-Earth
 * object, and ≤ 2.5″ for the motion over a month. The simulator and the worker use this same
 * model, so their positions agree exactly with each
 * other; only the absolute sky position carries this error.
 */

/** MJD of J2000.0 (2000-01-01T12:00 TT). */
export const J2000_MJD = 51_544.5;
/** Earth-to-Moon mass ratio. */
const EARTH_MOON_MASS_RATIO = 81.30057;
/** Earth's equatorial radius, AU. */
const EARTH_RADIUS_AU = 6378.137 / 149_597_870.7;

/** The Earth–Moon barycentre, heliocentric, AU, J2000 ecliptic (Standish Table 1). */
export function earthMoonBarycentre(mjdTt: number): Vec3 {
  const T = (mjdTt - J2000_MJD) / 36_525;
  const a = 1.00000261 + 0.00000562 * T;
  const e = 0.01671123 - 0.00004392 * T;
  const inc = (-0.00001531 - 0.01294668 * T) * DEG;
  const L = 100.46457166 + 35999.37244981 * T;
  const varpi = 102.93768193 + 0.32327364 * T;
  const node = 0;
  const w = (varpi - node) * DEG;
  const E = solveKepler((L - varpi) * DEG, e);
  const x = a * (Math.cos(E) - e);
  const y = a * Math.sqrt(1 - e * e) * Math.sin(E);
  const cw = Math.cos(w);
  const sw = Math.sin(w);
  const co = Math.cos(node * DEG);
  const so = Math.sin(node * DEG);
  const ci = Math.cos(inc);
  const si = Math.sin(inc);
  return [
    (cw * co - sw * so * ci) * x + (-sw * co - cw * so * ci) * y,
    (cw * so + sw * co * ci) * x + (-sw * so + cw * co * ci) * y,
    sw * si * x + cw * si * y,
  ];
}

function sind(deg: number): number {
  return Math.sin(deg * DEG);
}
function cosd(deg: number): number {
  return Math.cos(deg * DEG);
}

/** The Moon, geocentric, AU, J2000 ecliptic (Astronomical Almanac low-precision formulae). */
export function geocentricMoon(mjdTt: number): Vec3 {
  const T = (mjdTt - J2000_MJD) / 36_525;
  const lonOfDate =
    218.32 +
    481267.881 * T +
    6.29 * sind(135.0 + 477198.87 * T) -
    1.27 * sind(259.3 - 413335.36 * T) +
    0.66 * sind(235.7 + 890534.22 * T) +
    0.21 * sind(269.9 + 954397.74 * T) -
    0.19 * sind(357.5 + 35999.05 * T) -
    0.11 * sind(186.5 + 966404.03 * T);
  const lat =
    5.13 * sind(93.3 + 483202.02 * T) +
    0.28 * sind(228.2 + 960400.89 * T) -
    0.28 * sind(318.3 + 6003.15 * T) -
    0.17 * sind(217.6 - 407332.21 * T);
  const parallax =
    0.9508 +
    0.0518 * cosd(135.0 + 477198.87 * T) +
    0.0095 * cosd(259.3 - 413335.36 * T) +
    0.0078 * cosd(235.7 + 890534.22 * T) +
    0.0028 * cosd(269.9 + 954397.74 * T);
  // general precession in longitude, 5029″ per century, takes the equinox of date to J2000
  const lon = lonOfDate - 1.396971 * T;
  const r = EARTH_RADIUS_AU / sind(parallax);
  return [r * cosd(lat) * cosd(lon), r * cosd(lat) * sind(lon), r * sind(lat)];
}

/** The Earth's centre, heliocentric, AU, J2000 ecliptic. */
export function earthHeliocentric(mjdTt: number): Vec3 {
  return sub(
    earthMoonBarycentre(mjdTt),
    scale(geocentricMoon(mjdTt), 1 / (1 + EARTH_MOON_MASS_RATIO)),
  );
}

/** The Earth's heliocentric velocity, AU/day, J2000 ecliptic (central difference over ±0.01 d). */
export function earthVelocity(mjdTt: number): Vec3 {
  const h = 0.01;
  return scale(sub(earthHeliocentric(mjdTt + h), earthHeliocentric(mjdTt - h)), 1 / (2 * h));
}
