import { percentile } from '../observe/night-summary.js';
import {
  distanceToSegment,
  matchTruth,
  type ScoredSources,
  type TruthMatch,
  type TruthTrack,
} from './match-truth.js';

/**
 * The truth score of Alert Production: how many of the simulator's transients the DIA sources
 * found (by the S/N the difference should show them at, and by magnitude), how many DIA
 * sources sit where nothing changed, how far found ones are from the truth (pixels and mas),
 * and how their fluxes compare. Per visit-detector, then over a night.
 */

/** How a visit-detector is scored. */
export interface ScoreOptions {
  /** A DIA source this close to a track found it, pixels. Default 3. */
  readonly matchRadiusPx?: number;
  /** A DIA source farther than this from every truth source is false, pixels. Default 5. */
  readonly falseRadiusPx?: number;
}

/** One truth source of a visit-detector and what became of it. */
export interface ScoredTransient {
  readonly id: string;
  readonly kind: string;
  readonly mag: number;
  /**
   * |difference flux| / the difference's noise for one source: the median DIA flux error, PSF
   * flux's where the catalog has it, else the aperture's.
   */
  readonly expectedSnr: number;
  readonly found: boolean;
  readonly offsetPx?: number;
  readonly offsetMas?: number;
  /** Measured / true difference flux. */
  readonly fluxRatio?: number;
  /** Reliability of the DIA source that found it, when the catalog has the column. */
  readonly reliability?: number;
}

/** A source at or above this reliability is kept (Rubin's real/bogus cut). */
export const RELIABILITY_THRESHOLD = 0.5;

/** What a reliability cut keeps of a visit-detector's DIA sources. */
export interface ReliabilityKept {
  /** DIA sources at or above {@link RELIABILITY_THRESHOLD}. */
  readonly kept: number;
  /** Of them, false ones (no truth source within `falseRadiusPx`). */
  readonly falseKept: number;
}

export interface VisitDetectorScore {
  readonly transients: readonly ScoredTransient[];
  readonly diaSources: number;
  /** DIA sources with no truth source within `falseRadiusPx`. */
  readonly falseSources: number;
  /** Which flux the expected S/N and the photometry used. */
  readonly photometry: 'psf' | 'aperture';
  /** The reliability cut, when the catalog has a reliability column. */
  readonly reliable?: ReliabilityKept;
}

const MAS_PER_DEG = 3_600_000;

function angularMas(ra1: number, dec1: number, ra2: number, dec2: number): number {
  const r = Math.PI / 180;
  const s =
    Math.sin(((dec2 - dec1) * r) / 2) ** 2 +
    Math.cos(dec1 * r) * Math.cos(dec2 * r) * Math.sin(((ra2 - ra1) * r) / 2) ** 2;
  return ((2 * Math.asin(Math.min(1, Math.sqrt(s)))) / r) * MAS_PER_DEG;
}

/** Whether a reliability passes the cut (NaN does not). */
export function isReliable(reliability: number): boolean {
  return reliability >= RELIABILITY_THRESHOLD;
}

/** Scores one visit-detector's DIA sources against its truth tracks. */
export function scoreVisitDetector(
  sources: ScoredSources,
  tracks: readonly TruthTrack[],
  options: ScoreOptions = {},
): VisitDetectorScore {
  const matchRadius = options.matchRadiusPx ?? 3;
  const falseRadius = options.falseRadiusPx ?? 5;
  // PSF photometry where the catalog has it (the optimal measure, Rubin's S/N), else aperture
  const psf = sources.measurements;
  const fluxOf = (k: number) =>
    psf && Number.isFinite(psf.psfFlux[k]) ? psf.psfFlux[k]! : sources.apFlux[k]!;
  const errors = Array.from({ length: sources.length }, (_, k) =>
    psf ? psf.psfFluxErr[k]! : sources.apFluxErr[k]!,
  ).filter((e) => Number.isFinite(e) && e > 0);
  const noise = errors.length > 0 ? percentile(errors, 50) : NaN;
  const matches: TruthMatch[] = matchTruth(tracks, sources, matchRadius);
  const transients = matches.map((m): ScoredTransient => {
    const t = m.track;
    const base = {
      id: t.id,
      kind: t.kind,
      mag: t.mag,
      expectedSnr: Math.abs(t.diffFluxE) / noise,
      found: m.source >= 0,
    };
    if (m.source < 0) return base;
    const k = m.source;
    // a mover is compared with the middle of its path
    const ra = (t.first.ra + t.last.ra) / 2;
    const dec = (t.first.dec + t.last.dec) / 2;
    return {
      ...base,
      offsetPx: m.distancePx,
      offsetMas: angularMas(sources.ra[k]!, sources.dec[k]!, ra, dec),
      fluxRatio: fluxOf(k) / t.diffFluxE,
      ...(sources.reliability ? { reliability: sources.reliability[k]! } : {}),
    };
  });
  let falseSources = 0;
  let kept = 0;
  let falseKept = 0;
  for (let k = 0; k < sources.length; k++) {
    const x = sources.x[k]!;
    const y = sources.y[k]!;
    const isFalse = !tracks.some((t) => distanceToSegment(x, y, t.first, t.last) <= falseRadius);
    const isKept = sources.reliability !== undefined && isReliable(sources.reliability[k]!);
    if (isFalse) falseSources++;
    if (isKept) kept++;
    if (isKept && isFalse) falseKept++;
  }
  return {
    transients,
    diaSources: sources.length,
    falseSources,
    photometry: psf ? 'psf' : 'aperture',
    ...(sources.reliability ? { reliable: { kept, falseKept } } : {}),
  };
}

