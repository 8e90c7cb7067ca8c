import { medianInPlace } from '../robust-stats.js';

/**
 * Features of one DIA source for the real/bogus (reliability) score, from its catalog row and
 * its three postage stamps (difference, science, warped template). Pure and allocation-light;
 * every feature is finite and bounded, so a model never sees NaN. The source is looked at with
 * its own sign: a decrement's difference is negated first, so "the source" is always positive.
 *
 * Radii scale with σ, the Gaussian σ of the difference's PSF, pixels:
 * aperture `R_ap = max(2, 2σ)`, PSF disc `R_psf = max(3, 3σ)`, neighbourhood `R_nb = max(4, 4σ)`.
 * Science and template are measured above their stamp's median outside `R_nb` (the local sky).
 *
 * | feature | what it is | real | bogus |
 * |---|---|---|---|
 * | `log10Snr` | log10 of the detection S/N, clamped to [1, 1e5] | | |
 * | `psfCorrelation` | Pearson correlation, in `R_psf`, of the difference with a Gaussian of σ at the source's centroid; [−1, 1] | near 1 | noise, columns, cosmic rays lower |
 * | `log10PeakRatio` | log10 of peak pixel (within 1.5 px) × 2πσ² / flux in `R_psf`: 0 for the PSF, clamped to [−2, 2] | ≈ 0 | cosmic ray > 0, extended < 0 |
 * | `oppositeFraction` | flux of the opposite sign / all absolute flux in `R_nb`; [0, 1] | small | dipole ≈ 0.5 |
 * | `oppositePeakRatio` | deepest opposite-sign pixel / highest pixel in `R_nb`; [0, 2] | small | dipole ≈ 1 |
 * | `log10Elongation` | log10 of a/b from the catalog's second moments; [0, 2] | ≈ 0 | trails, dipoles, columns |
 * | `log10WidthRatio` | log10 of √(ab)/σ; [−1.3, 1.3] | ≈ 0 | cosmic ray < 0, blends > 0 |
 * | `diffOverBrighter` | \|difference flux\| / the brightest of it, science and template flux in `R_ap`; [0, 1] | new source ≈ 1 | residual of a star or galaxy core ≪ 1 |
 * | `templateFraction` | template flux / (\|science\| + \|template\|) in `R_ap`; [−1, 1] | new source ≈ 0 | star residual ≈ 0.5 |
 * | `nonFiniteFraction` | share of non-finite pixels of any stamp in `R_nb`; [0, 1] | 0 | masked, off the detector |
 * | `edgeDistance` | distance to the nearest non-finite difference pixel or the stamp's border / half the stamp; [0, 1] | 1 | near the detector's edge |
 * | `columnFraction` | mean difference in the 3-pixel column through the source beyond `R_nb` / the same within `R_ap`; [−1, 2] | ≈ 0 | bad column ≈ 1 |
 * | `rowFraction` | the same along the row; [−1, 2] | ≈ 0 | bad row, bleed ≈ 1 |
 * | `isNegative` | 1 for a decrement | | |
 * | `flagEdge`, `flagSaturated`, `flagNonFinite` | the catalog's EDGE, SATURATED, NON_FINITE bits | 0 | 1 |
 */

/** The feature names, in the order {@link reliabilityFeatures} returns them. */
export const RELIABILITY_FEATURES = [
  'log10Snr',
  'psfCorrelation',
  'log10PeakRatio',
  'oppositeFraction',
  'oppositePeakRatio',
  'log10Elongation',
  'log10WidthRatio',
  'diffOverBrighter',
  'templateFraction',
  'nonFiniteFraction',
  'edgeDistance',
  'columnFraction',
  'rowFraction',
  'isNegative',
  'flagEdge',
  'flagSaturated',
  'flagNonFinite',
] as const;

export type ReliabilityFeature = (typeof RELIABILITY_FEATURES)[number];

