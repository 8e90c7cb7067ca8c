import { PromptlyError } from '../core/errors.js';
import {
  APDB_HEALPIX_ORDER,
  angleBetween,
  healpixPixelCentre,
  healpixPixelRadius,
  type UnitVector,
} from './healpix.js';

/**
 * Sky regions for APDB queries, and their cover by ranges of the HEALPix `pixelId` column.
 * Positions are ICRS: ra in degrees [0, 360), dec in degrees [−90, +90].
 */

/** A cone: every direction within `radiusDeg` of (ra, dec). */
export interface SkyCircle {
  readonly kind: 'circle';
  /** Centre right ascension, degrees, [0, 360). */
  readonly ra: number;
  /** Centre declination, degrees, [−90, +90]. */
  readonly dec: number;
  /** Radius, degrees, (0, {@link MAX_REGION_RADIUS_DEG}]. */
  readonly radiusDeg: number;
}

/**
 * A convex spherical polygon with great-circle edges, such as a detector's footprint
 * (`footprint()` of src/wcs gives its four corners in order), vertices in either winding,
 * 3..{@link MAX_POLYGON_VERTICES} of them, fitting in a cone of
 * {@link MAX_REGION_RADIUS_DEG}.
 */
export interface SkyPolygon {
  readonly kind: 'polygon';
  /** Vertex right ascensions, degrees, [0, 360). */
  readonly ra: ArrayLike<number>;
  /** Vertex declinations, degrees, [−90, +90]. */
  readonly dec: ArrayLike<number>;
}

export type SkyRegion = SkyCircle | SkyPolygon;

/** Largest region radius, degrees: a whole LSSTCam focal plane with margin is ~2°. */
export const MAX_REGION_RADIUS_DEG = 10;
export const MAX_POLYGON_VERTICES = 64;

const DEG = Math.PI / 180;

function invalid(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_APDB_INVALID', message);
}

/** Throws PROMPTLY_E_APDB_INVALID unless ra ∈ [0, 360) and dec ∈ [−90, +90], both finite. */
export function checkSkyPosition(what: string, ra: unknown, dec: unknown): void {
  if (typeof ra !== 'number' || !Number.isFinite(ra) || ra < 0 || ra >= 360)
    throw invalid(`${what}: ra must be a finite angle in [0, 360) degrees, got ${String(ra)}`);
  if (typeof dec !== 'number' || !Number.isFinite(dec) || dec < -90 || dec > 90)
    throw invalid(`${what}: dec must be a finite angle in [-90, 90] degrees, got ${String(dec)}`);
}

/** The unit vector of (ra, dec) in degrees. */
export function unitVector(raDeg: number, decDeg: number): UnitVector {
  const ra = raDeg * DEG;
  const dec = decDeg * DEG;
  const c = Math.cos(dec);
  return [c * Math.cos(ra), c * Math.sin(ra), Math.sin(dec)];
}

/** (ra, dec) in degrees of a non-zero vector; ra in [0, 360). */
export function toRaDec(v: UnitVector): { ra: number; dec: number } {
  const r = Math.hypot(v[0], v[1], v[2]);
  let ra = Math.atan2(v[1], v[0]) / DEG;
  if (ra < 0) ra += 360;
  if (ra >= 360) ra -= 360;
  return { ra, dec: Math.asin(Math.max(-1, Math.min(1, v[2] / r))) / DEG };
}

/** Angular distance between two positions, degrees. */
export function angularDistanceDeg(ra1: number, dec1: number, ra2: number, dec2: number): number {
  return angleBetween(unitVector(ra1, dec1), unitVector(ra2, dec2)) / DEG;
}

