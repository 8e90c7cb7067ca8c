import {
  fitDipole,
  fitPsf,
  fitPsfWidth,
  fitTrail,
  forcedModelFluxes,
  forcedPsfFluxes,
} from '../../science/dia/index.js';
import type { Psf } from '../../science/exposure/psf.js';
import { PSF_MODEL_RADIUS_PX } from './calibrate-task.js';
import { apertureSum, FWHM_PER_SIGMA, medianInPlace, type Image } from '../../science/index.js';

/**
 * Model fits of DIA sources on the difference image, beyond detection's moments and aperture:
 * PSF flux (position refined by the fit, flux forced at that centroid), a trail fit for
 * elongated sources, a dipole fit for each positive source with a negative one close by, and
 * forced PSF flux on the science image. Fluxes are e⁻ (negative for a decrement), lengths
 * pixels, angles radians from +x towards +y; NaN (count 0) where a fit was not made.
 */
export interface DiaMeasurements {
  readonly psfFlux: Float64Array;
  readonly psfFluxErr: Float64Array;
  readonly psfChi2: Float64Array;
  readonly psfNdata: Int32Array;
  readonly trailFlux: Float64Array;
  readonly trailFluxErr: Float64Array;
  readonly trailLength: Float64Array;
  readonly trailAngle: Float64Array;
  readonly trailNdata: Int32Array;
  readonly dipoleMeanFlux: Float64Array;
  readonly dipoleFluxDiff: Float64Array;
  readonly dipoleLength: Float64Array;
  readonly dipoleAngle: Float64Array;
  readonly dipoleChi2: Float64Array;
  readonly dipoleNdata: Int32Array;
  /** 1 where the dipole fit found both lobes at ≥ 3σ. */
  readonly isDipole: Uint8Array;
  readonly scienceFlux: Float64Array;
  readonly scienceFluxErr: Float64Array;
}

/** The measurement columns, in one place: name, and whether the column holds integers. */
export const DIA_MEASUREMENT_COLUMNS = [
  ['psfFlux', 'f'],
  ['psfFluxErr', 'f'],
  ['psfChi2', 'f'],
  ['psfNdata', 'i'],
  ['trailFlux', 'f'],
  ['trailFluxErr', 'f'],
  ['trailLength', 'f'],
  ['trailAngle', 'f'],
  ['trailNdata', 'i'],
  ['dipoleMeanFlux', 'f'],
  ['dipoleFluxDiff', 'f'],
  ['dipoleLength', 'f'],
  ['dipoleAngle', 'f'],
  ['dipoleChi2', 'f'],
  ['dipoleNdata', 'i'],
  ['isDipole', 'u'],
  ['scienceFlux', 'f'],
  ['scienceFluxErr', 'f'],
] as const satisfies readonly (readonly [keyof DiaMeasurements, 'f' | 'i' | 'u'])[];

/** Empty measurements of `n` sources: NaN fluxes, zero counts. */
export function emptyMeasurements(n: number): DiaMeasurements {
  const out: Record<string, Float64Array | Int32Array | Uint8Array> = {};
  for (const [name, kind] of DIA_MEASUREMENT_COLUMNS)
    out[name] =
      kind === 'f'
        ? new Float64Array(n).fill(NaN)
        : kind === 'i'
          ? new Int32Array(n)
          : new Uint8Array(n);
  return out as unknown as DiaMeasurements;
}

/** Bright sources an aperture correction needs, and the S/N that makes one bright. */
const APCORR_MIN_SOURCES = 3;
const APCORR_MIN_SNR = 20;

/**
 * Aperture correction of the PSF fluxes: the difference's PSF is not quite the Gaussian they
 * were fitted with (its width is fitted, see {@link differencePsfWidth}, its shape is not), so
 * PSF fluxes of point sources are off by a common factor. It is the median, over the bright
 * sources that are neither trailed nor half of a dipole, of the flux in a 3-FWHM circle over
 * the PSF flux (ratios outside [0.5, 2] are blends or star residuals and do not vote), as
 * Rubin corrects PSF fluxes to a large aperture. Applied to every PSF flux and its error;
 * returned, or undefined when fewer than 3 sources could measure it.
 */
