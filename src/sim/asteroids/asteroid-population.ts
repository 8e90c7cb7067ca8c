import {
  earthHeliocentric,
  ephemerisAt,
  geometricDirection,
  orbitThrough,
  solveKepler,
  type Ephemeris,
  type OrbitalElements,
  type Vec3,
} from '../../science/ephemeris/index.js';
import { Prng } from '../prng.js';
import { poisson } from '../sky-catalog.js';

/**
 * The asteroids of the simulated sky: main-belt objects (a 2.1–3.3 AU, e 0–0.3) and a few
 * near-Earth objects (a 1.0–2.2 AU, q < 1.3 AU), each with heliocentric Keplerian elements,
 * an absolute magnitude H (slope G = 0.15) and a stable id, seen wherever two-body motion
 * takes them (`src/science/ephemeris`).
 *
 * How they are drawn, so that any field finds its own without the whole sky being propagated:
 * time is cut into {@link ASTEROID_EPOCH_DAYS}-day bins (MJD TT / 10, floored); the objects of
 * a bin are drawn per 1° sky cell (dec band × RA step ≈ 1°) from the seed alone —
 * Poisson(`densityPerDeg2` × cell area) of them, each at a uniform place in the cell at the
 * bin's middle (its epoch), with an orbit through that place (`orbitThrough`: a, e and the
 * eccentric anomaly drawn, the inclination |β| + 0–20° for the main belt, |β| + 0–25° for
 * NEOs, β being the object's heliocentric ecliptic latitude). An object exists during its bin
 * and while it is within {@link PRESENCE_RADIUS_DEG} of its epoch place (a main-belt object,
 * ≤ 0.3°/day, stays the whole bin; a fast NEO only near its epoch). So the same asteroid, with
 * the same id, is seen in every visit and night of a bin; at a bin's end the sky gets the next
 * bin's population.
 *
 * Density: the default (`sim.asteroidsPerDeg2`, 1000) is uniform over the sky and about ten
 * times the real main belt's at opposition on the ecliptic to V ≈ 24.5 — boosted, as the
 * supernovae are, so that a miniature LSSTComCam field (9 × 0.0008 deg² at scale 0.125) sees
 * about 7 per visit, and far from the ecliptic as near it (an object far from the ecliptic gets
 * the inclination its place needs). H is drawn with N(<H) ∝ 10^{0.3 H} over [13, 20.5] for the
 * main belt and [18, 24] for NEOs.
 */

/** Length of a population bin, days. */
export const ASTEROID_EPOCH_DAYS = 10;
/** An object is present only while within this angle of its epoch place, degrees. */
export const PRESENCE_RADIUS_DEG = 1.5;
/** Sky cell size, degrees (dec bands; RA steps ≈ 1° × sec dec). */
export const ASTEROID_CELL_DEG = 1;
/** Share of near-Earth objects among the drawn. */
export const NEO_FRACTION = 0.03;
/** Largest density accepted, per deg². */
export const MAX_ASTEROIDS_PER_DEG2 = 100_000;
/** Slope parameter G of every simulated asteroid (the IAU default). */
export const ASTEROID_SLOPE_G = 0.15;

const OBJECTS_PER_CELL_LIMIT = 131_072;
const DEC_BANDS = 180;
const RA_CELLS_MAX = 360;

/** What draws the asteroids: the seed, the density and the share of "known" ones. */
export interface AsteroidSky {
  readonly seed: number;
  /** Asteroids per deg², [0, {@link MAX_ASTEROIDS_PER_DEG2}]. */
  readonly densityPerDeg2: number;
  /** Share in the known-movers catalog (`ssObjects`), [0, 1]. */
  readonly knownFraction: number;
}

/** One simulated asteroid. */
export interface SimAsteroid {
  /** Stable id: ((bin × 180 + dec band) × 360 + RA cell) × 2¹⁷ + index in the cell. */
  readonly ssObjectId: number;
  /** Truth id, `sso-<ssObjectId>`. */
  readonly id: string;
  /** Catalog designation, `SIM <bin>-<band>-<cell>-<k>`. */
  readonly designation: string;
  readonly elements: OrbitalElements;
  /** Absolute magnitude H and slope G. */
  readonly hMag: number;
  readonly g: number;
  readonly neo: boolean;
  /** Whether it is in the known-movers catalog. */
  readonly known: boolean;
  /** Where it is at its epoch, ICRS unit vector (its presence is measured from here). */
  readonly epochDirection: Vec3;
}

/** An asteroid seen at a time, with its ephemeris. */
export interface SeenAsteroid {
  readonly asteroid: SimAsteroid;
  readonly ephemeris: Ephemeris;
}

/** The population bin of a time (MJD TT) and its epoch (the bin's middle). */
export function asteroidBin(mjdTt: number): { bin: number; epochMjdTt: number } {
  const bin = Math.floor(mjdTt / ASTEROID_EPOCH_DAYS);
  return { bin, epochMjdTt: (bin + 0.5) * ASTEROID_EPOCH_DAYS };
}

