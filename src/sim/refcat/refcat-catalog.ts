import { Prng } from '../prng.js';
import { starsInBox, type SkyModel } from '../sky-catalog.js';
import {
  completeness,
  gaiaG,
  magnitudeError,
  positionErrorMas,
  properMotionErrorMasPerYr,
  ASTROMETRIC_ERROR_SCATTER_DEX,
  REFCAT_BANDS,
  REFCAT_EPOCH_JYEAR,
  REFCAT_G_LIMIT,
  type RefcatBand,
} from './error-model.js';
import {
  boundingCone,
  htmIdOfVector,
  htmLevelOf,
  htmTriangle,
  raDecOf,
  unitVector,
} from './htm.js';
import {
  idWords,
  propagate,
  trueProperMotion,
  MAS_PER_DEG,
  MAX_TRUE_PM_MAS_PER_YR,
  SKY_EPOCH_JYEAR,
} from './proper-motion.js';

/**
 * The stars of one refcat shard as parallel columns, sorted by id. Positions are the
 * catalog's at `epoch` (J2016.0): truth at that epoch plus noise of the stated errors.
 */
export interface RefcatRows {
  /** HTM id of the shard (level from the id, 7 for Rubin-like shards). */
  readonly shard: number;
  /** Sky-catalog id of each star (the truth's id: match on it). */
  readonly id: Float64Array;
  /** Right ascension at `epoch`, degrees ICRS, [0, 360). */
  readonly ra: Float64Array;
  /** Declination at `epoch`, degrees ICRS. */
  readonly dec: Float64Array;
  /** σ(α*) = σ(α) cos δ, mas. */
  readonly raErr: Float32Array;
  /** σ(δ), mas. */
  readonly decErr: Float32Array;
  /** μα* = μα cos δ, mas/yr. */
  readonly pmRa: Float64Array;
  /** μδ, mas/yr. */
  readonly pmDec: Float64Array;
  readonly pmRaErr: Float32Array;
  readonly pmDecErr: Float32Array;
  /** Julian epoch (TT) of the positions, years: {@link REFCAT_EPOCH_JYEAR} for every row. */
  readonly epoch: Float64Array;
  /** Measured AB magnitude per band; NaN where the band did not measure the star. */
  readonly mag: Readonly<Record<RefcatBand, Float32Array>>;
  /** σ of `mag`, mag; NaN with it. */
  readonly magErr: Readonly<Record<RefcatBand, Float32Array>>;
  readonly length: number;
}

/** Prng stream of the catalog's selection and noise (independent of truth's draws). */
const REFCAT_STREAM = 0x4ef;

/** One star's catalog entry, before it is known to fall in the shard. */
interface Entry {
  id: number;
  ra: number;
  dec: number;
  raErr: number;
  decErr: number;
  pmRa: number;
  pmDec: number;
  pmRaErr: number;
  pmDecErr: number;
  mag: number[];
  magErr: number[];
}

/**
 * The sky box (ra/dec, degrees) holding a cone of radius `radiusDeg`; ra may wrap
 * (raMin > raMax). A cone over a pole takes every ra.
 */
function boxAround(raC: number, decC: number, radiusDeg: number) {
  const decMin = Math.max(-90, decC - radiusDeg);
  const decMax = Math.min(90, decC + radiusDeg);
  const cosDec = Math.cos((decC * Math.PI) / 180);
  const s = Math.sin((radiusDeg * Math.PI) / 180) / cosDec;
  if (decC + radiusDeg >= 90 || decC - radiusDeg <= -90 || s >= 1) {
    // starsInBox takes [0, 360 − ε] for all ra (its cell search reads 360 as 0).
    return { raMin: 0, raMax: 360 - 1e-9, decMin, decMax };
  }
  const hw = (Math.asin(s) * 180) / Math.PI;
  const norm = (x: number): number => ((x % 360) + 360) % 360;
  return { raMin: norm(raC - hw), raMax: norm(raC + hw), decMin, decMax };
}

/**
 * The catalog entry of a sky star, or undefined when the catalog does not hold it (too
 * faint, or lost to incompleteness). Pure in (seed, id, truth): every shard computing it
 * gets the same numbers.
 */
