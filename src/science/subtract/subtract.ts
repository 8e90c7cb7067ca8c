import { PromptlyError, isPromptlyError } from '../../core/errors.js';
import type { Image } from '../image.js';
import { medianInPlace } from '../robust-stats.js';
import { MASK_NO_DATA } from '../warp/index.js';
import { applyKernel } from './apply-kernel.js';
import { createKernelBasis } from './kernel-basis.js';
import { fitKernel, kernelImageAt, type KernelSolution, type StampFit } from './kernel-fit.js';
import { dilateMaskOr } from './mask-dilate.js';
import { adaptiveSigma, sampledLevel, selectStamps, type MaskedPlanes } from './star-stamps.js';
import { withoutVariableStars } from './stamp-photometry.js';
import { maskBit } from '../exposure/mask-planes.js';

/**
 * DIFF_EDGE (bit 9, 0x200, the exposure model's plane of that name) on a difference image:
 * within the kernel half-width of the detector edge, where the convolution lacks input. Such
 * pixels are NaN. Bit 8 is {@link MASK_NO_DATA}.
 */
export const MASK_DIFF_EDGE = maskBit('DIFF_EDGE');

/** An image with its variance (units²) and optional mask bits, all the same size. */
export interface MaskedExposure {
  readonly image: Image;
  readonly variance: Image;
  readonly mask?: Uint32Array | undefined;
}

/** Options of {@link subtractImages}. */
export interface SubtractOptions {
  /** Differencing method. Only 'alard-lupton' is implemented. Default 'alard-lupton'. */
  readonly method?: 'alard-lupton';
  /** Whiten the difference's noise (Reiss & Lupton 2016 afterburner). Default true. */
  readonly decorrelate?: boolean;
  /** Which image to convolve: the sharper one by default ('auto'). */
  readonly convolve?: 'auto' | 'template' | 'science';
  /** Spatial order of the kernel shape across the detector, 0–2. Default 2. */
  readonly spatialKernelOrder?: number;
  /** Order of the differential background polynomial, 0–2. Default 1. */
  readonly backgroundOrder?: number;
  /** Polynomial degree per basis Gaussian. Default [6, 4, 2]. */
  readonly basisDegrees?: readonly number[];
  /** Basis Gaussian σ as multiples of the matching σ = sqrt(σ_broad² − σ_sharp²). Default [0.5, 1, 2]. */
  readonly basisSigmaScales?: readonly number[];
  /** Kernel half-width, pixels. Default ceil(3·widest basis σ), within 4…20. */
  readonly kernelHalfWidthPx?: number;
  /** Gaussian PSF σ of each image, pixels; measured on the stamps when absent. */
  readonly psfSigmaPx?: { readonly science: number; readonly template: number };
  /** Star stamps: at most this many (default 150), S/N ≥ stampSnrMin (default 30). */
  readonly maxStamps?: number;
  readonly stampSnrMin?: number;
  /** Pixel value at which a star counts as saturated, image units. Default Infinity. */
  readonly saturation?: number;
  /** Stamp rejection threshold in robust σ of the stamp residual RMS. Default 3. */
  readonly clipSigma?: number;
  /** Output planes to fill instead of allocating (each width × height). */
  readonly out?: { difference?: Float32Array; variance?: Float32Array; mask?: Uint32Array };
}

/** How well the kernel matched, per detector. */
export interface KernelQuality {
  readonly stampsUsed: number;
  readonly stampsRejected: number;
  /** Median and maximum over used stamps of sqrt(χ²/npix): ≈ 1 when residuals are noise. */
  readonly residualRmsMedian: number;
  readonly residualRmsMax: number;
  /** Median |mean stamp residual| in standard errors of that mean. */
  readonly meanResidualSigmaMedian: number;
  /** Σ K (the same everywhere by construction). */
  readonly kernelSum: number;
  /** Spatial order of the kernel fitted: the one asked for, or lower when stars were few. */
  readonly spatialOrder: number;
  /** Kernel second-moment σ at the centre and corners, pixels: its spatial variation. */
  readonly kernelSigmaPx: { readonly min: number; readonly max: number };
}

/** Result of {@link subtractImages}. */
export interface SubtractResult {
  /**
   * science − PSF-matched template, in science flux units whichever image was convolved:
   * D = S − K⊛T − B, or D = (K⊛S + B − T)/ΣK when the science is convolved. A new source in
   * the science is positive. NaN where masked NO_DATA or EDGE.
   */
  readonly difference: Image;
  /** Per-pixel variance of `difference` (exact propagation, decorrelation included). */
  readonly variance: Image;
  /** Science and template masks, the convolved one dilated by the kernel, plus EDGE. */
  readonly mask: Uint32Array;
  readonly kernel: KernelSolution;
  readonly convolved: 'template' | 'science';
  readonly psfSigmaPx: { readonly science: number; readonly template: number };
  readonly stamps: readonly StampFit[];
  readonly quality: KernelQuality;
}

