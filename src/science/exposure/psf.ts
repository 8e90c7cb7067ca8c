import { PromptlyError } from '../../core/errors.js';
import type { Cards, CardValue } from '../../fits/index.js';

/** A PROMPTLY_E_EXPOSURE_INVALID error about a PSF model or request. */
export function invalidPsf(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_EXPOSURE_INVALID', message);
}

/**
 * A point-spread-function model attached to an exposure. Implementations are plain objects
 * (analytic profiles here, a pixelized kernel in `pixel-psf.ts`; the calibrate step may add a
 * spatially varying one). Pixel coordinates are 0-based detector pixels, pixel centres at
 * integers, x along rows.
 */
export interface Psf {
  /** Model family, written as the PSFMODEL card; a {@link PsfReader} of the same kind reads it. */
  readonly kind: string;
  /**
   * FWHM at the detector position {@link Psf.kernelImage} is asked for by default (the
   * centre), pixels; for an elliptical profile the geometric mean of major and minor FWHM.
   */
  readonly fwhmPx: number;
  /**
   * The unit-sum PSF image for a source at detector position (x, y), on a `(2r+1)²` grid whose
   * centre pixel is the pixel nearest the source; `(dx, dy)` ∈ [−0.5, 0.5] is the source's
   * sub-pixel offset from that centre. Written into `out` when given (length `(2r+1)²`).
   */
  kernelImage(request: KernelRequest, out?: Float64Array): Float64Array;
  /** How the model is stored in an exposure FITS file. */
  toFits(): PsfFits;
}

/** What {@link Psf.kernelImage} renders. */
export interface KernelRequest {
  /** Half-size of the kernel, pixels (integer ≥ 1): the image is `(2r+1)²`. */
  readonly radiusPx: number;
  /** Detector position, 0-based pixels; default the model's reference (centre) position. */
  readonly x?: number;
  readonly y?: number;
  /** Sub-pixel offset of the source from the central pixel, pixels, each in [−0.5, 0.5]. Default 0. */
  readonly dx?: number;
  readonly dy?: number;
}

/** A PSF as header cards (PSF* keywords, primary HDU) and, optionally, images in PSF HDUs. */
export interface PsfFits {
  /** Cards, starting with `['PSFMODEL', kind]`; keywords of ≤ 8 characters. */
  readonly cards: Cards;
  /** Extra float32 images written as extensions with EXTNAME `PSF`, in order. */
  readonly images?: readonly PsfImage[];
}

/** An image stored with a PSF model (e.g. a pixelized kernel). */
export interface PsfImage {
  readonly width: number;
  readonly height: number;
  readonly pixels: Float32Array;
}

/** Reads a PSF of one kind back from its cards (a primary header's values) and images. */
export interface PsfReader {
  readonly kind: string;
  read(cards: PsfCardSource, images: readonly PsfImage[]): Psf;
}

/** The header values a {@link PsfReader} sees (e.g. the primary `Header`). */
export interface PsfCardSource {
  get(keyword: string): CardValue | undefined;
}

/** FWHM / σ of a Gaussian, 2√(2 ln 2). */
export const GAUSSIAN_FWHM_PER_SIGMA = 2 * Math.sqrt(2 * Math.LN2);

/** Samples per pixel side when an analytic profile is integrated over a pixel. */
const SUBSAMPLE = 4;

/** The kernel side for a radius, checked. */
export function kernelSide(radiusPx: number): number {
  if (!Number.isInteger(radiusPx) || radiusPx < 1 || radiusPx > 512) {
    throw invalidPsf(`kernel radius must be an integer in [1, 512], got ${radiusPx}`);
  }
  return 2 * radiusPx + 1;
}

/** A `(2r+1)²` output array, reused when `out` has the right length. */
export function kernelBuffer(radiusPx: number, out?: Float64Array): Float64Array {
  const side = kernelSide(radiusPx);
  if (out !== undefined && out.length === side * side) return out;
  if (out !== undefined) {
    throw invalidPsf(`kernel buffer holds ${out.length} values, expected ${side * side}`);
  }
  return new Float64Array(side * side);
}

/** Divides `k` by its sum (no-op when the sum is not positive). */
export function normalizeKernel(k: Float64Array): Float64Array {
  let s = 0;
  for (let i = 0; i < k.length; i++) s += k[i]!;
  if (s > 0) for (let i = 0; i < k.length; i++) k[i] = k[i]! / s;
  return k;
}

/**
 * Renders a radial profile `f(ρ²)` of the elliptical radius ρ (in units of the profile's
 * scale) into a unit-sum kernel, averaging SUBSAMPLE² points per pixel. `scale` is the
 * geometric-mean scale (pixels), `e` = 1 − b/a, `paRad` the major-axis angle from +x to +y.
 */
