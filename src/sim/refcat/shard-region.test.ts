import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../../core/errors.js';
import { seededRandom } from '../../core/seeded-random.js';
import {
  angleBetween,
  children,
  cross,
  dot,
  htmId,
  htmIdOfVector,
  htmLevelOf,
  htmTriangle,
  normalize,
  raDecOf,
  triangleContains,
  unitVector,
  type Triangle,
  type Vec3,
} from './htm.js';
import {
  REFCAT_HTM_LEVEL,
  shardsForPolygon,
  shardsForRegion,
  type SkyPoint,
} from './shard-region.js';

const DEG = Math.PI / 180;
const random = seededRandom(2016);

/** A uniformly random point within `radiusDeg` of `centre`. */
function pointInCap(centre: SkyPoint, radiusDeg: number): Vec3 {
  const c = unitVector(centre.ra, centre.dec);
  const cosR = Math.cos(radiusDeg * DEG);
  const z = 1 - random() * (1 - cosR);
  const phi = 2 * Math.PI * random();
  const s = Math.sqrt(1 - z * z);
  // An orthonormal frame around c.
  const a = normalize(cross(c, Math.abs(c[2]) < 0.9 ? [0, 0, 1] : [1, 0, 0]));
  const b = cross(c, a);
  return normalize([
    z * c[0] + s * (Math.cos(phi) * a[0] + Math.sin(phi) * b[0]),
    z * c[1] + s * (Math.cos(phi) * a[1] + Math.sin(phi) * b[1]),
    z * c[2] + s * (Math.cos(phi) * a[2] + Math.sin(phi) * b[2]),
  ]);
}

/** Distance (deg) from `p` to a triangle, by dense sampling of its edges (or 0 inside). */
function sampledDistanceDeg(t: Triangle, p: Vec3): number {
  if (triangleContains(t, p)) return 0;
  let best = Infinity;
  for (let e = 0; e < 3; e++) {
    const a = t[e]!;
    const b = t[(e + 1) % 3]!;
    for (let k = 0; k <= 400; k++) {
      const f = k / 400;
      const q = normalize([
        a[0] * (1 - f) + b[0] * f,
        a[1] * (1 - f) + b[1] * f,
        a[2] * (1 - f) + b[2] * f,
      ]);
      best = Math.min(best, angleBetween(p, q));
    }
  }
  return best / DEG;
}

