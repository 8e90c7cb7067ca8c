import { PromptlyError } from '../../core/errors.js';

/**
 * The Hierarchical Triangular Mesh (Kunszt, Szalay & Thakar 2001), numbered as LSST's
 * sphgeom `HtmPixelization` and the `htm7` refcat dimension of the Rubin Butler: eight root
 * triangles S0–S3 (ids 8–11) and N0–N3 (12–15) on the octahedron, each split at its edge
 * midpoints into children `4 id + k`; a trixel of level L has an id in [8·4^L, 16·4^L).
 * Level 7 (131 072 trixels, ~0.31 deg² each, ~0.6° across) is what Rubin's refcats use.
 */

/** A unit vector on the celestial sphere (ICRS Cartesian: x to ra 0, z to the north pole). */
export type Vec3 = readonly [number, number, number];

/** A spherical triangle, vertices counter-clockwise seen from outside the sphere. */
export type Triangle = readonly [Vec3, Vec3, Vec3];

/** Deepest level supported: ids stay exact integers (8·4^20 < 2^53). */
export const HTM_MAX_LEVEL = 20;

const DEG = Math.PI / 180;

function invalid(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_REFCAT_INVALID', message);
}

export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

export function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function normalize(v: Vec3): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / n, v[1] / n, v[2] / n];
}

/** Unit vector of (ra, dec), degrees ICRS. */
export function unitVector(raDeg: number, decDeg: number): Vec3 {
  const ra = raDeg * DEG;
  const dec = decDeg * DEG;
  const c = Math.cos(dec);
  return [c * Math.cos(ra), c * Math.sin(ra), Math.sin(dec)];
}

/** (ra, dec) in degrees of a non-zero vector; ra in [0, 360), dec in [−90, +90]. */
export function raDecOf(v: Vec3): { ra: number; dec: number } {
  const r = Math.hypot(v[0], v[1], v[2]);
  let ra = Math.atan2(v[1], v[0]) / DEG;
  if (ra < 0) ra += 360;
  if (ra >= 360) ra -= 360;
  return { ra, dec: Math.asin(Math.max(-1, Math.min(1, v[2] / r))) / DEG };
}

/** Angle between two unit vectors, radians (accurate at small angles too). */
export function angleBetween(a: Vec3, b: Vec3): number {
  return Math.atan2(Math.hypot(...cross(a, b)), dot(a, b));
}

const V: readonly Vec3[] = [
  [0, 0, 1],
  [1, 0, 0],
  [0, 1, 0],
  [-1, 0, 0],
  [0, -1, 0],
  [0, 0, -1],
];

/** Root triangles by id − 8: S0 S1 S2 S3 N0 N1 N2 N3. */
const ROOTS: readonly Triangle[] = [
  [V[1]!, V[5]!, V[2]!],
  [V[2]!, V[5]!, V[3]!],
  [V[3]!, V[5]!, V[4]!],
  [V[4]!, V[5]!, V[1]!],
  [V[1]!, V[0]!, V[4]!],
  [V[4]!, V[0]!, V[3]!],
  [V[3]!, V[0]!, V[2]!],
  [V[2]!, V[0]!, V[1]!],
];

function midpoint(a: Vec3, b: Vec3): Vec3 {
  return normalize([a[0] + b[0], a[1] + b[1], a[2] + b[2]]);
}

/** The four children of a triangle, in HTM order (k = 0…3). */
export function children(t: Triangle): [Triangle, Triangle, Triangle, Triangle] {
  const [a, b, c] = t;
  const w0 = midpoint(b, c);
  const w1 = midpoint(a, c);
  const w2 = midpoint(a, b);
  return [
    [a, w2, w1],
    [b, w0, w2],
    [c, w1, w0],
    [w0, w1, w2],
  ];
}

/** How far inside a triangle a point is: the least of its three edge tests (≥ 0 inside). */
function insideness(t: Triangle, p: Vec3): number {
  return Math.min(dot(cross(t[0], t[1]), p), dot(cross(t[1], t[2]), p), dot(cross(t[2], t[0]), p));
}

/** The index of the triangle that holds `p`: the first with every edge test ≥ 0, else the closest. */
function pick(ts: readonly Triangle[], p: Vec3): number {
  let best = 0;
  let bestScore = -Infinity;
  for (let k = 0; k < ts.length; k++) {
    const s = insideness(ts[k]!, p);
    if (s >= 0) return k;
    if (s > bestScore) {
      bestScore = s;
      best = k;
    }
  }
  return best;
}

