import { PromptlyError } from '../core/errors.js';
import type { Image } from './image.js';
import type { DetectionWorkspace } from './detection-workspace.js';
import { ComponentLabeler, type FootprintSet } from './label.js';
import { gaussianKernel1d, SeparableRows, separableNoiseFactor } from './smooth.js';

/** Options for {@link detectSources}. */
export interface DetectOptions {
  /** Detection threshold in units of the (filtered) noise σ. Default 5. */
  readonly nSigma?: number;
  /** Minimum footprint area, pixels above threshold. Default 5. */
  readonly minArea?: number;
  /**
   * PSF FWHM in pixels. When given, the background-subtracted image is smoothed with a
   * normalised Gaussian of this FWHM (the matched filter for a Gaussian PSF) before
   * thresholding. Default: no smoothing.
   */
  readonly psfFwhmPx?: number;
}

/** A background model as {@link estimateBackground} returns it (only these fields are used). */
export interface BackgroundModel {
  /** Background level, same size as the image. */
  readonly background: Image;
  /** Background RMS per pixel, same size as the image. */
  readonly rms: Image;
}

/** Result of {@link detectSources}: footprints plus the images they were found on. */
export interface Detections {
  /** Image minus background; NaN where the input was NaN. */
  readonly subtracted: Image;
  /** The image thresholded: `subtracted` smoothed by the PSF kernel, or `subtracted` itself. */
  readonly detection: Image;
  /** σ(detection) / σ(subtracted) for white noise: sqrt(Σw²) of the 2-D kernel, 1 unsmoothed. */
  readonly noiseFactor: number;
  /** Threshold used, in σ of the detection image. */
  readonly nSigma: number;
  readonly footprints: FootprintSet;
}

/**
 * Threshold detection. Subtracts the background, optionally smooths with a Gaussian matched to
 * the PSF, and marks pixels where `detection > nSigma · rms · noiseFactor` — i.e. the threshold
 * is in σ of the image actually thresholded, so `nSigma` keeps its meaning with or without
 * smoothing (SExtractor instead scales DETECT_THRESH by the unfiltered σ). Footprints are
 * 8-connected groups of at least `minArea` such pixels; no deblending. NaN never exceeds the
 * threshold. Throws PROMPTLY_E_IMAGE_GEOMETRY / PROMPTLY_E_SCIENCE_OPTION_INVALID.
 *
 * With a `workspace`, `subtracted`, `detection` and the footprints' `labels` are views of its
 * buffers, valid until the next `detectSources` with it; no full-frame array is allocated.
 * Without one, the same three planes are allocated; the mask and the filter's intermediate
 * rows are never full-frame either way.
 */
export function detectSources(
  image: Image,
  model: BackgroundModel,
  options: DetectOptions = {},
  workspace?: DetectionWorkspace,
): Detections {
  const nSigma = options.nSigma ?? 5;
  const minArea = options.minArea ?? 5;
  if (!(nSigma > 0) || !Number.isInteger(minArea) || minArea < 1) {
    throw new PromptlyError(
      'PROMPTLY_E_SCIENCE_OPTION_INVALID',
      'nSigma must be > 0 and minArea an integer ≥ 1',
    );
  }
  const { width, height } = image;
  for (const [what, img] of [
    ['background', model.background],
    ['rms', model.rms],
  ] as const) {
    if (img.width !== width || img.height !== height) {
      throw new PromptlyError(
        'PROMPTLY_E_IMAGE_GEOMETRY',
        `${what} map size differs from the image`,
      );
    }
  }
  const n = width * height;
  const src = image.data;
  const bg = model.background.data;
  const rms = model.rms.data;
  const sub = workspace?.plane('subtracted', n) ?? new Float32Array(n);
  const subtracted: Image = { width, height, data: sub };
  const labels = workspace?.labels(n) ?? new Int32Array(n);
  const labeler = new ComponentLabeler(width, height, labels, workspace);
  const mask = workspace?.rowMask(width) ?? new Uint8Array(width);

  let noiseFactor = 1;
  let det = sub;
  let conv: SeparableRows | undefined;
  if (options.psfFwhmPx !== undefined) {
    const kernel = gaussianKernel1d(options.psfFwhmPx);
    noiseFactor = separableNoiseFactor(kernel);
    det = workspace?.plane('detection', n) ?? new Float32Array(n);
    conv = new SeparableRows(kernel, width, height, workspace?.rows(kernel.length * width));
  }
  const scale = nSigma * noiseFactor;
  // one streaming pass: subtract a row, filter it, threshold the finished detection row and
  // label it, so everything but the output planes stays in cache
  let subtractedRows = 0;
  for (let y = 0; y < height; y++) {
    const need = conv ? conv.needs(y) : y + 1;
    for (; subtractedRows < need; subtractedRows++) {
      const o = subtractedRows * width;
      for (let i = o; i < o + width; i++) sub[i] = src[i]! - bg[i]!;
      conv?.push(sub, o);
    }
    const row = y * width;
    conv?.emit(y, det, row);
    for (let x = 0; x < width; x++) mask[x] = det[row + x]! > scale * rms[row + x]! ? 1 : 0;
    labeler.scanRow(mask, 0);
  }
  const footprints = labeler.finish(minArea);
  const detection: Image = det === sub ? subtracted : { width, height, data: det };
  return { subtracted, detection, noiseFactor, nSigma, footprints };
}