/** Completeness in one bin: found / total, with the bin's lower edge. */
export interface CompletenessBin {
  readonly from: number;
  readonly to: number;
  readonly total: number;
  readonly found: number;
}

/** The night's score, over every scored visit-detector. */
export interface NightScore {
  readonly visitDetectors: number;
  readonly transients: number;
  readonly found: number;
  /** By expected S/N on the difference: [5, 10), [10, 20), [20, 50), [50, ∞). */
  readonly bySnr: readonly CompletenessBin[];
  /** By magnitude, half-magnitude bins. */
  readonly byMag: readonly CompletenessBin[];
  /** Completeness of transients expected at S/N ≥ 10. */
  readonly completenessSnr10: number;
  readonly falsePerVisitDetector: number;
  readonly medianOffsetPx: number;
  readonly medianOffsetMas: number;
  /**
   * −2.5 log10 of the median measured/true flux ratio: PSF flux where every visit-detector has
   * it, else aperture flux (no aperture correction).
   */
  readonly photometricBiasMag: number;
  readonly photometry: 'psf' | 'aperture' | 'mixed';
  /**
   * The same after the reliability cut (sources at or above {@link RELIABILITY_THRESHOLD}),
   * over the visit-detectors whose catalogs have a reliability column; absent when none has.
   */
  readonly reliability?: ReliabilityScore;
}

/** The night's numbers after the reliability cut. */
export interface ReliabilityScore {
  readonly threshold: number;
  /** Visit-detectors with a reliability column (the rest of this score is over them). */
  readonly visitDetectors: number;
  readonly diaSources: number;
  /** DIA sources kept by the cut. */
  readonly kept: number;
  /** Kept sources that are not false (a truth source within `falseRadiusPx`) / kept. */
  readonly purity: number;
  /** Transients expected at S/N ≥ 10 found by a kept source / all expected at S/N ≥ 10. */
  readonly completenessSnr10: number;
  /** False sources kept, per visit-detector. */
  readonly falsePerVisitDetector: number;
  /** False sources before the cut, per visit-detector, over the same visit-detectors. */
  readonly falsePerVisitDetectorBefore: number;
}

function reliabilityScore(scores: readonly VisitDetectorScore[]): ReliabilityScore | undefined {
  const withColumn = scores.filter((s) => s.reliable !== undefined);
  if (withColumn.length === 0) return undefined;
  const n = withColumn.length;
  const kept = withColumn.reduce((sum, s) => sum + s.reliable!.kept, 0);
  const falseKept = withColumn.reduce((sum, s) => sum + s.reliable!.falseKept, 0);
  const snr10 = withColumn.flatMap((s) => s.transients).filter((r) => r.expectedSnr >= 10);
  const foundKept = snr10.filter((r) => r.found && isReliable(r.reliability ?? NaN)).length;
  return {
    threshold: RELIABILITY_THRESHOLD,
    visitDetectors: n,
    diaSources: withColumn.reduce((sum, s) => sum + s.diaSources, 0),
    kept,
    purity: kept > 0 ? (kept - falseKept) / kept : NaN,
    completenessSnr10: snr10.length > 0 ? foundKept / snr10.length : NaN,
    falsePerVisitDetector: falseKept / n,
    falsePerVisitDetectorBefore: withColumn.reduce((sum, s) => sum + s.falseSources, 0) / n,
  };
}