/** A source's catalog row, as `diaSrc` holds it. */
export interface ReliabilitySourceRow {
  /** Centroid, detector pixels (0-based). */
  readonly x: number;
  readonly y: number;
  /** |flux| / error of the detection. */
  readonly snr: number;
  /** Second-moment semi-axes, pixels. */
  readonly a: number;
  readonly b: number;
  /** OR of SOURCE_FLAGS bits (EDGE 1, SATURATED 2, NON_FINITE 4). */
  readonly flags: number;
  readonly isNegative: boolean;
}

/** The three stamps of one source: `size × size` float32, row-major, first pixel (x0, y0). */
export interface ReliabilityStamps {
  readonly size: number;
  readonly x0: number;
  readonly y0: number;
  readonly difference: ArrayLike<number>;
  readonly science: ArrayLike<number>;
  readonly template: ArrayLike<number>;
}

const FLAG_EDGE = 1;
const FLAG_SATURATED = 2;
const FLAG_NON_FINITE = 4;

const clamp = (v: number, lo: number, hi: number, fallback: number): number =>
  Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : fallback;

/** Median of the finite pixels of `plane` farther than `r` from (cx, cy); 0 when none. */
function localSky(
  plane: ArrayLike<number>,
  size: number,
  cx: number,
  cy: number,
  r: number,
  scratch: Float64Array,
): number {
  let n = 0;
  for (let j = 0; j < size; j++)
    for (let i = 0; i < size; i++) {
      const v = plane[j * size + i]!;
      if (Number.isFinite(v) && (i - cx) ** 2 + (j - cy) ** 2 > r * r) scratch[n++] = v;
    }
  return n > 0 ? medianInPlace(scratch, n) : 0;
}

/**
 * The {@link RELIABILITY_FEATURES} of one source (see the module comment), given the Gaussian
 * σ of the difference's PSF in pixels (> 0).
 */
