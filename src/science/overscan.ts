import { PromptlyError } from '../core/errors.js';
import { assertBoxInside, type Box } from './image.js';
import { clippedStatsInPlace, medianInPlace } from './robust-stats.js';

/** How the overscan level is modelled: one value per row, or one value for the amplifier. */
export type OverscanFit = 'row' | 'constant';

/** Per-row (or whole-overscan) statistic. */
export type OverscanStatistic = 'median' | 'clippedMean';

/** Options for {@link subtractOverscan}. All optional. */
export interface OverscanOptions {
  /** `'row'` (default): a level per data row from that row's serial-overscan pixels. */
  readonly fit?: OverscanFit;
  /** `'median'` (default) or `'clippedMean'` (mean after iterative clipping about the median). */
  readonly statistic?: OverscanStatistic;
  /** Clip limit for `'clippedMean'` and for the noise estimate, in σ. Default 3. */
  readonly clipSigma?: number;
  /**
   * Row fit only: half-width, in rows, of a running mean applied to the per-row levels
   * (0 = none, the default). Smoothing trades row-to-row noise for fidelity to fast bias jumps.
   */
  readonly smoothRows?: number;
}

/** Result of {@link subtractOverscan}. */
export interface OverscanResult {
  /** The trimmed, overscan-subtracted data section, `dataSec.width × dataSec.height`, row-major. */
  readonly data: Float32Array;
  readonly width: number;
  readonly height: number;
  /** Mean of the subtracted levels, in input units (ADU). */
  readonly level: number;
  /** Clipped standard deviation of the overscan pixels about the fitted levels (read noise), ADU. */
  readonly noise: number;
}

/** An amplifier's fitted overscan: the level of every data row, its mean and the read noise. */
export interface OverscanFitResult {
  /** Level subtracted from each data-section row (index 0 = the section's first row), ADU. */
  readonly levels: Float64Array;
  /** Mean of the levels, in input units (ADU). */
  readonly level: number;
  /** Clipped standard deviation of the overscan pixels about the fitted levels (read noise), ADU. */
  readonly noise: number;
}

/**
 * Fits the serial-overscan level of one amplifier for every row of its data section, without
 * touching the pixels (the caller subtracts, e.g. straight into an assembled detector frame).
 * Same geometry, options and errors as {@link subtractOverscan}.
 */
export function fitOverscan(
  pixels: ArrayLike<number>,
  width: number,
  height: number,
  dataSec: Box,
  biasSec: Box,
  options: OverscanOptions = {},
): OverscanFitResult {
  const fit = options.fit ?? 'row';
  const statistic = options.statistic ?? 'median';
  const clipSigma = options.clipSigma ?? 3;
  const smoothRows = options.smoothRows ?? 0;
  if (pixels.length !== width * height) {
    throw new PromptlyError(
      'PROMPTLY_E_IMAGE_GEOMETRY',
      `amp has ${pixels.length} pixels, expected ${width}×${height}`,
    );
  }
  if (!(clipSigma > 0) || !Number.isInteger(smoothRows) || smoothRows < 0) {
    throw new PromptlyError(
      'PROMPTLY_E_SCIENCE_OPTION_INVALID',
      'clipSigma > 0, smoothRows ≥ 0 integer',
    );
  }
  assertBoxInside(dataSec, width, height, 'data section');
  assertBoxInside(biasSec, width, height, 'bias section');
  if (
    fit === 'row' &&
    (biasSec.y0 > dataSec.y0 || biasSec.y0 + biasSec.height < dataSec.y0 + dataSec.height)
  ) {
    throw new PromptlyError(
      'PROMPTLY_E_IMAGE_GEOMETRY',
      'row overscan fit needs the bias section to span every data-section row',
    );
  }

  // levels[r] is the overscan level for data row r (0..dataSec.height)
  const levels = new Float64Array(dataSec.height);
  const scratch = new Float64Array(fit === 'row' ? biasSec.width : biasSec.width * biasSec.height);
  if (fit === 'constant') {
    const n = gather(pixels, width, biasSec, biasSec.y0, biasSec.height, scratch);
    levels.fill(estimate(scratch, n, statistic, clipSigma));
  } else {
    for (let r = 0; r < dataSec.height; r++) {
      const n = gather(pixels, width, biasSec, dataSec.y0 + r, 1, scratch);
      levels[r] = estimate(scratch, n, statistic, clipSigma);
    }
    if (smoothRows > 0) runningMean(levels, smoothRows);
  }
  const noise = overscanNoise(pixels, width, biasSec, dataSec, levels, fit, clipSigma);
  let sum = 0;
  for (let r = 0; r < dataSec.height; r++) sum += levels[r]!;
  return { levels, level: sum / dataSec.height, noise };
}