describe('HTM numbering', () => {
  it('numbers level-L trixels in [8·4^L, 16·4^L) and nests each in its parent', () => {
    for (let i = 0; i < 500; i++) {
      const ra = 360 * random();
      const dec = (Math.asin(2 * random() - 1) * 180) / Math.PI;
      const id7 = htmId(7, ra, dec);
      expect(id7).toBeGreaterThanOrEqual(8 * 4 ** 7);
      expect(id7).toBeLessThan(16 * 4 ** 7);
      expect(htmLevelOf(id7)).toBe(7);
      expect(Math.floor(htmId(8, ra, dec) / 4)).toBe(id7);
      expect(triangleContains(htmTriangle(id7), unitVector(ra, dec))).toBe(true);
    }
  });

  it('puts the north hemisphere in N0–N3 (12–15) and the south in S0–S3 (8–11), as sphgeom', () => {
    expect(htmId(0, 45, 45)).toBe(15); // N3: between v2 (ra 90), v0 (pole), v1 (ra 0)
    expect(htmId(0, 315, 45)).toBe(12); // N0: v1, v0, v4 (ra 270)
    expect(htmId(0, 45, -45)).toBe(8); // S0: v1, v5, v2
    expect(htmId(0, 225, -45)).toBe(10); // S2: v3, v5, v4
  });

  it('splits a trixel into four children that tile it, counter-clockwise', () => {
    const t = htmTriangle(htmId(3, 123.4, -56.7));
    for (const c of children(t)) expect(dot(cross(c[0], c[1]), c[2])).toBeGreaterThan(0);
    for (let i = 0; i < 200; i++) {
      const w = [random(), random(), random()];
      const p = normalize(
        [0, 1, 2].map((k) => t.reduce((s, v, j) => s + v[k]! * w[j]!, 0)) as unknown as Vec3,
      );
      const inside = children(t).filter((c) => triangleContains(c, p)).length;
      expect(inside).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('shardsForRegion', () => {
  const cases: [string, SkyPoint, number][] = [
    ['a ComCam field', { ra: 150, dec: -30 }, 0.5],
    ['an LSSTCam field', { ra: 10, dec: -45 }, 1.8],
    ['a field across ra 0', { ra: 0.1, dec: 2 }, 1.2],
    ['the south pole', { ra: 0, dec: -89.9 }, 0.7],
    ['a tiny circle on a trixel edge', { ra: 0, dec: 0 }, 0.001],
  ];
  for (const [name, centre, radius] of cases) {
    it(`covers ${name} completely and holds no trixel farther than 0.01° from it`, () => {
      const cover = new Set(shardsForRegion(centre, radius));
      const c = unitVector(centre.ra, centre.dec);
      // Completeness: every point of the region, random and on the rim, has its trixel listed.
      for (let i = 0; i < 20_000; i++) {
        const p = i < 19_000 ? pointInCap(centre, radius) : pointInCap(centre, radius * (1 - 1e-9));
        expect(cover.has(htmIdOfVector(REFCAT_HTM_LEVEL, p))).toBe(true);
      }
      // Tightness: a brute-force distance from the centre to each trixel.
      for (const id of cover)
        expect(sampledDistanceDeg(htmTriangle(id), c)).toBeLessThanOrEqual(radius + 0.01);
    });
  }

  it('refuses a non-finite centre or a radius out of range with PROMPTLY_E_REFCAT_INVALID', () => {
    for (const f of [
      () => shardsForRegion({ ra: Number.NaN, dec: 0 }, 1),
      () => shardsForRegion({ ra: 10, dec: 91 }, 1),
      () => shardsForRegion({ ra: 10, dec: 0 }, 0),
      () => shardsForRegion({ ra: 10, dec: 0 }, 31),
    ]) {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      expect(isPromptlyError(err, 'PROMPTLY_E_REFCAT_INVALID')).toBe(true);
    }
  });
});

describe('shardsForPolygon', () => {
  /** A square of side `sideDeg` centred on `centre`, rotated by `rotDeg`, as four corners. */
  function square(centre: SkyPoint, sideDeg: number, rotDeg: number): SkyPoint[] {
    const c = unitVector(centre.ra, centre.dec);
    const east = normalize(cross([0, 0, 1], c));
    const north = cross(c, east);
    const h = Math.tan((sideDeg / 2) * DEG);
    return [
      [-1, -1],
      [1, -1],
      [1, 1],
      [-1, 1],
    ].map(([x, y]) => {
      const r = rotDeg * DEG;
      const u = h * (x! * Math.cos(r) - y! * Math.sin(r));
      const v = h * (x! * Math.sin(r) + y! * Math.cos(r));
      return raDecOf([
        c[0] + u * east[0] + v * north[0],
        c[1] + u * east[1] + v * north[1],
        c[2] + u * east[2] + v * north[2],
      ]);
    });
  }

  for (const [name, centre, side, rot] of [
    ['a detector', { ra: 150.2, dec: -29.7 }, 0.23, 17],
    ['a raft across ra 0', { ra: 359.95, dec: -10 }, 0.7, 40],
    ['a focal plane near the north pole', { ra: 80, dec: 88.5 }, 3, 0],
  ] as const) {
    it(`covers ${name} completely, and less than its bounding circle does`, () => {
      const corners = square(centre, side, rot);
      const cover = new Set(shardsForPolygon(corners));
      const normals = corners.map((p, i) =>
        cross(
          unitVector(p.ra, p.dec),
          unitVector(corners[(i + 1) % 4]!.ra, corners[(i + 1) % 4]!.dec),
        ),
      );
      const inside = (v: Vec3): boolean => normals.every((n) => dot(n, v) >= 0);
      let tested = 0;
      for (let i = 0; i < 40_000; i++) {
        const p = pointInCap(centre, side * 0.75);
        if (!inside(p)) continue;
        tested++;
        expect(cover.has(htmIdOfVector(REFCAT_HTM_LEVEL, p))).toBe(true);
      }
      expect(tested).toBeGreaterThan(10_000);
      const circle = shardsForRegion(centre, side * Math.SQRT1_2 + 1e-6);
      for (const id of cover) expect(circle).toContain(id);
      // Also in either vertex order.
      expect(shardsForPolygon([...corners].reverse())).toEqual([...cover].sort((a, b) => a - b));
    });
  }

  it('refuses a non-convex polygon with PROMPTLY_E_REFCAT_INVALID', () => {
    const bowTie = [
      { ra: 10, dec: 0 },
      { ra: 11, dec: 1 },
      { ra: 11, dec: 0 },
      { ra: 10, dec: 1 },
    ];
    expect(() => shardsForPolygon(bowTie)).toThrow(/not convex/);
  });
});
