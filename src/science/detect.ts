import { PromptlyError } from '../core/errors.js';
import type { Image } from './image.js';
import { labelComponents, type FootprintSet } from './label.js';
import { convolveSeparable, gaussianKernel1d, separableNoiseFactor } from './smooth.js';

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
 */
export function detectSources(
  image: Image,
  model: BackgroundModel,
  options: DetectOptions = {},
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
  const sub = new Float32Array(n);
  for (let i = 0; i < n; i++) sub[i] = src[i]! - bg[i]!;
  const subtracted: Image = { width, height, data: sub };

  let detection = subtracted;
  let noiseFactor = 1;
  if (options.psfFwhmPx !== undefined) {
    const kernel = gaussianKernel1d(options.psfFwhmPx);
    noiseFactor = separableNoiseFactor(kernel);
    detection = { width, height, data: convolveSeparable(sub, width, height, kernel) };
  }

  const det = detection.data;
  const rms = model.rms.data;
  const mask = new Uint8Array(n);
  const scale = nSigma * noiseFactor;
  for (let i = 0; i < n; i++) mask[i] = det[i]! > scale * rms[i]! ? 1 : 0;
  const footprints = labelComponents(mask, width, height, minArea);
  return { subtracted, detection, noiseFactor, nSigma, footprints };
}
