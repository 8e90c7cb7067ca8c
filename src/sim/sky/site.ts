import { PromptlyError } from '../../core/errors.js';
import { DEG, finiteOrThrow } from './sky-input.js';

/** An observatory site on the WGS84 ellipsoid. */
export interface Site {
  readonly name: string;
  /** Geodetic latitude, degrees, [-90, +90], north positive. */
  readonly latitudeDeg: number;
  /** Longitude, degrees east of Greenwich, [-180, +180]. */
  readonly longitudeDeg: number;
  /** Height above the WGS84 ellipsoid, m. */
  readonly heightM: number;
}

/**
 * Rubin Observatory on Cerro Pachón, Chile: the Simonyi Survey Telescope's position as
 * obs_lsst and the Rubin scheduler give it (latitude −30.2446°, longitude −70.7494°, 2663 m).
 */
export const CERRO_PACHON: Site = Object.freeze({
  name: 'Cerro Pachón',
  latitudeDeg: -30.2446,
  longitudeDeg: -70.7494,
  heightM: 2663,
});

/** A site with every number finite and in range (PROMPTLY_E_SIM_SKY_INVALID otherwise). */
export function checkedSite(site: Site): Site {
  const lat = finiteOrThrow('site latitude', site.latitudeDeg);
  const lon = finiteOrThrow('site longitude', site.longitudeDeg);
  finiteOrThrow('site height', site.heightM);
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) {
    throw new PromptlyError(
      'PROMPTLY_E_SIM_SKY_INVALID',
      `site ${site.name}: latitude ${lat}° or longitude ${lon}° out of range`,
    );
  }
  return site;
}

/** WGS84 equatorial radius, m. */
const EARTH_RADIUS_M = 6_378_137;
/** WGS84 polar / equatorial radius. */
const AXIS_RATIO = 0.996647189;

/**
 * Geocentric position of the site in Earth equatorial radii: ρ cos φ′ (distance from the
 * rotation axis) and ρ sin φ′ (height above the equatorial plane), Meeus, *Astronomical
 * Algorithms* ch. 11. Used for the Moon's topocentric parallax (up to ~1°).
 */
export function geocentricOf(site: Site): { rhoCosPhi: number; rhoSinPhi: number } {
  const phi = site.latitudeDeg * DEG;
  const u = Math.atan(AXIS_RATIO * Math.tan(phi));
  const h = site.heightM / EARTH_RADIUS_M;
  return {
    rhoCosPhi: Math.cos(u) + h * Math.cos(phi),
    rhoSinPhi: AXIS_RATIO * Math.sin(u) + h * Math.sin(phi),
  };
}