export function reliabilityFeatures(
  row: ReliabilitySourceRow,
  stamps: ReliabilityStamps,
  psfSigmaPx: number,
): Float64Array {
  const { size } = stamps;
  const sigma = Number.isFinite(psfSigmaPx) && psfSigmaPx > 0 ? psfSigmaPx : 1;
  const sign = row.isNegative ? -1 : 1;
  const cx = row.x - stamps.x0;
  const cy = row.y - stamps.y0;
  const rAp = Math.max(2, 2 * sigma);
  const rPsf = Math.max(3, 3 * sigma);
  const rNb = Math.max(4, 4 * sigma);
  const scratch = new Float64Array(size * size);
  const skySci = localSky(stamps.science, size, cx, cy, rNb, scratch);
  const skyTpl = localSky(stamps.template, size, cx, cy, rNb, scratch);

  // one pass over the stamp for every sum
  let sg = 0;
  let sd = 0;
  let sgg = 0;
  let sdd = 0;
  let sgd = 0;
  let nPsf = 0;
  let totalPsf = 0;
  let peak = -Infinity;
  let pos = 0;
  let neg = 0;
  let highest = -Infinity;
  let deepest = 0;
  let nNb = 0;
  let badNb = 0;
  let apDiff = 0;
  let apSci = 0;
  let apTpl = 0;
  let nearestBad2 = Infinity;
  let colFar = 0;
  let colFarN = 0;
  let colNear = 0;
  let colNearN = 0;
  let rowFar = 0;
  let rowFarN = 0;
  let rowNear = 0;
  let rowNearN = 0;
  const ic = Math.round(cx);
  const jc = Math.round(cy);
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      const p = j * size + i;
      const d = sign * stamps.difference[p]!;
      const s = stamps.science[p]!;
      const t = stamps.template[p]!;
      const dx = i - cx;
      const dy = j - cy;
      const r2 = dx * dx + dy * dy;
      const finite = Number.isFinite(d);
      if (!finite) nearestBad2 = Math.min(nearestBad2, r2);
      if (r2 <= rNb * rNb) {
        nNb++;
        if (!finite || !Number.isFinite(s) || !Number.isFinite(t)) badNb++;
        if (finite) {
          if (d > 0) pos += d;
          else neg -= d;
          if (d > highest) highest = d;
          if (-d > deepest) deepest = -d;
        }
      }
      if (!finite) continue;
      if (r2 <= rPsf * rPsf) {
        const g = Math.exp(-r2 / (2 * sigma * sigma));
        sg += g;
        sd += d;
        sgg += g * g;
        sdd += d * d;
        sgd += g * d;
        nPsf++;
        totalPsf += d;
      }
      if (r2 <= 1.5 * 1.5 && d > peak) peak = d;
      if (r2 <= rAp * rAp) {
        apDiff += d;
        if (Number.isFinite(s)) apSci += s - skySci;
        if (Number.isFinite(t)) apTpl += t - skyTpl;
      }
      if (Math.abs(i - ic) <= 1) {
        if (Math.abs(dy) > rNb) {
          colFar += d;
          colFarN++;
        } else if (Math.abs(dy) <= rAp) {
          colNear += d;
          colNearN++;
        }
      }
      if (Math.abs(j - jc) <= 1) {
        if (Math.abs(dx) > rNb) {
          rowFar += d;
          rowFarN++;
        } else if (Math.abs(dx) <= rAp) {
          rowNear += d;
          rowNearN++;
        }
      }
    }
  }

  const cov = sgd - (sg * sd) / Math.max(1, nPsf);
  const varG = sgg - (sg * sg) / Math.max(1, nPsf);
  const varD = sdd - (sd * sd) / Math.max(1, nPsf);
  const psfCorrelation =
    nPsf >= 3 && varG > 0 && varD > 0 ? clamp(cov / Math.sqrt(varG * varD), -1, 1, 0) : 0;
  const peakRatio =
    totalPsf > 0 && peak > 0 ? Math.log10((peak * 2 * Math.PI * sigma * sigma) / totalPsf) : 2;
  const strip = (far: number, farN: number, near: number, nearN: number): number => {
    const nearMean = nearN > 0 ? near / nearN : 0;
    if (!(nearMean > 0) || farN === 0) return 0;
    return clamp(far / farN / nearMean, -1, 2, 0);
  };
  const brightest = Math.max(Math.abs(apDiff), apSci, apTpl);
  const half = size / 2;
  const border = Math.min(cx + 0.5, cy + 0.5, size - 0.5 - cx, size - 0.5 - cy);
  const edge = Math.min(Math.sqrt(nearestBad2), border);
  const elongation = row.a > 0 && row.b > 0 ? row.a / row.b : row.a > 0 ? 100 : 1;
  const width = row.a > 0 && row.b > 0 ? Math.sqrt(row.a * row.b) / sigma : 0.05;
  return Float64Array.of(
    Math.log10(clamp(row.snr, 1, 1e5, 1)),
    psfCorrelation,
    clamp(peakRatio, -2, 2, 2),
    pos + neg > 0 ? clamp(neg / (pos + neg), 0, 1, 0) : 0,
    highest > 0 ? clamp(deepest / highest, 0, 2, 0) : 2,
    Math.log10(clamp(elongation, 1, 100, 100)),
    Math.log10(clamp(width, 0.05, 20, 0.05)),
    brightest > 0 ? clamp(Math.abs(apDiff) / brightest, 0, 1, 0) : 0,
    Math.abs(apSci) + Math.abs(apTpl) > 0
      ? clamp(apTpl / (Math.abs(apSci) + Math.abs(apTpl)), -1, 1, 0)
      : 0,
    nNb > 0 ? badNb / nNb : 1,
    clamp(edge / half, 0, 1, 0),
    strip(colFar, colFarN, colNear, colNearN),
    strip(rowFar, rowFarN, rowNear, rowNearN),
    row.isNegative ? 1 : 0,
    row.flags & FLAG_EDGE ? 1 : 0,
    row.flags & FLAG_SATURATED ? 1 : 0,
    row.flags & FLAG_NON_FINITE ? 1 : 0,
  );
}
