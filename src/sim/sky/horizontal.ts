import { apparentPlace, icrsOfApparent, type Equatorial } from './apparent-place.js';
import { localApparentSiderealDeg } from './sidereal-time.js';
import type { Site } from './site.js';
import { DEG, finiteOrThrow, wrap180, wrap360 } from './sky-input.js';

/** A direction in the site's horizon frame, geometric (no refraction). */
export interface Horizontal {
  /** Altitude above the horizon, degrees [-90, +90]. */
  readonly altDeg: number;
  /** Azimuth from north through east, degrees [0, 360). */
  readonly azDeg: number;
}

/**
 * Hour angle and declination (of date, degrees) → altitude and azimuth at geodetic latitude
 * `latDeg`. Azimuth counts from north through east.
 */
export function hourAngleToHorizontal(haDeg: number, decDeg: number, latDeg: number): Horizontal {
  const h = haDeg * DEG;
  const d = decDeg * DEG;
  const p = latDeg * DEG;
  const sinAlt = Math.sin(p) * Math.sin(d) + Math.cos(p) * Math.cos(d) * Math.cos(h);
  const az = Math.atan2(
    -Math.cos(d) * Math.sin(h),
    Math.sin(d) * Math.cos(p) - Math.cos(d) * Math.sin(p) * Math.cos(h),
  );
  return {
    altDeg: Math.asin(Math.max(-1, Math.min(1, sinAlt))) / DEG,
    azDeg: wrap360(az / DEG),
  };
}

/** Altitude and azimuth (degrees) → hour angle [-180, 180) and declination of date, degrees. */
export function horizontalToHourAngle(
  altDeg: number,
  azDeg: number,
  latDeg: number,
): { haDeg: number; decDeg: number } {
  const a = altDeg * DEG;
  const z = azDeg * DEG;
  const p = latDeg * DEG;
  const sinDec = Math.sin(p) * Math.sin(a) + Math.cos(p) * Math.cos(a) * Math.cos(z);
  const ha = Math.atan2(
    -Math.cos(a) * Math.sin(z),
    Math.sin(a) * Math.cos(p) - Math.cos(a) * Math.sin(p) * Math.cos(z),
  );
  return {
    haDeg: wrap180(ha / DEG),
    decDeg: Math.asin(Math.max(-1, Math.min(1, sinDec))) / DEG,
  };
}

/** Where an ICRS direction stands at a site and time. */
export interface Pointing extends Horizontal {
  /** Hour angle, degrees [-180, 180), west positive. */
  readonly haDeg: number;
  /** Local apparent sidereal time, degrees [0, 360). */
  readonly lstDeg: number;
}

/**
 * ICRS right ascension and declination (degrees) → geometric altitude and azimuth at a site
 * and UTC time: apparent place of date ({@link apparentPlace}), hour angle from local
 * apparent sidereal time (UT1 ≈ UTC), then the horizon frame. No refraction, matching
 * astropy's AltAz frame with pressure 0. Within ~15″ of astropy (UT1 − UTC dominates).
 */
export function icrsToHorizontal(
  raDeg: number,
  decDeg: number,
  utcMs: number,
  site: Site,
): Pointing {
  const app = apparentPlace(raDeg, decDeg, utcMs);
  return apparentToHorizontal(app, utcMs, site);
}

/** An apparent place of date (degrees) → the horizon frame at a site and UTC time. */
export function apparentToHorizontal(app: Equatorial, utcMs: number, site: Site): Pointing {
  const lst = localApparentSiderealDeg(utcMs, site);
  const ha = wrap180(lst - app.raDeg);
  return { ...hourAngleToHorizontal(ha, app.decDeg, site.latitudeDeg), haDeg: ha, lstDeg: lst };
}

/** Geometric altitude and azimuth (degrees) at a site and UTC time → ICRS, degrees. */
export function horizontalToIcrs(
  altDeg: number,
  azDeg: number,
  utcMs: number,
  site: Site,
): Equatorial {
  finiteOrThrow('altitude', altDeg);
  finiteOrThrow('azimuth', azDeg);
  const { haDeg, decDeg } = horizontalToHourAngle(altDeg, azDeg, site.latitudeDeg);
  const lst = localApparentSiderealDeg(utcMs, site);
  return icrsOfApparent(wrap360(lst - haDeg), decDeg, utcMs);
}

/** Angular distance between two directions, degrees [0, 180] (haversine: exact near 0). */
export function separationDeg(ra1: number, dec1: number, ra2: number, dec2: number): number {
  const d1 = dec1 * DEG;
  const d2 = dec2 * DEG;
  const s =
    Math.sin((d2 - d1) / 2) ** 2 +
    Math.cos(d1) * Math.cos(d2) * Math.sin(((ra2 - ra1) * DEG) / 2) ** 2;
  return (2 * Math.asin(Math.min(1, Math.sqrt(s)))) / DEG;
}