function checkLevel(level: number): void {
  if (!Number.isInteger(level) || level < 0 || level > HTM_MAX_LEVEL)
    throw invalid(`HTM level must be an integer in [0, ${HTM_MAX_LEVEL}], got ${String(level)}`);
}

/** Throws PROMPTLY_E_REFCAT_INVALID unless ra ∈ [0, 360] and dec ∈ [−90, +90] degrees, finite. */
export function checkRaDec(what: string, ra: number, dec: number): void {
  if (!Number.isFinite(ra) || ra < 0 || ra > 360)
    throw invalid(`${what}: ra must be finite in [0, 360] degrees, got ${String(ra)}`);
  if (!Number.isFinite(dec) || dec < -90 || dec > 90)
    throw invalid(`${what}: dec must be finite in [-90, 90] degrees, got ${String(dec)}`);
}

/** The HTM id of the level-`level` trixel holding a unit vector (on an edge: the first child). */
export function htmIdOfVector(level: number, p: Vec3): number {
  checkLevel(level);
  const r = pick(ROOTS, p);
  let id = 8 + r;
  let t = ROOTS[r]!;
  for (let l = 0; l < level; l++) {
    const cs = children(t);
    const k = pick(cs, p);
    id = id * 4 + k;
    t = cs[k]!;
  }
  return id;
}

/** The HTM id of the level-`level` trixel holding (ra, dec), degrees ICRS. */
export function htmId(level: number, raDeg: number, decDeg: number): number {
  checkRaDec('htmId', raDeg, decDeg);
  return htmIdOfVector(level, unitVector(raDeg, decDeg));
}

/** The level of a valid HTM id; throws PROMPTLY_E_REFCAT_INVALID otherwise. */
export function htmLevelOf(id: number): number {
  if (!Number.isSafeInteger(id) || id < 8) throw invalid(`not an HTM id: ${String(id)}`);
  let level = 0;
  let x = id;
  while (x >= 16) {
    x = Math.floor(x / 4);
    level++;
  }
  return level;
}

/** The vertices of trixel `id`. */
export function htmTriangle(id: number): Triangle {
  const level = htmLevelOf(id);
  const digits: number[] = [];
  let x = id;
  for (let l = 0; l < level; l++) {
    digits.push(x % 4);
    x = Math.floor(x / 4);
  }
  let t = ROOTS[x - 8]!;
  for (let l = digits.length - 1; l >= 0; l--) t = children(t)[digits[l]!]!;
  return t;
}

/** True when unit vector `p` lies in trixel triangle `t` (edges included, to 1e-15). */
export function triangleContains(t: Triangle, p: Vec3): boolean {
  return insideness(t, p) >= -1e-15;
}

/** A cone bounding a triangle: centre (unit vector) and radius, radians. */
export function boundingCone(t: Triangle): { centre: Vec3; radiusRad: number } {
  const centre = normalize([
    t[0][0] + t[1][0] + t[2][0],
    t[0][1] + t[1][1] + t[2][1],
    t[0][2] + t[1][2] + t[2][2],
  ]);
  const radiusRad = Math.max(...t.map((v) => angleBetween(centre, v)));
  return { centre, radiusRad };
}

/**
 * The trixels of `level` a region may touch, by descent from the roots: `touches` decides
 * whether a triangle meets the region (it must never say no to one that does), `inside`
 * whether a triangle lies wholly in it (then all its descendants are taken without tests).
 */
export function htmCover(
  level: number,
  touches: (t: Triangle) => boolean,
  inside: (t: Triangle) => boolean,
): number[] {
  checkLevel(level);
  const out: number[] = [];
  const all = (id: number, l: number): void => {
    const span = 4 ** (level - l);
    for (let k = 0; k < span; k++) out.push(id * span + k);
  };
  const visit = (id: number, t: Triangle, l: number): void => {
    if (!touches(t)) return;
    if (l === level) {
      out.push(id);
      return;
    }
    if (inside(t)) {
      all(id, l);
      return;
    }
    const cs = children(t);
    for (let k = 0; k < 4; k++) visit(id * 4 + k, cs[k]!, l + 1);
  };
  ROOTS.forEach((t, r) => visit(8 + r, t, 0));
  return out.sort((a, b) => a - b);
}
