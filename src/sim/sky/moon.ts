import { geocentricOf, type Site } from './site.js';
import { localApparentSiderealDeg } from './sidereal-time.js';
import { DEG, wrap360 } from './sky-input.js';
import { nutationOf } from './nutation.js';
import { sunPosition } from './sun.js';
import { centuriesTt } from './time-scales.js';

/** Earth equatorial radius, km. */
const EARTH_RADIUS_KM = 6378.137;
/** Astronomical unit, km. */
const AU_KM = 149_597_870.7;

/** The Moon's geocentric place of date. */
export interface MoonPosition {
  /** Apparent ecliptic longitude and latitude of date, degrees. */
  readonly eclipticLongitudeDeg: number;
  readonly eclipticLatitudeDeg: number;
  /** Geocentric apparent right ascension and declination of date (true equator), degrees. */
  readonly raDeg: number;
  readonly decDeg: number;
  /** Earth–Moon distance, km. */
  readonly distanceKm: number;
}

/** How much of the Moon is lit, seen from Earth. */
export interface MoonPhase {
  /** Sun–Moon–Earth angle, degrees [0, 180]: 0 at full Moon (Krisciunas & Schaefer's α). */
  readonly phaseAngleDeg: number;
  /** Illuminated fraction of the disc, [0, 1]. */
  readonly illumination: number;
  /** True between new and full Moon (the lit limb faces west). */
  readonly waxing: boolean;
  /** Geocentric Sun–Moon elongation, degrees [0, 180]. */
  readonly elongationDeg: number;
}

/** Longitude terms (degrees) of the Moon: coefficient and multiples of D, M, M′, F (Meeus 47.A). */
const LONGITUDE_TERMS: readonly (readonly [number, number, number, number, number])[] = [
  [6.288774, 0, 0, 1, 0],
  [1.274027, 2, 0, -1, 0],
  [0.658314, 2, 0, 0, 0],
  [0.213618, 0, 0, 2, 0],
  [-0.185116, 0, 1, 0, 0],
  [-0.114332, 0, 0, 0, 2],
  [0.058793, 2, 0, -2, 0],
  [0.057066, 2, -1, -1, 0],
  [0.053322, 2, 0, 1, 0],
  [0.045758, 2, -1, 0, 0],
  [-0.040923, 0, 1, -1, 0],
  [-0.03472, 1, 0, 0, 0],
  [-0.030383, 0, 1, 1, 0],
  [0.015327, 2, 0, 0, -2],
  [-0.012528, 0, 0, 1, 2],
  [0.01098, 0, 0, 1, -2],
  [0.010675, 4, 0, -1, 0],
  [0.010034, 0, 0, 3, 0],
  [0.008548, 4, 0, -2, 0],
  [-0.007888, 2, 1, -1, 0],
  [-0.006766, 2, 1, 0, 0],
  [-0.005163, 1, 0, -1, 0],
];

/** Latitude terms (degrees), Meeus 47.B. */
const LATITUDE_TERMS: readonly (readonly [number, number, number, number, number])[] = [
  [5.128122, 0, 0, 0, 1],
  [0.280602, 0, 0, 1, 1],
  [0.277693, 0, 0, 1, -1],
  [0.173237, 2, 0, 0, -1],
  [0.055413, 2, 0, -1, 1],
  [0.046271, 2, 0, -1, -1],
  [0.032573, 2, 0, 0, 1],
  [0.017198, 0, 0, 2, 1],
  [0.009266, 2, 0, 1, -1],
  [0.008822, 0, 0, 2, -1],
];

/** Distance terms (km, cosines), Meeus 47.A. */
const DISTANCE_TERMS: readonly (readonly [number, number, number, number, number])[] = [
  [-20905.355, 0, 0, 1, 0],
  [-3699.111, 2, 0, -1, 0],
  [-2955.968, 2, 0, 0, 0],
  [-569.925, 0, 0, 2, 0],
  [48.888, 0, 1, 0, 0],
  [-3.149, 0, 0, 0, 2],
  [246.158, 2, 0, -2, 0],
  [-152.138, 2, -1, -1, 0],
  [-170.733, 2, 0, 1, 0],
  [-204.586, 2, -1, 0, 0],
  [-129.62, 0, 1, -1, 0],
  [108.743, 1, 0, 0, 0],
  [104.755, 0, 1, 1, 0],
];

/**
 * The Moon's geocentric apparent place by the largest terms of Meeus's *Astronomical
 * Algorithms* ch. 47 (Chapront ELP-2000/82 truncated: 22 longitude, 10 latitude and 13
 * distance terms, about 0.02° in longitude and latitude and 50 km in distance), with
 * nutation in longitude added and the true obliquity, so it is referred to the true equator
 * and equinox of date like {@link apparentPlace}.
 */