function entryOf(
  seed: number,
  id: number,
  ra: number,
  dec: number,
  trueMag: Readonly<Record<string, number>>,
): Entry | undefined {
  const r = trueMag.r ?? Number.NaN;
  const g = gaiaG(r, trueMag.g ?? r);
  if (!(g <= REFCAT_G_LIMIT)) return undefined;
  const rng = new Prng(seed).fork(REFCAT_STREAM, ...idWords(id));
  if (rng.next() >= completeness(g)) return undefined;
  const pm = trueProperMotion(seed, id, ra, dec, r);
  const scatter = Math.pow(10, ASTROMETRIC_ERROR_SCATTER_DEX * rng.gaussian());
  const posErr = positionErrorMas(g) * scatter;
  const pmErr = properMotionErrorMasPerYr(g) * scatter;
  // Truth at the reference epoch, then the catalog's error (mas east/north, as a 1-yr step).
  const atRef = propagate(ra, dec, pm.pmRa, pm.pmDec, REFCAT_EPOCH_JYEAR - SKY_EPOCH_JYEAR);
  const measured = propagate(
    atRef.ra,
    atRef.dec,
    posErr * rng.gaussian(),
    posErr * rng.gaussian(),
    1,
  );
  const mag: number[] = [];
  const magErr: number[] = [];
  for (const band of REFCAT_BANDS) {
    const m = trueMag[band] ?? Number.NaN;
    const err = magnitudeError(band, m);
    const noise = rng.gaussian();
    mag.push(Number.isNaN(err) ? Number.NaN : m + err * noise);
    magErr.push(err);
  }
  return {
    id,
    ra: measured.ra,
    dec: measured.dec,
    raErr: posErr,
    decErr: posErr,
    pmRa: pm.pmRa + pmErr * rng.gaussian(),
    pmDec: pm.pmDec + pmErr * rng.gaussian(),
    pmRaErr: pmErr,
    pmDecErr: pmErr,
    mag,
    magErr,
  };
}

/**
 * The reference catalog of HTM trixel `shard` for the sky `sky`: every sky star the catalog
 * holds (see error-model.ts) whose catalog position at J2016.0 falls in the trixel, so each
 * star is in exactly one shard. Deterministic: same sky, same shard, same rows.
 */
export function refcatShardRows(sky: SkyModel, shard: number): RefcatRows {
  const level = htmLevelOf(shard);
  const t = htmTriangle(shard);
  const cone = boundingCone(t);
  const centre = raDecOf(cone.centre);
  // Catalog positions move from the truth by μ Δt and by noise: look that much further.
  const marginDeg =
    (MAX_TRUE_PM_MAS_PER_YR * Math.abs(SKY_EPOCH_JYEAR - REFCAT_EPOCH_JYEAR) + 1000) / MAS_PER_DEG;
  const stars = starsInBox(
    sky,
    boxAround(centre.ra, centre.dec, (cone.radiusRad * 180) / Math.PI + marginDeg),
  );
  const entries: Entry[] = [];
  const trueMag: Record<string, number> = {};
  const bands = Object.keys(stars.mag);
  const rMag = stars.mag.r;
  const gMag = stars.mag.g;
  for (let k = 0; k < stars.length; k++) {
    // Most sky stars are far fainter than the catalog: drop them before any other work.
    const r = rMag?.[k] ?? Number.NaN;
    if (!(gaiaG(r, gMag?.[k] ?? r) <= REFCAT_G_LIMIT)) continue;
    for (const b of bands) trueMag[b] = stars.mag[b]![k]!;
    const e = entryOf(sky.seed, stars.id[k]!, stars.ra[k]!, stars.dec[k]!, trueMag);
    if (e && htmIdOfVector(level, unitVector(e.ra, e.dec)) === shard) entries.push(e);
  }
  entries.sort((a, b) => a.id - b.id);
  const n = entries.length;
  const f64 = (pick: (e: Entry) => number) => Float64Array.from(entries, pick);
  const f32 = (pick: (e: Entry) => number) => Float32Array.from(entries, pick);
  const mag = {} as Record<RefcatBand, Float32Array>;
  const magErr = {} as Record<RefcatBand, Float32Array>;
  REFCAT_BANDS.forEach((b, i) => {
    mag[b] = f32((e) => e.mag[i]!);
    magErr[b] = f32((e) => e.magErr[i]!);
  });
  return {
    shard,
    id: f64((e) => e.id),
    ra: f64((e) => e.ra),
    dec: f64((e) => e.dec),
    raErr: f32((e) => e.raErr),
    decErr: f32((e) => e.decErr),
    pmRa: f64((e) => e.pmRa),
    pmDec: f64((e) => e.pmDec),
    pmRaErr: f32((e) => e.pmRaErr),
    pmDecErr: f32((e) => e.pmDecErr),
    epoch: new Float64Array(n).fill(REFCAT_EPOCH_JYEAR),
    mag,
    magErr,
    length: n,
  };
}