/**
 * PSF-matched image differencing (Alard & Lupton 1998): a spatially varying kernel of Gaussian
 * × polynomial basis functions, fitted by least squares on stamps around bright isolated stars
 * with a differential background and sigma-clipped stamps, convolves the sharper image (the
 * template unless it is the broader); then, by default, the Reiss & Lupton (2016) decorrelation
 * makes the difference's noise white. Images must already share pixel grid (warp first).
 * Throws PROMPTLY_E_IMAGE_GEOMETRY on size mismatch, PROMPTLY_E_KERNEL_FIT_FAILED when too few
 * stars qualify, PROMPTLY_E_SCIENCE_OPTION_INVALID for bad options.
 */
export function subtractImages(
  science: MaskedExposure,
  template: MaskedExposure,
  options: SubtractOptions = {},
): SubtractResult {
  const { width, height } = science.image;
  const n = width * height;
  checkSizes(science, template, width, height);
  if ((options.method ?? 'alard-lupton') !== 'alard-lupton') {
    throw invalid(`unknown subtraction method ${String(options.method)}`);
  }
  const spatialOrder = orderOption(options.spatialKernelOrder ?? 2, 'spatialKernelOrder');
  const backgroundOrder = orderOption(options.backgroundOrder ?? 1, 'backgroundOrder');
  const sci: MaskedPlanes = planes(science);
  const tpl: MaskedPlanes = planes(template);
  const snrMin = options.stampSnrMin ?? 30;
  const maxStamps = options.maxStamps ?? 150;
  const allCandidates = selectStamps(tpl, sci, width, height, {
    maxStamps: 3 * maxStamps,
    gridCells: 5,
    snrMin,
    saturation: options.saturation ?? Infinity,
    marginPx: 41,
    isolationPx: 15,
  });
  const psf = options.psfSigmaPx ?? measureWidths(sci, tpl, width, allCandidates);
  // an aperture of 3 σ of the broader PSF holds ≥ 98 % of either image's flux
  const candidates = withoutVariableStars(
    sci.data,
    tpl.data,
    width,
    height,
    allCandidates,
    3 * Math.max(psf.science, psf.template),
  );
  const convolve = options.convolve ?? 'auto';
  const convolveScience =
    convolve === 'science' || (convolve === 'auto' && psf.template > psf.science);
  const sharp = convolveScience ? psf.science : psf.template;
  const broad = convolveScience ? psf.template : psf.science;
  const matchSigma = Math.sqrt(Math.max(broad * broad - sharp * sharp, 0.25));
  const scales = options.basisSigmaScales ?? [0.5, 1, 2];
  const sigmas = scales.map((s, i) => Math.max(s * matchSigma, 0.4 * (i + 1)));
  const h =
    options.kernelHalfWidthPx ??
    Math.min(20, Math.max(4, Math.ceil(3 * sigmas[sigmas.length - 1]!)));
  const basis = createKernelBasis({
    sigmasPx: sigmas,
    degrees: options.basisDegrees ?? [6, 4, 2],
    halfWidthPx: h,
  });
  const fitHalf = Math.min(19, Math.max(h, Math.ceil(4 * broad)));
  const margin = fitHalf + h + 1;
  const centres = candidates
    .filter((c) => c.x >= margin && c.y >= margin && c.x < width - margin && c.y < height - margin)
    .slice(0, maxStamps);
  const [conv, targ] = convolveScience ? [sci, tpl] : [tpl, sci];
  // Few stars (a small detector, a sparse field): a lower spatial order, down to a constant
  // kernel, rather than no difference at all; the order used is in the quality metric. The
  // differential background gets no higher an order than the kernel: a plane through two
  // stamps' residuals, extrapolated across the detector, put gradients of ±700 e⁻ into
  // differences of the default night and hid every source under the noise they raised.
  let fit: ReturnType<typeof fitKernel> | undefined;
  for (let order = spatialOrder; order >= 0 && !fit; order--) {
    try {
      fit = fitKernel(conv, targ, width, height, centres, basis, {
        spatialOrder: order,
        backgroundOrder: Math.min(backgroundOrder, order),
        fitHalfPx: fitHalf,
        clipSigma: options.clipSigma ?? 3,
      });
    } catch (err) {
      if (order === 0 || !isPromptlyError(err, 'PROMPTLY_E_KERNEL_FIT_FAILED')) throw err;
    }
  }
  if (!fit) throw new PromptlyError('PROMPTLY_E_KERNEL_FIT_FAILED', 'no kernel could be fitted');
  const kernel = fit.solution;
  const difference = outPlane(options.out?.difference, n, 'difference');
  const variance = outPlane(options.out?.variance, n, 'variance');
  applyKernel({
    target: targ.data,
    targetVariance: targ.variance,
    convolved: conv.data,
    convolvedVariance: conv.variance,
    width,
    height,
    solution: kernel,
    decorrelate: options.decorrelate ?? true,
    targetNoiseVariance: sampledLevel(targ.variance).level,
    convolvedNoiseVariance: sampledLevel(conv.variance).level,
    sign: convolveScience ? -1 : 1,
    scale: convolveScience ? kernel.kernelSum : 1,
    difference,
    variance,
  });
  const mask = options.out?.mask ?? new Uint32Array(n);
  if (mask.length !== n) throw geometry(`mask output has ${mask.length} values, expected ${n}`);
  combineMasks(conv.mask, targ.mask, width, height, h, mask, difference, variance);
  return {
    difference: { width, height, data: difference },
    variance: { width, height, data: variance },
    mask,
    kernel,
    convolved: convolveScience ? 'science' : 'template',
    psfSigmaPx: psf,
    stamps: fit.stamps,
    quality: quality(kernel, fit.stamps),
  };
}