function raCells(j: number): number {
  const decMid = -90 + (j + 0.5) * ASTEROID_CELL_DEG;
  return Math.max(1, Math.min(RA_CELLS_MAX, Math.round(360 * Math.cos((decMid * Math.PI) / 180))));
}

/** H drawn with N(<H) ∝ 10^{0.3 H} on [lo, hi]. */
function drawH(rng: Prng, lo: number, hi: number): number {
  const f = 10 ** (-0.3 * (hi - lo));
  return hi + Math.log10(f + rng.next() * (1 - f)) / 0.3;
}

function unitVec(raDeg: number, decDeg: number): Vec3 {
  const a = (raDeg * Math.PI) / 180;
  const d = (decDeg * Math.PI) / 180;
  return [Math.cos(d) * Math.cos(a), Math.cos(d) * Math.sin(a), Math.sin(d)];
}

const cellCache = new Map<string, readonly SimAsteroid[]>();
const CELL_CACHE_LIMIT = 400;

/** The asteroids of one cell and bin (memoised: drawing is the costly part, the result is pure). */
export function cellAsteroids(
  sky: AsteroidSky,
  bin: number,
  j: number,
  i: number,
): readonly SimAsteroid[] {
  const key = `${sky.seed}/${sky.densityPerDeg2}/${sky.knownFraction}/${bin}/${j}/${i}`;
  const hit = cellCache.get(key);
  if (hit) return hit;
  const out = drawCell(sky, bin, j, i);
  if (cellCache.size >= CELL_CACHE_LIMIT) cellCache.delete(cellCache.keys().next().value!);
  cellCache.set(key, out);
  return out;
}

function drawCell(sky: AsteroidSky, bin: number, j: number, i: number): SimAsteroid[] {
  const n = raCells(j);
  const dec0 = -90 + j * ASTEROID_CELL_DEG;
  const dec1 = dec0 + ASTEROID_CELL_DEG;
  const ra0 = (i * 360) / n;
  const ra1 = ((i + 1) * 360) / n;
  const s0 = Math.sin((dec0 * Math.PI) / 180);
  const s1 = Math.sin((dec1 * Math.PI) / 180);
  const areaDeg2 = ((ra1 - ra0) * (s1 - s0) * 180) / Math.PI;
  const rng = new Prng(sky.seed).fork(0xa57e, bin, j, i);
  const count = Math.min(OBJECTS_PER_CELL_LIMIT - 1, poisson(rng, sky.densityPerDeg2 * areaDeg2));
  const epochMjdTt = (bin + 0.5) * ASTEROID_EPOCH_DAYS;
  const earth = earthHeliocentric(epochMjdTt);
  const out: SimAsteroid[] = [];
  for (let k = 0; k < count; k++) {
    const ra = rng.uniform(ra0, ra1);
    const dec = (Math.asin(rng.uniform(s0, s1)) * 180) / Math.PI;
    const neo = rng.next() < NEO_FRACTION;
    const known = rng.next() < sky.knownFraction;
    let aAu: number;
    let e: number;
    let extra: number;
    let hMag: number;
    if (neo) {
      aAu = rng.uniform(1.0, 2.2);
      e = rng.uniform(Math.max(0.1, 1 - 1.3 / aAu), 0.6);
      extra = rng.uniform(0, 25);
      hMag = drawH(rng, 18, 24);
    } else {
      aAu = rng.uniform(2.1, 3.3);
      e = rng.uniform(0, 0.3);
      extra = rng.uniform(0, 20);
      hMag = drawH(rng, 13, 20.5);
    }
    const ascending = rng.next() < 0.5;
    const meanAnomaly = rng.uniform(0, 2 * Math.PI);
    let elements: OrbitalElements | undefined;
    // an NEO closer to the Sun than the Earth may not lie on this sightline: try its far side
    for (const m of [meanAnomaly, meanAnomaly + Math.PI]) {
      elements = orbitThrough({
        raDeg: ra,
        decDeg: dec,
        mjdTt: epochMjdTt,
        aAu,
        e,
        eccentricAnomalyRad: solveKepler(m, e),
        extraInclinationDeg: extra,
        ascending,
        earth,
      });
      if (elements) break;
    }
    if (!elements) continue;
    const ssObjectId = ((bin * DEC_BANDS + j) * RA_CELLS_MAX + i) * OBJECTS_PER_CELL_LIMIT + k;
    out.push({
      ssObjectId,
      id: `sso-${ssObjectId}`,
      designation: `SIM ${bin}-${j}-${i}-${k}`,
      elements,
      hMag,
      g: ASTEROID_SLOPE_G,
      neo,
      known,
      epochDirection: unitVec(ra, dec),
    });
  }
  return out;
}

const directionCache = new Map<string, Float64Array>();
const DIRECTION_CACHE_LIMIT = 200;

/**
 * Geometric ICRS unit vectors of a cell's asteroids at `mjdTt` (x, y, z per object; NaN for one
 * not present then), memoised: every detector of a snap asks at the same time.
 */