function correctToAperture(
  m: DiaMeasurements,
  input: DiaMeasureInput,
  x: Float64Array,
  y: Float64Array,
  isNegative: Uint8Array,
): number | undefined {
  // an aperture that holds nearly all of a point source's flux: 3 FWHM, at least 6 px
  const radius = Math.max(6, 3 * input.psfSigmaPx * FWHM_PER_SIGMA);
  const ratios: number[] = [];
  for (let k = 0; k < x.length; k++) {
    const psf = m.psfFlux[k]!;
    const err = m.psfFluxErr[k]!;
    if (!(Math.abs(psf) >= APCORR_MIN_SNR * err)) continue;
    if (m.trailNdata[k]! > 0 || m.dipoleNdata[k]! > 0) continue;
    if (Math.sign(psf) !== (isNegative[k] ? -1 : 1)) continue;
    const image = isNegative[k] ? input.negated : input.difference;
    const ap = apertureSum(image.data, undefined, image.width, image.height, x[k]!, y[k]!, radius);
    if (ap.truncated) continue;
    const ratio = ap.sum / Math.abs(psf);
    // a blend or a residual of a star is no point source: keep plausible ratios only
    if (ratio >= 0.5 && ratio <= 2) ratios.push(ratio);
  }
  if (ratios.length < APCORR_MIN_SOURCES) return undefined;
  ratios.sort((a, b) => a - b);
  const factor = ratios[ratios.length >> 1]!;
  for (let k = 0; k < x.length; k++) {
    m.psfFlux[k] = m.psfFlux[k]! * factor;
    m.psfFluxErr[k] = m.psfFluxErr[k]! * factor;
  }
  return factor;
}

/** S/N of the sources that measure the difference's PSF width, and their roundness (a/b). */
const WIDTH_MIN_SNR = 20;
const WIDTH_MAX_AXIS_RATIO = 1.3;
/** The width is searched within this factor of the assumed one either way. */
const WIDTH_RANGE = 1.6;

/**
 * The Gaussian σ of the difference's PSF, pixels: the median of the widths fitted to its bright
 * round sources, or `assumed` (the broader input's σ) when it has none. Decorrelation leaves
 * the difference's PSF sharper than the broader input's, and fluxes fitted with the broader
 * width came out 15–20 % high on the default night.
 */
function differencePsfWidth(
  input: DiaMeasureInput,
  sources: { readonly isNegative: Uint8Array; readonly a: Float64Array; readonly b: Float64Array },
  x: Float64Array,
  y: Float64Array,
  first: DiaMeasurements,
  assumed: number,
): number {
  const widths: number[] = [];
  const bracket = {
    lo: Math.max(0.3, assumed / WIDTH_RANGE),
    hi: Math.min(50, assumed * WIDTH_RANGE),
    radiusPx: Math.max(3, 2.5 * assumed),
  };
  for (let k = 0; k < x.length; k++) {
    if (!(first.psfFlux[k]! >= WIDTH_MIN_SNR * first.psfFluxErr[k]!)) continue;
    const a = sources.a[k]!;
    const b = sources.b[k]!;
    if (!(b > 0 && a / b <= WIDTH_MAX_AXIS_RATIO)) continue;
    const image = sources.isNegative[k] ? input.negated : input.difference;
    const s = fitPsfWidth(image, input.variance, x[k]!, y[k]!, bracket);
    // at the bracket's edge it is a blend, a trail or a star residual, not a point source
    if (s !== undefined && s > bracket.lo * 1.01 && s < bracket.hi * 0.99) widths.push(s);
  }
  return widths.length > 0 ? medianInPlace(Float64Array.from(widths), widths.length) : assumed;
}

/** Sources whose shape is this elongated (a/b) and this long (a in PSF σ) get a trail fit. */
const TRAIL_MIN_AXIS_RATIO = 1.5;
const TRAIL_MIN_MAJOR_SIGMAS = 1.3;
/** A negative source within this many PSF FWHM of a positive one makes a dipole candidate. */
const DIPOLE_MAX_SEPARATION_FWHM = 2.5;

export interface DiaMeasureInput {
  readonly difference: Image;
  /** The difference with its sign flipped (decrements as positive sources). */
  readonly negated: Image;
  readonly variance: Image;
  /** Gaussian σ of the difference's PSF, pixels. */
  readonly psfSigmaPx: number;
  /** Background-subtracted science image, its variance, PSF σ and model, for forced photometry. */
  readonly science?: {
    readonly image: Image;
    readonly variance: Image;
    readonly psfSigmaPx: number;
    readonly psf?: Psf;
  };
}

/**
 * Measures every source (x, y, sign, second-moment shape a, b, θ); returns the measurements
 * and the centroids the PSF fit refined (kept where the fit did not converge or moved more
 * than 1.5 px, which a blend or a trail can do).
 */
