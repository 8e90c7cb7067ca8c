import { PromptlyError } from '../core/errors.js';
import type { RowSource } from './row-source.js';
import type { BackgroundMesh } from './background.js';
import { FootprintAccumulator, type FootprintSums } from './footprint-accumulator.js';
import { MeshRows } from './mesh-spline.js';
import { gaussianKernel1d, SeparableRows, separableNoiseFactor } from './smooth.js';

/**
 * The banded detection core: background subtraction, matched filter, threshold and
 * labelling in one pass over image rows, holding only a few rows at a time. Whole-image
 * detection ({@link detectSources}) and streamed detection share it.
 */

/** One map (background level or RMS) given row by row, in any order. */
export interface MapRows {
  /** Writes image row `y` of the map (`width` values, image units) into `out[0 .. width)`. */
  row(y: number, out: Float32Array): void;
  /** Columns `x0 .. x1−1` of row `y` into `out[x0 .. x1)`, as {@link MapRows.row} gives them. */
  range(y: number, out: Float32Array, x0: number, x1: number): void;
}

/** Background level and RMS maps, row by row. */
export interface BackgroundRows {
  readonly level: MapRows;
  /** Per-pixel 1σ noise for the flux errors (and the threshold, without `threshold`). */
  readonly rms: MapRows;
  /**
   * Per-pixel σ the threshold is in units of, when it differs from `rms` (a difference
   * image's correlated noise is thresholded in a scaled σ but measured with the plain one).
   */
  readonly threshold?: MapRows;
}

/** The background of a mesh, spline-interpolated one row at a time (never to full frame). */
export function meshBackgroundRows(
  mesh: BackgroundMesh,
  width: number,
  height: number,
): BackgroundRows {
  const { nx, ny, meshSize } = mesh;
  return {
    level: new MeshRows(mesh.level, nx, ny, meshSize, width, height),
    rms: new MeshRows(mesh.rms, nx, ny, meshSize, width, height),
  };
}

/** Rows of a whole-image map already in memory. */
export function imageMapRows(map: {
  readonly width: number;
  readonly data: Float32Array;
}): MapRows {
  const { width, data } = map;
  return {
    row: (y, out) => out.set(data.subarray(y * width, (y + 1) * width)),
    range: (y, out, x0, x1) => out.set(data.subarray(y * width + x0, y * width + x1), x0),
  };
}

/** Whole-image planes the core can fill as a side effect (each `width × height`). */
export interface DetectionSinks {
  /** Receives image − background. */
  readonly subtracted?: Float32Array;
  /** Receives the filtered image (only when filtering). */
  readonly detection?: Float32Array;
}

/** Options of the banded core (same meaning as {@link DetectOptions}). */
export interface BandedDetectOptions {
  /** Threshold in σ of the thresholded image. Default 5. */
  readonly nSigma?: number;
  /** Minimum footprint area, pixels. Default 5. */
  readonly minArea?: number;
  /** PSF FWHM, pixels: smooth with this Gaussian before thresholding. Default: no smoothing. */
  readonly psfFwhmPx?: number;
  /** Input level (background included) flagged as saturated. Default: never. */
  readonly saturation?: number;
  /**
   * Also detect on the negated image in the same pass (difference imaging's negative
   * sources): it reuses the filtered rows, which for the negated image are exactly the
   * negated filtered rows (IEEE rounding is symmetric), so the result is that of a separate
   * pass over −image against −background. Default false.
   */
  readonly negative?: boolean;
}

/** Result of {@link detectRows}: footprints with their pixel sums. */
export interface BandedDetections extends FootprintSums {
  /** σ(detection) / σ(subtracted) for white noise, 1 unsmoothed. */
  readonly noiseFactor: number;
  readonly nSigma: number;
  /** Detections on the negated image, with `negative: true`. */
  readonly negative?: Omit<BandedDetections, 'negative'>;
}

/** Checks the options shared by every detection entry point; returns them with defaults. */
export function detectionOptions(options: BandedDetectOptions): {
  nSigma: number;
  minArea: number;
} {
  const nSigma = options.nSigma ?? 5;
  const minArea = options.minArea ?? 5;
  if (!(nSigma > 0) || !Number.isInteger(minArea) || minArea < 1) {
    throw new PromptlyError(
      'PROMPTLY_E_SCIENCE_OPTION_INVALID',
      'nSigma must be > 0 and minArea an integer ≥ 1',
    );
  }
  return { nSigma, minArea };
}