function cellDirections(
  sky: AsteroidSky,
  bin: number,
  j: number,
  i: number,
  mjdTt: number,
  earth: Vec3,
): Float64Array {
  const key = `${sky.seed}/${sky.densityPerDeg2}/${sky.knownFraction}/${bin}/${j}/${i}@${mjdTt}`;
  const hit = directionCache.get(key);
  if (hit) return hit;
  const objects = cellAsteroids(sky, bin, j, i);
  const out = new Float64Array(3 * objects.length);
  objects.forEach((a, k) => {
    const d = geometricDirection(a.elements, earth, mjdTt);
    const present = angleDeg(d, a.epochDirection) <= PRESENCE_RADIUS_DEG;
    out[3 * k] = present ? d[0] : NaN;
    out[3 * k + 1] = d[1];
    out[3 * k + 2] = d[2];
  });
  if (directionCache.size >= DIRECTION_CACHE_LIMIT)
    directionCache.delete(directionCache.keys().next().value!);
  directionCache.set(key, out);
  return out;
}

function angleDeg(a: Vec3, b: Vec3): number {
  const c = Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
  return (2 * Math.asin(Math.min(1, c / 2)) * 180) / Math.PI;
}

/** Every cell (dec band, RA cell) that meets the cap of `radiusDeg` about (ra, dec). */
function cellsNear(raDeg: number, decDeg: number, radiusDeg: number): [number, number][] {
  const out: [number, number][] = [];
  const jLo = Math.max(0, Math.floor((decDeg - radiusDeg + 90) / ASTEROID_CELL_DEG));
  const jHi = Math.min(DEC_BANDS - 1, Math.floor((decDeg + radiusDeg + 90) / ASTEROID_CELL_DEG));
  for (let j = jLo; j <= jHi; j++) {
    const n = raCells(j);
    const bandLo = -90 + j * ASTEROID_CELL_DEG;
    const bandHi = bandLo + ASTEROID_CELL_DEG;
    const poleward = Math.max(Math.abs(bandLo), Math.abs(bandHi));
    const nearPole = Math.abs(decDeg) + radiusDeg >= 89.5 || poleward >= 89.5;
    const halfRa = nearPole
      ? 180
      : Math.min(180, radiusDeg / Math.max(1e-6, Math.cos((poleward * Math.PI) / 180)));
    if (halfRa >= 180) {
      for (let i = 0; i < n; i++) out.push([j, i]);
      continue;
    }
    const step = 360 / n;
    const iLo = Math.floor((raDeg - halfRa) / step);
    const iHi = Math.floor((raDeg + halfRa) / step);
    const seen = new Set<number>();
    for (let i = iLo; i <= iHi; i++) {
      const w = ((i % n) + n) % n;
      if (!seen.has(w)) {
        seen.add(w);
        out.push([j, w]);
      }
    }
  }
  return out;
}

/**
 * The asteroids present at `mjdTt` whose astrometric place lies within `radiusDeg` of
 * (raDeg, decDeg) (ICRS degrees), with their ephemerides, by id. Pure in its arguments.
 */
export function asteroidsNear(
  sky: AsteroidSky,
  raDeg: number,
  decDeg: number,
  radiusDeg: number,
  mjdTt: number,
): SeenAsteroid[] {
  if (!(sky.densityPerDeg2 > 0)) return [];
  const { bin } = asteroidBin(mjdTt);
  const centre = unitVec(raDeg, decDeg);
  const earth = earthHeliocentric(mjdTt);
  // light time (≤ 0.02 d for the main belt) moves an object by its rate × τ: a first-look margin
  const margin = 0.1;
  const out: SeenAsteroid[] = [];
  for (const [j, i] of cellsNear(raDeg, decDeg, radiusDeg + PRESENCE_RADIUS_DEG + margin)) {
    const objects = cellAsteroids(sky, bin, j, i);
    const dirs = cellDirections(sky, bin, j, i, mjdTt, earth);
    for (let k = 0; k < objects.length; k++) {
      const x = dirs[3 * k]!;
      if (Number.isNaN(x)) continue; // not present at this time
      const dir: Vec3 = [x, dirs[3 * k + 1]!, dirs[3 * k + 2]!];
      if (angleDeg(dir, centre) > radiusDeg + margin) continue;
      const a = objects[k]!;
      const ephemeris = ephemerisAt(a.elements, mjdTt, earth);
      if (angleDeg(unitVec(ephemeris.raDeg, ephemeris.decDeg), centre) > radiusDeg) continue;
      out.push({ asteroid: a, ephemeris });
    }
  }
  return out.sort((x, y) => x.asteroid.ssObjectId - y.asteroid.ssObjectId);
}

/** AB magnitude offsets from V of an asteroid's (roughly solar, S/C-type mix) colours. */
const FROM_V: Readonly<Record<string, number>> = {
  u: 1.5,
  g: 0.35,
  r: -0.2,
  i: -0.35,
  z: -0.4,
  y: -0.45,
};

/** AB magnitude of an asteroid in `band` from its V magnitude. */
export function asteroidBandMag(vMag: number, band: string): number {
  return vMag + (FROM_V[band] ?? FROM_V.r!);
}