export function measureDia(
  input: DiaMeasureInput,
  sources: {
    readonly x: Float64Array;
    readonly y: Float64Array;
    readonly isNegative: Uint8Array;
    readonly a: Float64Array;
    readonly b: Float64Array;
    readonly theta: Float64Array;
  },
): {
  measurements: DiaMeasurements;
  x: Float64Array;
  y: Float64Array;
  /** Factor the PSF fluxes were scaled by, when enough bright sources measured it. */
  apertureCorrection: number | undefined;
  /** Gaussian σ of the PSF the fluxes were fitted with, pixels (measured on the difference). */
  psfSigmaPx: number;
} {
  const n = sources.x.length;
  const m = emptyMeasurements(n);
  const x = Float64Array.from(sources.x);
  const y = Float64Array.from(sources.y);
  const assumed = Math.min(50, Math.max(0.3, input.psfSigmaPx));
  // centroids (and a first flux, which picks the bright sources) with the assumed width
  for (let k = 0; k < n; k++) {
    const image = sources.isNegative[k] ? input.negated : input.difference;
    const fit = fitPsf(image, input.variance, x[k]!, y[k]!, { sigmaPx: assumed });
    if (fit?.converged && Math.hypot(fit.x - x[k]!, fit.y - y[k]!) <= 1.5) {
      x[k] = fit.x;
      y[k] = fit.y;
    }
    if (fit) {
      m.psfFlux[k] = fit.flux;
      m.psfFluxErr[k] = fit.fluxErr;
    }
  }
  const sigma = differencePsfWidth(input, sources, x, y, m, assumed);
  for (let k = 0; k < n; k++) {
    const sign = sources.isNegative[k] ? -1 : 1;
    const image = sign > 0 ? input.difference : input.negated;
    m.psfFlux[k] = NaN;
    m.psfFluxErr[k] = NaN;
    const forced = fitPsf(image, input.variance, x[k]!, y[k]!, {
      sigmaPx: sigma,
      fitPosition: false,
    });
    if (forced) {
      m.psfFlux[k] = sign * forced.flux;
      m.psfFluxErr[k] = forced.fluxErr;
      m.psfChi2[k] = forced.chi2;
      m.psfNdata[k] = forced.ndata;
    }
    const a = sources.a[k]!;
    const b = sources.b[k]!;
    if (b > 0 && a / b >= TRAIL_MIN_AXIS_RATIO && a >= TRAIL_MIN_MAJOR_SIGMAS * sigma) {
      const trail = fitTrail(
        image,
        input.variance,
        { x: x[k]!, y: y[k]!, majorPx: a, angleRad: sources.theta[k]! },
        sigma,
      );
      if (trail) {
        m.trailFlux[k] = sign * trail.flux;
        m.trailFluxErr[k] = trail.fluxErr;
        m.trailLength[k] = trail.lengthPx;
        m.trailAngle[k] = trail.angleRad;
        m.trailNdata[k] = trail.ndata;
      }
    }
  }
  // dipoles: each positive source with its nearest free negative one, nearest pairs first
  const maxSep = DIPOLE_MAX_SEPARATION_FWHM * sigma * FWHM_PER_SIGMA;
  const pairs: { p: number; q: number; d: number }[] = [];
  for (let p = 0; p < n; p++) {
    if (sources.isNegative[p]) continue;
    for (let q = 0; q < n; q++) {
      if (!sources.isNegative[q]) continue;
      const d = Math.hypot(x[p]! - x[q]!, y[p]! - y[q]!);
      if (d <= maxSep) pairs.push({ p, q, d });
    }
  }
  pairs.sort((u, v) => u.d - v.d || u.p - v.p || u.q - v.q);
  const used = new Set<number>();
  for (const { p, q } of pairs) {
    if (used.has(p) || used.has(q)) continue;
    used.add(p);
    used.add(q);
    const fit = fitDipole(
      input.difference,
      input.variance,
      { x: x[p]!, y: y[p]! },
      { x: x[q]!, y: y[q]! },
      sigma,
    );
    if (!fit) continue;
    const errPos = m.psfFluxErr[p]!;
    const errNeg = m.psfFluxErr[q]!;
    const both = fit.fluxPos >= 3 * errPos && fit.fluxNeg >= 3 * errNeg ? 1 : 0;
    for (const k of [p, q]) {
      m.dipoleMeanFlux[k] = fit.meanFlux;
      m.dipoleFluxDiff[k] = fit.fluxDiff;
      m.dipoleLength[k] = fit.lengthPx;
      m.dipoleAngle[k] = fit.angleRad;
      m.dipoleChi2[k] = fit.chi2;
      m.dipoleNdata[k] = fit.ndata;
      m.isDipole[k] = both;
    }
  }
  // after the dipole fits: a dipole's lobes cancel in the aperture, and must not vote
  const apertureCorrection = correctToAperture(m, input, x, y, sources.isNegative);
  if (input.science) {
    const s = input.science;
    const forced = s.psf
      ? forcedModelFluxes(s.image, s.variance, x, y, s.psf, PSF_MODEL_RADIUS_PX)
      : forcedPsfFluxes(s.image, s.variance, x, y, Math.min(50, Math.max(0.3, s.psfSigmaPx)));
    m.scienceFlux.set(forced.flux);
    m.scienceFluxErr.set(forced.fluxErr);
  }
  return { measurements: m, x, y, apertureCorrection, psfSigmaPx: sigma };
}