/**
 * Detects on rows streamed from `source` against a `background` given row by row (from a
 * mesh: never interpolated to full frame). Pixels where `detection > nSigma · rms · noiseFactor` are
 * 8-connected into footprints of ≥ `minArea` pixels; NaN never exceeds the threshold.
 * Working memory is O(kernel rows × width + pixels above threshold). `sinks` receive the
 * whole-image planes when a caller wants them.
 */
export function detectRows(
  source: RowSource,
  background: BackgroundRows,
  options: BandedDetectOptions = {},
  sinks: DetectionSinks = {},
): BandedDetections {
  const { nSigma, minArea } = detectionOptions(options);
  const { width, height } = source;
  const saturation = options.saturation ?? Infinity;
  const bgRows = background.level;
  const rmsRows = background.rms;
  const thresholdRows = background.threshold;
  let noiseFactor = 1;
  let conv: SeparableRows | undefined;
  let ringRows = 1;
  if (options.psfFwhmPx !== undefined) {
    const kernel = gaussianKernel1d(options.psfFwhmPx);
    noiseFactor = separableNoiseFactor(kernel);
    conv = new SeparableRows(kernel, width, height);
    ringRows = kernel.length;
  }
  // subtracted rows (and input rows, for the saturation flag) are kept until thresholded
  const subRing = new Float32Array(ringRows * width);
  const rawRing = saturation < Infinity ? new Float32Array(ringRows * width) : undefined;
  const bg = new Float32Array(width);
  const rms = new Float32Array(width);
  const sigma = thresholdRows ? new Float32Array(width) : rms;
  const filtered = conv ? new Float32Array(width) : undefined;
  const acc = new FootprintAccumulator(width, height);
  const neg = options.negative
    ? {
        acc: new FootprintAccumulator(width, height),
        det: new Float32Array(width),
        sub: new Float32Array(width),
        raw: rawRing ? new Float32Array(width) : undefined,
      }
    : undefined;
  const scale = nSigma * noiseFactor;
  let pushed = 0;
  for (let y = 0; y < height; y++) {
    const need = conv ? conv.needs(y) : y + 1;
    for (; pushed < need; pushed++) {
      const raw = source.row(pushed);
      bgRows.row(pushed, bg);
      const o = (pushed % ringRows) * width;
      subtractRow(raw, bg, subRing, o, width);
      rawRing?.set(raw.subarray(0, width), o);
      sinks.subtracted?.set(subRing.subarray(o, o + width), pushed * width);
      conv?.push(subRing, o);
    }
    const so = (y % ringRows) * width;
    let det = subRing;
    let dOff = so;
    if (conv && filtered) {
      conv.emit(y, filtered, 0);
      sinks.detection?.set(filtered, y * width);
      det = filtered;
      dOff = 0;
    }
    rmsRows.row(y, rms);
    thresholdRows?.row(y, sigma);
    acc.scanRow(y, det, dOff, sigma, rms, scale, subRing, so, rawRing, saturation);
    if (neg) {
      negateRow(det, dOff, neg.det, width);
      negateRow(subRing, so, neg.sub, width);
      if (rawRing && neg.raw) negateRow(rawRing, so, neg.raw, width);
      neg.acc.scanRow(y, neg.det, 0, sigma, rms, scale, neg.sub, 0, neg.raw, saturation);
    }
  }
  const found = { ...acc.finish(minArea), noiseFactor, nSigma };
  return neg ? { ...found, negative: { ...neg.acc.finish(minArea), noiseFactor, nSigma } } : found;
}

/**
 * `out[o + x] = raw[x] − bg[x]`. Per-row loops live in small functions: a long driver loop
 * would run them unoptimised (boxing every number) until on-stack replacement, and each
 * later loop with no type feedback yet deoptimises it again.
 */
function subtractRow(
  raw: Float32Array,
  bg: Float32Array,
  out: Float32Array,
  o: number,
  width: number,
): void {
  for (let x = 0; x < width; x++) out[o + x] = raw[x]! - bg[x]!;
}

/** `out[x] = −src[o + x]` for one row. */
function negateRow(src: Float32Array, o: number, out: Float32Array, width: number): void {
  for (let x = 0; x < width; x++) out[x] = -src[o + x]!;
}