function cross(a: UnitVector, b: UnitVector): UnitVector {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function dot(a: UnitVector, b: UnitVector): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/**
 * A region checked and prepared for membership tests: a bounding cone (centre, radius in
 * radians) and, for a polygon, the inward normals of its edges.
 */
export interface CompiledRegion {
  readonly centre: UnitVector;
  readonly radiusRad: number;
  /** Inward edge normals of a polygon (a point is inside when every dot product is ≥ 0). */
  readonly edges: readonly UnitVector[];
  /** True when the direction lies in the region (edges and boundary included). */
  contains(v: UnitVector): boolean;
}

/** Checks a region (PROMPTLY_E_APDB_INVALID naming what is wrong) and prepares it. */
export function compileRegion(region: SkyRegion): CompiledRegion {
  if (region.kind === 'circle') {
    checkSkyPosition('region centre', region.ra, region.dec);
    const r = region.radiusDeg;
    if (typeof r !== 'number' || !Number.isFinite(r) || r <= 0 || r > MAX_REGION_RADIUS_DEG)
      throw invalid(`region radiusDeg must be in (0, ${MAX_REGION_RADIUS_DEG}], got ${String(r)}`);
    const centre = unitVector(region.ra, region.dec);
    const radiusRad = r * DEG;
    return {
      centre,
      radiusRad,
      edges: [],
      contains: (v) => angleBetween(centre, v) <= radiusRad,
    };
  }
  if (region.kind !== 'polygon') throw invalid('region kind must be "circle" or "polygon"');
  const n = region.ra.length;
  if (n !== region.dec.length || n < 3 || n > MAX_POLYGON_VERTICES)
    throw invalid(
      `a polygon needs 3..${MAX_POLYGON_VERTICES} vertices with as many ra as dec, got ${n} and ${region.dec.length}`,
    );
  const vertices: UnitVector[] = [];
  for (let i = 0; i < n; i++) {
    checkSkyPosition(`polygon vertex ${i}`, region.ra[i], region.dec[i]);
    vertices.push(unitVector(region.ra[i] as number, region.dec[i] as number));
  }
  const sum: [number, number, number] = [0, 0, 0];
  for (const v of vertices) for (let k = 0; k < 3; k++) sum[k] = (sum[k] as number) + v[k]!;
  const norm = Math.hypot(...sum);
  if (norm < 1e-9) throw invalid('polygon vertices surround no definite centre');
  const centre: UnitVector = [sum[0] / norm, sum[1] / norm, sum[2] / norm];
  let edges = vertices.map((v, i) => cross(v, vertices[(i + 1) % n]!));
  if (edges.some((e) => Math.hypot(...e) < 1e-15))
    throw invalid('polygon has repeated or antipodal consecutive vertices');
  // Either winding: make the normals point towards the centre.
  if (dot(edges[0]!, centre) < 0) edges = edges.map((e) => [-e[0], -e[1], -e[2]] as UnitVector);
  edges.forEach((e, i) => {
    for (const v of vertices)
      if (dot(e, v) < -1e-12 * Math.hypot(...e))
        throw invalid(`polygon is not convex (edge ${i} has a vertex on its outer side)`);
  });
  // A convex polygon smaller than a hemisphere lies in the cone through its farthest vertex.
  const radiusRad = Math.max(...vertices.map((v) => angleBetween(centre, v)));
  if (radiusRad > MAX_REGION_RADIUS_DEG * DEG)
    throw invalid(`polygon does not fit in a cone of ${MAX_REGION_RADIUS_DEG} degrees`);
  const tolerance = edges.map((e) => 1e-15 * Math.hypot(...e));
  return {
    centre,
    radiusRad,
    edges,
    contains: (v) => edges.every((e, i) => dot(e, v) >= -(tolerance[i] as number)),
  };
}

/** A half-open range [start, end) of HEALPix pixels at {@link APDB_HEALPIX_ORDER}. */
export type PixelRange = readonly [start: number, end: number];

/** Most ranges a region query asks for; adjacent ones are merged first. */
export const MAX_PIXEL_RANGES = 64;

/**
 * Pixel ranges at {@link APDB_HEALPIX_ORDER} that together cover the cone (centre,
 * radiusRad): every point within the cone lies in a pixel of some range (a superset — the
 * caller filters rows by exact distance). Descends from the 12 base pixels, keeping a pixel
 * while its bounding cone meets the query cone, down to the order whose pixels are about a
 * quarter of the radius; then merges adjacent ranges and, while more than
 * {@link MAX_PIXEL_RANGES} remain, joins those with the smallest gaps.
 */
export function coverRanges(centre: UnitVector, radiusRad: number): PixelRange[] {
  const K = APDB_HEALPIX_ORDER;
  const pixelSizeAt = (k: number): number => Math.sqrt((4 * Math.PI) / (12 * 4 ** k));
  let stopOrder = 0;
  while (stopOrder < K && pixelSizeAt(stopOrder + 1) >= radiusRad / 4) stopOrder++;
  const ranges: [number, number][] = [];
  const visit = (k: number, pixel: number): void => {
    const d = angleBetween(centre, healpixPixelCentre(k, pixel));
    const r = healpixPixelRadius(k, pixel);
    if (d > radiusRad + r) return;
    if (k === stopOrder || d + r <= radiusRad) {
      const scale = 4 ** (K - k);
      ranges.push([pixel * scale, (pixel + 1) * scale]);
      return;
    }
    for (let c = 0; c < 4; c++) visit(k + 1, pixel * 4 + c);
  };
  for (let base = 0; base < 12; base++) visit(0, base);
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  while (merged.length > MAX_PIXEL_RANGES) {
    let best = 0;
    for (let i = 1; i < merged.length - 1; i++)
      if (merged[i + 1]![0] - merged[i]![1] < merged[best + 1]![0] - merged[best]![1]) best = i;
    merged[best]![1] = merged[best + 1]![1];
    merged.splice(best + 1, 1);
  }
  return merged;
}
