import {
  BANDS,
  type DiaForcedSourceRecord,
  type DiaObjectBandStats,
  type DiaObjectCore,
  type DiaObjectRecord,
  type DiaSourceRecord,
} from './apdb-records.js';
import { toRaDec, unitVector } from './sky-region.js';

/**
 * A DIA object's row recomputed from its sources, as association does after each visit:
 *
 * - position: the mean of the sources' unit vectors weighted by 1/σ², σ² the mean of the
 *   on-sky variances (raErr·cos dec)² and decErr²; unweighted when any source lacks errors.
 *   raErr/decErr: 1/√Σ(1/err²) per axis (degrees, in ra and dec as the fields are), when
 *   every source has them; else null;
 * - per band (sources of that band with a finite psfFlux): `psfFluxNdata` their number;
 *   `psfFluxMean` the inverse-variance weighted mean (unweighted when an error is missing),
 *   `psfFluxMeanErr` 1/√Σw (unweighted: the standard error, n ≥ 2); `psfFluxSigma` the
 *   sample standard deviation (n ≥ 2); `psfFluxMin`, `psfFluxMax`; `psfFluxErrMean` the
 *   mean error; `fpFluxMean`/`fpFluxMeanErr` the same weighted mean over forced sources;
 * - `nDiaSources`: the previous count plus the new sources (the sources given may be only a
 *   history window, as Rubin preloads 12 months); first/last times over both.
 *
 * Fluxes nJy, times MJD TAI.
 */
export interface SummaryContext {
  /** The object's previous row (undefined for a new object). */
  readonly previous?: DiaObjectRecord | undefined;
  /** How many of `sources` are new this visit. */
  readonly newSources: number;
  /** MJD TAI of the visit: the row's `validityStartMjdTai`. */
  readonly validityStartMjdTai: number;
}

interface Stats {
  readonly n: number;
  readonly mean: number | null;
  readonly meanErr: number | null;
  readonly sigma: number | null;
  readonly min: number | null;
  readonly max: number | null;
  readonly errMean: number | null;
}

/** Summary statistics of fluxes with (possibly missing) errors. */
export function fluxStats(values: readonly number[], errors: readonly (number | null)[]): Stats {
  const n = values.length;
  if (n === 0)
    return { n, mean: null, meanErr: null, sigma: null, min: null, max: null, errMean: null };
  let sum = 0;
  for (const v of values) sum += v;
  const plain = sum / n;
  let ss = 0;
  for (const v of values) ss += (v - plain) ** 2;
  const sigma = n >= 2 ? Math.sqrt(ss / (n - 1)) : null;
  const weighted = errors.every((e) => e !== null && Number.isFinite(e) && e > 0);
  let mean = plain;
  let meanErr = sigma === null ? null : sigma / Math.sqrt(n);
  if (weighted) {
    let sw = 0;
    let swv = 0;
    values.forEach((v, i) => {
      const w = 1 / (errors[i] as number) ** 2;
      sw += w;
      swv += w * v;
    });
    mean = swv / sw;
    meanErr = 1 / Math.sqrt(sw);
  }
  const finiteErrors = errors.filter((e): e is number => e !== null && Number.isFinite(e));
  const errMean =
    finiteErrors.length === 0
      ? null
      : finiteErrors.reduce((a, b) => a + b, 0) / finiteErrors.length;
  return {
    n,
    mean,
    meanErr,
    sigma,
    min: Math.min(...values),
    max: Math.max(...values),
    errMean,
  };
}

function weightedPosition(sources: readonly DiaSourceRecord[]): {
  ra: number;
  dec: number;
  raErr: number | null;
  decErr: number | null;
} {
  const DEG = Math.PI / 180;
  const only = sources.length === 1 ? sources[0] : undefined;
  if (only) return { ra: only.ra, dec: only.dec, raErr: only.raErr, decErr: only.decErr };
  const withErrors = sources.every(
    (s) => s.raErr !== null && s.decErr !== null && s.raErr > 0 && s.decErr > 0,
  );
  const sum: [number, number, number] = [0, 0, 0];
  let raInv = 0;
  let decInv = 0;
  for (const s of sources) {
    let w = 1;
    if (withErrors) {
      const raSky = (s.raErr as number) * Math.cos(s.dec * DEG);
      w = 2 / (raSky ** 2 + (s.decErr as number) ** 2);
      raInv += 1 / (s.raErr as number) ** 2;
      decInv += 1 / (s.decErr as number) ** 2;
    }
    const v = unitVector(s.ra, s.dec);
    sum[0] += w * v[0];
    sum[1] += w * v[1];
    sum[2] += w * v[2];
  }
  const { ra, dec } = toRaDec(sum);
  return {
    ra,
    dec,
    raErr: withErrors ? 1 / Math.sqrt(raInv) : null,
    decErr: withErrors ? 1 / Math.sqrt(decInv) : null,
  };
}

/**
 * The row of object `diaObjectId` from its DIA sources (history and new, at least one) and
 * forced sources (see the module comment). Sources of other objects must not be passed.
 */
export function summarizeDiaObject(
  diaObjectId: number,
  sources: readonly DiaSourceRecord[],
  forced: readonly DiaForcedSourceRecord[],
  context: SummaryContext,
): DiaObjectRecord {
  const previous = context.previous;
  const times = sources.map((s) => s.midpointMjdTai);
  if (previous?.firstDiaSourceMjdTai != null) times.push(previous.firstDiaSourceMjdTai);
  if (previous?.lastDiaSourceMjdTai != null) times.push(previous.lastDiaSourceMjdTai);
  const position = weightedPosition(sources);
  const core: DiaObjectCore = {
    diaObjectId,
    validityStartMjdTai: context.validityStartMjdTai,
    ra: position.ra,
    raErr: position.raErr,
    dec: position.dec,
    decErr: position.decErr,
    ra_dec_Cov: null,
    nDiaSources: (previous?.nDiaSources ?? 0) + context.newSources,
    firstDiaSourceMjdTai: times.length > 0 ? Math.min(...times) : null,
    lastDiaSourceMjdTai: times.length > 0 ? Math.max(...times) : null,
  };
  const row: Record<string, number | null> = {};
  for (const band of BANDS) {
    const mine = sources.filter(
      (s) => s.band === band && s.psfFlux !== null && Number.isFinite(s.psfFlux),
    );
    const psf = fluxStats(
      mine.map((s) => s.psfFlux as number),
      mine.map((s) => s.psfFluxErr),
    );
    const fp = forced.filter(
      (f) => f.band === band && f.psfFlux !== null && Number.isFinite(f.psfFlux),
    );
    const fps = fluxStats(
      fp.map((f) => f.psfFlux as number),
      fp.map((f) => f.psfFluxErr),
    );
    row[`${band}_psfFluxMean`] = psf.mean;
    row[`${band}_psfFluxMeanErr`] = psf.meanErr;
    row[`${band}_psfFluxSigma`] = psf.sigma;
    row[`${band}_psfFluxNdata`] = psf.n;
    row[`${band}_psfFluxMin`] = psf.min;
    row[`${band}_psfFluxMax`] = psf.max;
    row[`${band}_psfFluxErrMean`] = psf.errMean;
    row[`${band}_fpFluxMean`] = fps.mean;
    row[`${band}_fpFluxMeanErr`] = fps.meanErr;
  }
  return { ...core, ...(row as DiaObjectBandStats) };
}
