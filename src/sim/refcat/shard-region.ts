import { PromptlyError } from '../../core/errors.js';
import {
  angleBetween,
  boundingCone,
  checkRaDec,
  cross,
  dot,
  htmCover,
  normalize,
  triangleContains,
  unitVector,
  type Triangle,
  type Vec3,
} from './htm.js';

/**
 * Which refcat shards a sky region needs. Shards are HTM trixels of {@link REFCAT_HTM_LEVEL}
 * (see htm.ts); a region is a circle (centre, radius) or a convex polygon such as a detector's
 * footprint. Tests are exact for great-circle edges, so the cover is complete and holds no
 * trixel the region misses by more than rounding.
 */

/** HTM level of the refcat shards (Rubin's refcats: `htm7`, ~0.6° trixels). */
export const REFCAT_HTM_LEVEL = 7;

/** Largest circle radius accepted, degrees (a whole LSSTCam focal plane is ~1.75°). */
export const MAX_SHARD_REGION_RADIUS_DEG = 30;

/** A sky position, degrees ICRS: ra in [0, 360], dec in [−90, +90]. */
export interface SkyPoint {
  readonly ra: number;
  readonly dec: number;
}

const DEG = Math.PI / 180;
/** Slack on every inside/crossing test, radians (≈ 2 µas): a cover may only grow by it. */
const EPS = 1e-11;

function invalid(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_REFCAT_INVALID', message);
}

/** Distance (radians) from `c` to the great-circle arc a→b (shorter than 180°). */
function distanceToArc(c: Vec3, a: Vec3, b: Vec3): number {
  const n = cross(a, b);
  const nn = Math.hypot(n[0], n[1], n[2]);
  const toEnds = Math.min(angleBetween(c, a), angleBetween(c, b));
  if (nn === 0) return toEnds;
  const u: Vec3 = [n[0] / nn, n[1] / nn, n[2] / nn];
  const s = dot(c, u);
  // The foot of the perpendicular from c on the great circle; on the arc if between a and b.
  const q: Vec3 = [c[0] - s * u[0], c[1] - s * u[1], c[2] - s * u[2]];
  if (Math.hypot(q[0], q[1], q[2]) < 1e-15) return Math.PI / 2;
  if (dot(cross(a, q), u) >= 0 && dot(cross(q, b), u) >= 0)
    return Math.asin(Math.min(1, Math.abs(s)));
  return toEnds;
}

/**
 * The level-7 shards (HTM ids, ascending) that a circle touches: centre in degrees ICRS,
 * radius in degrees, (0, {@link MAX_SHARD_REGION_RADIUS_DEG}]. Throws PROMPTLY_E_REFCAT_INVALID
 * for a non-finite or out-of-range centre or radius.
 */
export function shardsForRegion(
  centre: SkyPoint,
  radiusDeg: number,
  level = REFCAT_HTM_LEVEL,
): number[] {
  checkRaDec('shardsForRegion', centre.ra, centre.dec);
  if (!Number.isFinite(radiusDeg) || radiusDeg <= 0 || radiusDeg > MAX_SHARD_REGION_RADIUS_DEG)
    throw invalid(
      `shardsForRegion: radius must be in (0, ${MAX_SHARD_REGION_RADIUS_DEG}] degrees, got ${String(radiusDeg)}`,
    );
  const c = unitVector(centre.ra, centre.dec);
  const r = radiusDeg * DEG + EPS;
  const cosR = Math.cos(r);
  const touches = (t: Triangle): boolean => {
    const cone = boundingCone(t);
    if (angleBetween(cone.centre, c) > cone.radiusRad + r) return false;
    if (t.some((v) => dot(v, c) >= cosR)) return true;
    if (triangleContains(t, c)) return true;
    return (
      distanceToArc(c, t[0], t[1]) <= r ||
      distanceToArc(c, t[1], t[2]) <= r ||
      distanceToArc(c, t[2], t[0]) <= r
    );
  };
  // The cap is convex (r < 90°): a triangle with every vertex in it lies in it.
  const inside = (t: Triangle): boolean => t.every((v) => dot(v, c) >= cosR);
  return htmCover(level, touches, inside);
}

