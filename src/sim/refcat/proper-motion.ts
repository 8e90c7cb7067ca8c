import { Prng } from '../prng.js';
import type { StarCatalog } from '../sky-catalog.js';
import { galacticLatitudeDeg } from '../sky/galactic.js';
import { julianDateTt, J2000_JD } from '../sky/time-scales.js';
import { cross, dot, normalize, raDecOf, unitVector, type Vec3 } from './htm.js';

/**
 * Proper motions of the simulated true sky. The sky catalog (`sky-catalog.ts`) gives each
 * star a position and magnitudes but no motion; this model adds one, deterministically from
 * the seed and the star's id, so the truth and the reference catalog agree on it.
 *
 * Epoch: the catalog's (ra, dec) are the true positions at {@link SKY_EPOCH_JYEAR}, the
 * default night (2026-11-13). The renderer draws {@link starsAtEpoch} at each snap's epoch at
 * the site (`detector-scene.ts`), so later nights see the stars moved; templates are drawn at
 * this epoch.
 *
 * Model (per component, μα* = μα cos δ and μδ, mas/yr): Gaussian with
 * σ(r, b) = 5 × 10^(−0.1 (r − 18)) × (0.6 + 0.8 |sin b|) — nearer (brighter) stars move
 * faster, high-latitude samples hold more thick-disc and halo stars with larger motions
 * (σ ≈ 12.6 mas/yr at r = 14, 3.2 at r = 20, 1.3 at r = 24, × 0.6 in the plane, × 1.4 at
 * the poles; Gaia DR3's median |μ| is ~8 mas/yr at G 14 and ~4 at G 20). One star in 30 is
 * a nearby dwarf with σ × 6. |μ| is capped at {@link MAX_TRUE_PM_MAS_PER_YR}. Parallax is
 * not modelled (≤ a few mas for all but the nearest of these stars).
 */

/** Julian epoch (TT) at which the sky catalog's positions are the true positions. */
export const SKY_EPOCH_JYEAR = 2026.87;

/** Largest true total proper motion, mas/yr. */
export const MAX_TRUE_PM_MAS_PER_YR = 1000;

/** Milliarcseconds per degree. */
export const MAS_PER_DEG = 3_600_000;

const FAST_FRACTION = 1 / 30;
const FAST_FACTOR = 6;
/** Prng stream of the proper motions (independent of the sky's own draws). */
const PM_STREAM = 0x9a70;

/** A proper motion: μα* = μα cos δ and μδ, mas/yr. */
export interface ProperMotion {
  readonly pmRa: number;
  readonly pmDec: number;
}

/** The two 32-bit halves of a catalog id (ids reach ~2.4e13, beyond 32 bits). */
export function idWords(id: number): [number, number] {
  return [Math.floor(id / 4294967296) >>> 0, id >>> 0];
}

/** The true proper motion of star `id` at (ra, dec) degrees ICRS with r magnitude `rMag`. */
export function trueProperMotion(
  seed: number,
  id: number,
  raDeg: number,
  decDeg: number,
  rMag: number,
): ProperMotion {
  const rng = new Prng(seed).fork(PM_STREAM, ...idWords(id));
  const sinB = Math.abs(Math.sin((galacticLatitudeDeg(raDeg, decDeg) * Math.PI) / 180));
  let sigma = 5 * Math.pow(10, -0.1 * (rMag - 18)) * (0.6 + 0.8 * sinB);
  if (rng.next() < FAST_FRACTION) sigma *= FAST_FACTOR;
  let pmRa = sigma * rng.gaussian();
  let pmDec = sigma * rng.gaussian();
  const total = Math.hypot(pmRa, pmDec);
  if (total > MAX_TRUE_PM_MAS_PER_YR) {
    pmRa *= MAX_TRUE_PM_MAS_PER_YR / total;
    pmDec *= MAX_TRUE_PM_MAS_PER_YR / total;
  }
  return { pmRa, pmDec };
}

/**
 * The local east (increasing ra) and north unit vectors at a unit vector `p`; at a pole,
 * east is taken along +y and north along −x (ra 0 meridian) so the result stays finite.
 */
export function eastNorth(p: Vec3): { east: Vec3; north: Vec3 } {
  const h = Math.hypot(p[0], p[1]);
  const east: Vec3 = h > 1e-15 ? [-p[1] / h, p[0] / h, 0] : [0, 1, 0];
  const north = cross(p, east);
  return { east, north };
}

/**
 * (ra, dec) degrees ICRS after moving `dtYears` Julian years with proper motion (pmRa =
 * μα*, pmDec) mas/yr: a straight step along the tangent plane, renormalised (exact to
 * < 1 µas for |μ Δt| < 1′; radial velocity and parallax ignored).
 */
export function propagate(
  raDeg: number,
  decDeg: number,
  pmRa: number,
  pmDec: number,
  dtYears: number,
): { ra: number; dec: number } {
  if (dtYears === 0 || (pmRa === 0 && pmDec === 0)) return { ra: raDeg, dec: decDeg };
  const p = unitVector(raDeg, decDeg);
  const { east, north } = eastNorth(p);
  const k = (dtYears * Math.PI) / 180 / MAS_PER_DEG;
  const e = pmRa * k;
  const n = pmDec * k;
  return raDecOf(
    normalize([
      p[0] + e * east[0] + n * north[0],
      p[1] + e * east[1] + n * north[1],
      p[2] + e * east[2] + n * north[2],
    ]),
  );
}

/**
 * Offsets of (ra, dec) from (ra0, dec0) on the tangent plane at (ra0, dec0): east (Δα*) and
 * north (Δδ), milliarcseconds. For the small separations of catalog errors.
 */
export function tangentOffsetMas(
  ra0: number,
  dec0: number,
  ra: number,
  dec: number,
): { east: number; north: number } {
  const p0 = unitVector(ra0, dec0);
  const p = unitVector(ra, dec);
  const { east, north } = eastNorth(p0);
  const s = dot(p, p0);
  const toMas = (180 / Math.PI) * MAS_PER_DEG;
  return { east: (dot(p, east) / s) * toMas, north: (dot(p, north) / s) * toMas };
}

/** Julian epoch (TT) of a UTC time in ms since the Unix epoch, e.g. 2026.87. */
export function julianEpochOfMs(utcMs: number): number {
  return 2000 + (julianDateTt(utcMs) - J2000_JD) / 365.25;
}

/**
 * The catalog's stars where they truly are at `epochJyear` (Julian epoch, TT): each moved by
 * its {@link trueProperMotion} over `epochJyear − SKY_EPOCH_JYEAR`. Ids and magnitudes are
 * shared with the input. What a renderer should draw for an exposure at that epoch.
 */
export function starsAtEpoch(seed: number, stars: StarCatalog, epochJyear: number): StarCatalog {
  const dt = epochJyear - SKY_EPOCH_JYEAR;
  const ra = new Float64Array(stars.length);
  const dec = new Float64Array(stars.length);
  const r = stars.mag.r;
  for (let k = 0; k < stars.length; k++) {
    const pm = trueProperMotion(seed, stars.id[k]!, stars.ra[k]!, stars.dec[k]!, r?.[k] ?? 20);
    const moved = propagate(stars.ra[k]!, stars.dec[k]!, pm.pmRa, pm.pmDec, dt);
    ra[k] = moved.ra;
    dec[k] = moved.dec;
  }
  return { id: stars.id, ra, dec, mag: stars.mag, length: stars.length };
}