export function renderElliptical(
  f: (rho2: number) => number,
  scale: number,
  e: number,
  paRad: number,
  request: KernelRequest,
  out?: Float64Array,
): Float64Array {
  const r = request.radiusPx;
  const k = kernelBuffer(r, out);
  const side = 2 * r + 1;
  const dx = request.dx ?? 0;
  const dy = request.dy ?? 0;
  if (!(Math.abs(dx) <= 0.5) || !(Math.abs(dy) <= 0.5)) {
    throw invalidPsf(`sub-pixel offsets must be in [-0.5, 0.5], got (${dx}, ${dy})`);
  }
  const q = Math.sqrt(1 - e);
  const ia = q / scale; // 1 / major-axis scale
  const ib = 1 / (q * scale); // 1 / minor-axis scale
  const c = Math.cos(paRad);
  const s = Math.sin(paRad);
  const step = 1 / SUBSAMPLE;
  for (let j = 0; j < side; j++) {
    for (let i = 0; i < side; i++) {
      let acc = 0;
      for (let sj = 0; sj < SUBSAMPLE; sj++) {
        const y = j - r - dy - 0.5 + (sj + 0.5) * step;
        for (let si = 0; si < SUBSAMPLE; si++) {
          const x = i - r - dx - 0.5 + (si + 0.5) * step;
          const u = (x * c + y * s) * ia;
          const v = (-x * s + y * c) * ib;
          acc += f(u * u + v * v);
        }
      }
      k[j * side + i] = acc;
    }
  }
  return normalizeKernel(k);
}

/** Parameters of an analytic elliptical profile. */
export interface AnalyticPsfParams {
  /** Geometric-mean FWHM, pixels, > 0. */
  readonly fwhmPx: number;
  /** Ellipticity 1 − b/a, in [0, 1). Default 0. */
  readonly ellipticity?: number;
  /** Major-axis position angle, degrees from +x towards +y. Default 0. */
  readonly positionAngleDeg?: number;
}

function checkAnalytic(p: AnalyticPsfParams): { e: number; pa: number } {
  const e = p.ellipticity ?? 0;
  const pa = p.positionAngleDeg ?? 0;
  if (!(p.fwhmPx > 0) || !Number.isFinite(p.fwhmPx)) {
    throw invalidPsf(`PSF FWHM must be a finite number > 0 pixels, got ${p.fwhmPx}`);
  }
  if (!(e >= 0 && e < 1)) throw invalidPsf(`PSF ellipticity must be in [0, 1), got ${e}`);
  if (!Number.isFinite(pa)) throw invalidPsf(`PSF position angle must be finite, got ${pa}`);
  return { e, pa };
}

/** An elliptical Gaussian PSF. */
export interface GaussianPsf extends Psf {
  readonly kind: 'GAUSSIAN';
  readonly ellipticity: number;
  readonly positionAngleDeg: number;
}

/** An elliptical Gaussian of geometric-mean FWHM `fwhmPx` (σ = FWHM / 2.3548). */
export function gaussianPsf(params: AnalyticPsfParams): GaussianPsf {
  const { e, pa } = checkAnalytic(params);
  const sigma = params.fwhmPx / GAUSSIAN_FWHM_PER_SIGMA;
  return Object.freeze({
    kind: 'GAUSSIAN' as const,
    fwhmPx: params.fwhmPx,
    ellipticity: e,
    positionAngleDeg: pa,
    kernelImage: (req: KernelRequest, out?: Float64Array) =>
      renderElliptical((r2) => Math.exp(-0.5 * r2), sigma, e, (pa * Math.PI) / 180, req, out),
    toFits: (): PsfFits => ({ cards: analyticCards('GAUSSIAN', params.fwhmPx, e, pa) }),
  });
}

/** An elliptical Moffat PSF, I ∝ (1 + ρ²/α²)^−β. */
export interface MoffatPsf extends Psf {
  readonly kind: 'MOFFAT';
  readonly beta: number;
  readonly ellipticity: number;
  readonly positionAngleDeg: number;
}

/** An elliptical Moffat of geometric-mean FWHM `fwhmPx` and index `beta` (> 1, default 3.5). */
export function moffatPsf(params: AnalyticPsfParams & { readonly beta?: number }): MoffatPsf {
  const { e, pa } = checkAnalytic(params);
  const beta = params.beta ?? 3.5;
  if (!(beta > 1) || !Number.isFinite(beta)) {
    throw invalidPsf(`Moffat beta must be a finite number > 1, got ${beta}`);
  }
  const alpha = params.fwhmPx / (2 * Math.sqrt(Math.pow(2, 1 / beta) - 1));
  return Object.freeze({
    kind: 'MOFFAT' as const,
    fwhmPx: params.fwhmPx,
    beta,
    ellipticity: e,
    positionAngleDeg: pa,
    kernelImage: (req: KernelRequest, out?: Float64Array) =>
      renderElliptical((r2) => Math.pow(1 + r2, -beta), alpha, e, (pa * Math.PI) / 180, req, out),
    toFits: (): PsfFits => ({
      cards: [
        ...analyticCards('MOFFAT', params.fwhmPx, e, pa),
        ['PSFBETA', beta, 'Moffat index beta'],
      ],
    }),
  });
}

function analyticCards(kind: string, fwhm: number, e: number, pa: number): Cards {
  return [
    ['PSFMODEL', kind, 'PSF model family'],
    ['PSFFWHM', fwhm, '[pixel] PSF FWHM (geometric mean of axes)'],
    ['PSFELLIP', e, 'PSF ellipticity 1 - b/a'],
    ['PSFPA', pa, '[deg] PSF major axis angle from +x towards +y'],
  ];
}