/** A convex spherical polygon, counter-clockwise, with its inward edge normals. */
interface Polygon {
  readonly vertices: readonly Vec3[];
  readonly normals: readonly Vec3[];
  readonly cone: { centre: Vec3; radiusRad: number };
}

function polygonOf(points: readonly SkyPoint[]): Polygon {
  if (points.length < 3) throw invalid('a footprint polygon needs at least 3 vertices');
  points.forEach((p, i) => checkRaDec(`footprint vertex ${i}`, p.ra, p.dec));
  let vertices = points.map((p) => unitVector(p.ra, p.dec));
  const sum = normalize(
    vertices.reduce<Vec3>((s, v) => [s[0] + v[0], s[1] + v[1], s[2] + v[2]], [0, 0, 0]),
  );
  // Orient counter-clockwise as seen from outside: the centre on the inner side of edge 0.
  if (dot(cross(vertices[0]!, vertices[1]!), sum) < 0) vertices = [...vertices].reverse();
  const normals = vertices.map((v, i) => normalize(cross(v, vertices[(i + 1) % vertices.length]!)));
  normals.forEach((n, i) => {
    if (vertices.some((v) => dot(n, v) < -1e-9))
      throw invalid(`footprint polygon is not convex at edge ${i}`);
  });
  const radiusRad = Math.max(...vertices.map((v) => angleBetween(sum, v)));
  if (radiusRad > MAX_SHARD_REGION_RADIUS_DEG * DEG)
    throw invalid(`footprint polygon is wider than ${MAX_SHARD_REGION_RADIUS_DEG}° in radius`);
  return { vertices, normals, cone: { centre: sum, radiusRad } };
}

function polygonContains(p: Polygon, v: Vec3): boolean {
  return p.normals.every((n) => dot(n, v) >= -EPS);
}

/** True when great-circle arcs a→b and c→d (each shorter than 180°) cross or touch. */
function arcsCross(a: Vec3, b: Vec3, c: Vec3, d: Vec3): boolean {
  const n1 = cross(a, b);
  const n2 = cross(c, d);
  const x = cross(n1, n2);
  const len = Math.hypot(x[0], x[1], x[2]);
  if (len < 1e-15) return false; // same great circle: endpoint tests decide
  for (const sign of [1, -1]) {
    const p: Vec3 = [(sign * x[0]) / len, (sign * x[1]) / len, (sign * x[2]) / len];
    const onAb = dot(cross(a, p), n1) >= -EPS && dot(cross(p, b), n1) >= -EPS;
    const onCd = dot(cross(c, p), n2) >= -EPS && dot(cross(p, d), n2) >= -EPS;
    if (onAb && onCd) return true;
  }
  return false;
}

/**
 * The level-7 shards (HTM ids, ascending) that a convex polygon touches: vertices in degrees
 * ICRS, in either order, joined by great-circle edges, e.g. a detector's four corners from
 * `footprint(wcs, width, height)`. Throws PROMPTLY_E_REFCAT_INVALID for fewer than 3
 * vertices, a bad coordinate, a non-convex polygon or one wider than 30° in radius.
 */
export function shardsForPolygon(
  vertices: readonly SkyPoint[],
  level = REFCAT_HTM_LEVEL,
): number[] {
  const poly = polygonOf(vertices);
  const touches = (t: Triangle): boolean => {
    const cone = boundingCone(t);
    if (angleBetween(cone.centre, poly.cone.centre) > cone.radiusRad + poly.cone.radiusRad + EPS)
      return false;
    if (t.some((v) => polygonContains(poly, v))) return true;
    if (poly.vertices.some((v) => triangleContains(t, v))) return true;
    const n = poly.vertices.length;
    for (let i = 0; i < n; i++) {
      const a = poly.vertices[i]!;
      const b = poly.vertices[(i + 1) % n]!;
      for (let k = 0; k < 3; k++) if (arcsCross(a, b, t[k]!, t[(k + 1) % 3]!)) return true;
    }
    return false;
  };
  const inside = (t: Triangle): boolean => t.every((v) => polygonContains(poly, v));
  return htmCover(level, touches, inside);
}