export function moonPosition(utcMs: number): MoonPosition {
  const t = centuriesTt(utcMs);
  const lp = 218.3164477 + 481267.88123421 * t;
  const D = (297.8501921 + 445267.1114034 * t) * DEG;
  const M = (357.5291092 + 35999.0502909 * t) * DEG;
  const Mp = (134.9633964 + 477198.8675055 * t) * DEG;
  const F = (93.272095 + 483202.0175233 * t) * DEG;
  const e = 1 - 0.002516 * t;
  const arg = (d: number, m: number, mp: number, f: number): number =>
    d * D + m * M + mp * Mp + f * F;
  const ecc = (m: number): number => (m === 0 ? 1 : Math.abs(m) === 1 ? e : e * e);
  let lon = 0;
  for (const [c, d, m, mp, f] of LONGITUDE_TERMS) lon += c * ecc(m) * Math.sin(arg(d, m, mp, f));
  let lat = 0;
  for (const [c, d, m, mp, f] of LATITUDE_TERMS) lat += c * ecc(m) * Math.sin(arg(d, m, mp, f));
  let dist = 385000.56;
  for (const [c, d, m, mp, f] of DISTANCE_TERMS) dist += c * ecc(m) * Math.cos(arg(d, m, mp, f));
  const n = nutationOf(t);
  const lambda = wrap360(lp + lon + n.dPsiDeg);
  const beta = lat;
  const eps = n.trueObliquityDeg * DEG;
  const l = lambda * DEG;
  const b = beta * DEG;
  const x = Math.cos(b) * Math.cos(l);
  const y = Math.cos(eps) * Math.cos(b) * Math.sin(l) - Math.sin(eps) * Math.sin(b);
  const z = Math.sin(eps) * Math.cos(b) * Math.sin(l) + Math.cos(eps) * Math.sin(b);
  return {
    eclipticLongitudeDeg: lambda,
    eclipticLatitudeDeg: beta,
    raDeg: wrap360(Math.atan2(y, x) / DEG),
    decDeg: Math.asin(z) / DEG,
    distanceKm: dist,
  };
}

/**
 * The Moon seen from a site: the geocentric place minus the site's geocentric vector, which
 * shifts it by up to its horizontal parallax (~1°). Right ascension and declination of date,
 * degrees; distance from the site, km.
 */
export function topocentricMoon(
  utcMs: number,
  site: Site,
): { raDeg: number; decDeg: number; distanceKm: number } {
  const m = moonPosition(utcMs);
  const r = m.distanceKm / EARTH_RADIUS_KM;
  const a = m.raDeg * DEG;
  const d = m.decDeg * DEG;
  const lst = localApparentSiderealDeg(utcMs, site) * DEG;
  const g = geocentricOf(site);
  const x = r * Math.cos(d) * Math.cos(a) - g.rhoCosPhi * Math.cos(lst);
  const y = r * Math.cos(d) * Math.sin(a) - g.rhoCosPhi * Math.sin(lst);
  const z = r * Math.sin(d) - g.rhoSinPhi;
  const dist = Math.hypot(x, y, z);
  return {
    raDeg: wrap360(Math.atan2(y, x) / DEG),
    decDeg: Math.asin(z / dist) / DEG,
    distanceKm: dist * EARTH_RADIUS_KM,
  };
}

/**
 * The Moon's phase at a time: elongation from the Sun (geocentric), phase angle from the
 * Earth–Sun and Earth–Moon distances (Meeus 48.2–48.3) and illuminated fraction
 * (1 + cos i) / 2. Accuracy follows the positions: ~0.02° in the angles, ~0.001 in fraction.
 */
export function moonPhase(utcMs: number): MoonPhase {
  const m = moonPosition(utcMs);
  const sun = sunPosition(utcMs);
  const dLon = (m.eclipticLongitudeDeg - sun.eclipticLongitudeDeg) * DEG;
  const cosPsi = Math.cos(m.eclipticLatitudeDeg * DEG) * Math.cos(dLon);
  const psi = Math.acos(Math.max(-1, Math.min(1, cosPsi)));
  const rSun = sun.distanceAu * AU_KM;
  const i = Math.atan2(rSun * Math.sin(psi), m.distanceKm - rSun * Math.cos(psi));
  return {
    phaseAngleDeg: i / DEG,
    illumination: (1 + Math.cos(i)) / 2,
    waxing: wrap360(dLon / DEG) < 180,
    elongationDeg: psi / DEG,
  };
}