function measureWidths(
  sci: MaskedPlanes,
  tpl: MaskedPlanes,
  width: number,
  centres: ReadonlyArray<{ x: number; y: number }>,
): { science: number; template: number } {
  const use = centres.slice(0, 50);
  const one = (p: MaskedPlanes): number => {
    const level = sampledLevel(p.data).level;
    const s = Float64Array.from(
      use.map((c) => adaptiveSigma(p.data, width, c.x, c.y, level, 12)).filter(Number.isFinite),
    );
    return medianInPlace(s, s.length);
  };
  const science = one(sci);
  const template = one(tpl);
  if (!(science > 0) || !(template > 0)) {
    throw new PromptlyError(
      'PROMPTLY_E_KERNEL_FIT_FAILED',
      `could not measure PSF widths on ${use.length} stars`,
    );
  }
  return { science, template };
}

function combineMasks(
  conv: Uint32Array | undefined,
  targ: Uint32Array | undefined,
  width: number,
  height: number,
  h: number,
  out: Uint32Array,
  diff: Float32Array,
  variance: Float32Array,
): void {
  if (conv !== undefined) {
    dilateMaskOr(conv, width, height, h, out);
  } else {
    out.fill(0);
  }
  if (targ !== undefined) for (let i = 0; i < out.length; i++) out[i] = out[i]! | targ[i]!;
  for (let y = 0; y < height; y++) {
    const edgeRow = y < h || y >= height - h;
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (edgeRow || x < h || x >= width - h) out[i] = out[i]! | MASK_DIFF_EDGE;
      if ((out[i]! & (MASK_DIFF_EDGE | MASK_NO_DATA)) !== 0) {
        diff[i] = NaN;
        variance[i] = NaN;
      }
    }
  }
}

function quality(kernel: KernelSolution, stamps: readonly StampFit[]): KernelQuality {
  const used = stamps.filter((s) => s.used);
  const rms = Float64Array.from(used.map((s) => s.residualRms));
  const means = Float64Array.from(used.map((s) => Math.abs(s.meanResidualSigma)));
  const sig: number[] = [];
  const { width: w, height: hh } = kernel;
  for (const [x, y] of [
    [w / 2, hh / 2],
    [0, 0],
    [w - 1, 0],
    [0, hh - 1],
    [w - 1, hh - 1],
  ] as const) {
    sig.push(kernelSigma(kernelImageAt(kernel, x, y), kernel.basis.halfWidth));
  }
  return {
    stampsUsed: used.length,
    stampsRejected: stamps.length - used.length,
    residualRmsMedian: medianInPlace(rms.slice(), rms.length),
    residualRmsMax: Math.max(...rms),
    meanResidualSigmaMedian: medianInPlace(means, means.length),
    kernelSum: kernel.kernelSum,
    spatialOrder: kernel.spatialOrder,
    kernelSigmaPx: { min: Math.min(...sig), max: Math.max(...sig) },
  };
}

/** sqrt(Σ K·r² / 2ΣK): the σ of a Gaussian with the kernel's second moment, pixels. */
export function kernelSigma(img: Float64Array, h: number): number {
  const size = 2 * h + 1;
  let s0 = 0;
  let s2 = 0;
  for (let v = -h; v <= h; v++) {
    for (let u = -h; u <= h; u++) {
      const k = img[(v + h) * size + u + h]!;
      s0 += k;
      s2 += k * (u * u + v * v);
    }
  }
  return Math.sqrt(Math.max(0, s2 / (2 * s0)));
}

function planes(e: MaskedExposure): MaskedPlanes {
  return { data: e.image.data, variance: e.variance.data, mask: e.mask };
}

function checkSizes(s: MaskedExposure, t: MaskedExposure, width: number, height: number): void {
  const n = width * height;
  for (const [what, len] of [
    ['science variance', s.variance.data.length],
    ['template image', t.image.data.length],
    ['template variance', t.variance.data.length],
    ['science mask', s.mask?.length ?? n],
    ['template mask', t.mask?.length ?? n],
  ] as const) {
    if (len !== n) throw geometry(`${what} has ${len} values, expected ${width}×${height}`);
  }
}

function orderOption(v: number, name: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 2) throw invalid(`${name} must be 0, 1 or 2, got ${v}`);
  return v;
}

function outPlane(data: Float32Array | undefined, n: number, what: string): Float32Array {
  if (data === undefined) return new Float32Array(n);
  if (data.length !== n) throw geometry(`${what} output has ${data.length} values, expected ${n}`);
  return data;
}

function invalid(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_SCIENCE_OPTION_INVALID', message);
}

function geometry(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_IMAGE_GEOMETRY', message);
}