function bins(
  rows: readonly ScoredTransient[],
  edges: readonly number[],
  value: (r: ScoredTransient) => number,
): CompletenessBin[] {
  const out: CompletenessBin[] = [];
  for (let i = 0; i < edges.length - 1; i++) {
    const from = edges[i]!;
    const to = edges[i + 1]!;
    const inBin = rows.filter((r) => value(r) >= from && value(r) < to);
    if (inBin.length === 0) continue;
    out.push({ from, to, total: inBin.length, found: inBin.filter((r) => r.found).length });
  }
  return out;
}

/** Adds up visit-detector scores into the night's. */
export function scoreNight(scores: readonly VisitDetectorScore[]): NightScore {
  const rows = scores.flatMap((s) => s.transients);
  const found = rows.filter((r) => r.found);
  const snr10 = rows.filter((r) => r.expectedSnr >= 10);
  const mags = rows.map((r) => r.mag);
  const lo = Math.floor(Math.min(...mags, 30) * 2) / 2;
  const hi = Math.ceil(Math.max(...mags, 0) * 2) / 2;
  const magEdges: number[] = [];
  for (let m = lo; m <= hi + 0.5; m += 0.5) magEdges.push(m);
  const median = (values: number[]) => (values.length > 0 ? percentile(values, 50) : NaN);
  const ratio = median(found.map((r) => r.fluxRatio!).filter((v) => v > 0));
  const reliability = reliabilityScore(scores);
  return {
    visitDetectors: scores.length,
    transients: rows.length,
    found: found.length,
    bySnr: bins(rows, [5, 10, 20, 50, Infinity], (r) => r.expectedSnr),
    byMag: bins(rows, magEdges, (r) => r.mag),
    completenessSnr10: snr10.length > 0 ? snr10.filter((r) => r.found).length / snr10.length : NaN,
    falsePerVisitDetector:
      scores.length > 0 ? scores.reduce((s, v) => s + v.falseSources, 0) / scores.length : NaN,
    medianOffsetPx: median(found.map((r) => r.offsetPx!)),
    medianOffsetMas: median(found.map((r) => r.offsetMas!)),
    photometricBiasMag: -2.5 * Math.log10(ratio),
    photometry: scores.every((s) => s.photometry === 'psf')
      ? 'psf'
      : scores.every((s) => s.photometry === 'aperture')
        ? 'aperture'
        : 'mixed',
    ...(reliability ? { reliability } : {}),
  };
}

/** The night's score as lines for the summary. */
export function formatNightScore(score: NightScore): string {
  const pct = (b: CompletenessBin) => `${((100 * b.found) / b.total).toFixed(0)}% of ${b.total}`;
  const lines = [
    `truth score: ${score.found}/${score.transients} transients found over ${score.visitDetectors} visit-detectors; ` +
      `completeness at S/N ≥ 10: ${(100 * score.completenessSnr10).toFixed(1)}%; ` +
      `false DIA sources per visit-detector: ${score.falsePerVisitDetector.toFixed(2)}`,
    `  offset of found ones: median ${score.medianOffsetPx.toFixed(3)} px (${score.medianOffsetMas.toFixed(0)} mas); ` +
      `photometric bias ${score.photometricBiasMag.toFixed(3)} mag (${score.photometry === 'psf' ? 'PSF' : score.photometry} flux)`,
    `  by S/N: ${score.bySnr.map((b) => `[${b.from}, ${b.to}) ${pct(b)}`).join('; ')}`,
    `  by mag: ${score.byMag.map((b) => `${b.from.toFixed(1)} ${pct(b)}`).join('; ')}`,
  ];
  const r = score.reliability;
  if (r)
    lines.push(
      `  reliability ≥ ${r.threshold}: ${r.kept}/${r.diaSources} DIA sources kept over ${r.visitDetectors} visit-detectors; ` +
        `purity ${(100 * r.purity).toFixed(1)}%; completeness at S/N ≥ 10: ${(100 * r.completenessSnr10).toFixed(1)}%; ` +
        `false per visit-detector: ${r.falsePerVisitDetector.toFixed(2)} (${r.falsePerVisitDetectorBefore.toFixed(2)} before the cut)`,
    );
  return lines.join('\n');
}
