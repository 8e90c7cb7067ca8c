import { PromptlyError } from '../core/errors.js';
import type { Image } from './image.js';
import type { DetectionWorkspace } from './detection-workspace.js';
import { detectionOptions, detectRows, imageMapRows } from './banded-detect.js';
import { imageRows } from './row-source.js';
import type { FootprintSet } from './label.js';

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
 * This is the banded core ({@link detectRows}) with the whole-image planes filled in for
 * callers that want them; {@link detectRows} + {@link measureRows} need none of them.
 * With a `workspace`, `subtracted`, `detection` and the footprints' `labels` are views of its
 * buffers, valid until the next `detectSources` with it; no full-frame array is allocated.
 * Without one, the same three planes are allocated.
 */
export function detectSources(
  image: Image,
  model: BackgroundModel,
  options: DetectOptions = {},
  workspace?: DetectionWorkspace,
): Detections {
  detectionOptions(options);
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
  const sub = workspace?.plane('subtracted', n) ?? new Float32Array(n);
  const subtracted: Image = { width, height, data: sub };
  const smoothed = options.psfFwhmPx !== undefined;
  const det = smoothed ? (workspace?.plane('detection', n) ?? new Float32Array(n)) : sub;
  const found = detectRows(
    imageRows(image),
    { level: imageMapRows(model.background), rms: imageMapRows(model.rms) },
    options,
    smoothed ? { subtracted: sub, detection: det } : { subtracted: sub },
  );
  const list = found.footprints;
  const labels = workspace?.labels(n) ?? new Int32Array(n);
  labels.fill(0);
  for (let k = 0; k < list.count; k++) {
    for (let p = list.offsets[k]!; p < list.offsets[k + 1]!; p++) labels[list.pixels[p]!] = k + 1;
  }
  const detection: Image = smoothed ? { width, height, data: det } : subtracted;
  return {
    subtracted,
    detection,
    noiseFactor: found.noiseFactor,
    nSigma: found.nSigma,
    footprints: { ...list, labels },
  };
}