/**
 * Subtracts the serial-overscan level of one amplifier from its data section and returns the
 * trimmed data. `dataSec` and `biasSec` are boxes in the amplifier's own frame (0-based; see
 * `parseSection`). With `fit: 'row'` the overscan rows must cover the data rows (same y in the
 * amp frame). Non-finite overscan pixels are ignored. Throws PROMPTLY_E_IMAGE_GEOMETRY.
 */
export function subtractOverscan(
  pixels: ArrayLike<number>,
  width: number,
  height: number,
  dataSec: Box,
  biasSec: Box,
  options: OverscanOptions = {},
): OverscanResult {
  const { levels, level, noise } = fitOverscan(pixels, width, height, dataSec, biasSec, options);
  const out = new Float32Array(dataSec.width * dataSec.height);
  for (let r = 0; r < dataSec.height; r++) {
    const lv = levels[r]!;
    const src = (dataSec.y0 + r) * width + dataSec.x0;
    const dst = r * dataSec.width;
    for (let c = 0; c < dataSec.width; c++) out[dst + c] = pixels[src + c]! - lv;
  }
  return { data: out, width: dataSec.width, height: dataSec.height, level, noise };
}

function gather(
  pixels: ArrayLike<number>,
  width: number,
  box: Box,
  y0: number,
  rows: number,
  out: Float64Array,
): number {
  let n = 0;
  for (let y = y0; y < y0 + rows; y++) {
    const row = y * width + box.x0;
    for (let c = 0; c < box.width; c++) {
      const v = pixels[row + c]!;
      if (Number.isFinite(v)) out[n++] = v;
    }
  }
  return n;
}

function estimate(
  scratch: Float64Array,
  n: number,
  statistic: OverscanStatistic,
  clipSigma: number,
): number {
  if (n === 0) return NaN;
  return statistic === 'median'
    ? medianInPlace(scratch, n)
    : clippedStatsInPlace(scratch, n, clipSigma).mean;
}

function runningMean(levels: Float64Array, half: number): void {
  const src = Float64Array.from(levels);
  const n = src.length;
  // prefix sums keep this O(n) whatever the window
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + src[i]!;
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - half);
    const b = Math.min(n, i + half + 1);
    levels[i] = (prefix[b]! - prefix[a]!) / (b - a);
  }
}

function overscanNoise(
  pixels: ArrayLike<number>,
  width: number,
  biasSec: Box,
  dataSec: Box,
  levels: Float64Array,
  fit: OverscanFit,
  clipSigma: number,
): number {
  const y0 = fit === 'row' ? dataSec.y0 : biasSec.y0;
  const rows = fit === 'row' ? dataSec.height : biasSec.height;
  const resid = new Float64Array(rows * biasSec.width);
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const level = fit === 'row' ? levels[r]! : levels[0]!;
    const row = (y0 + r) * width + biasSec.x0;
    for (let c = 0; c < biasSec.width; c++) {
      const v = pixels[row + c]!;
      if (Number.isFinite(v)) resid[n++] = v - level;
    }
  }
  return n === 0 ? NaN : clippedStatsInPlace(resid, n, clipSigma).stddev;
}
