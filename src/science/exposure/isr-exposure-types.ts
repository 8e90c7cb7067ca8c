// What ISR into an exposure reads and returns (`runIsrExposure`, `IsrExposureBuilder`).
import type { CelestialWcs } from '../../wcs/index.js';
import type { BackgroundMesh, BackgroundOptions } from '../background.js';
import type { Box, Image } from '../image.js';
import type { AmpIsrStats, IsrAmpLayout } from '../isr-frame.js';
import type { OverscanOptions } from '../overscan.js';
import type { Exposure, ExposureBuffers, MetadataValue } from './exposure.js';
import type { LaplacianCrOptions } from './laplacian-cosmic-rays.js';
import type { Psf } from './psf.js';
import type { SaturationOptions } from './saturation.js';
import type { SnapCrOptions } from './snap-cosmic-rays.js';

/** An amplifier's layout as ISR reads it, with what the exposure model needs besides. */
export interface IsrExposureAmpLayout extends IsrAmpLayout {
  /** Saturation level, ADU above the overscan level (the SATURATE card). Absent: none. */
  readonly saturationAdu?: number;
  /** Read noise, e⁻. Default: the overscan σ measured in each snap × gain, averaged. */
  readonly readNoiseE?: number;
}

/** An amplifier as ISR reads it: its layout and its raw pixels. */
export interface IsrExposureAmp extends IsrExposureAmpLayout {
  /** Raw pixels, `width × height`, row-major, ADU. */
  readonly pixels: Float32Array | Int32Array;
}

/** One snap of the visit: its amplifiers' layouts (same in every snap) and dark time. */
export interface IsrSnapLayout {
  readonly amps: readonly IsrExposureAmpLayout[];
  /** Dark time, seconds (scales the master dark). Default 0. */
  readonly darkTimeS?: number;
}

/** One snap of the visit: its amplifiers (same geometry in every snap) and dark time. */
export interface IsrSnap extends IsrSnapLayout {
  readonly amps: readonly IsrExposureAmp[];
}

/** Options of `runIsrExposure`. */
export interface IsrExposureOptions {
  readonly overscan?: OverscanOptions;
  readonly saturation?: SaturationOptions;
  /**
   * `'auto'` (default): compare snaps when there are two or more, else the Laplacian method on
   * the one snap; `'laplacian'` runs L.A.Cosmic on every snap (then repairs from the others).
   */
  readonly cosmicRays?: SnapCrOptions &
    LaplacianCrOptions & { readonly method?: 'auto' | 'snaps' | 'laplacian' | 'none' };
  /** Interpolate over saturated pixels too (INTRP), as afw does. Default true. */
  readonly interpolateSaturated?: boolean;
  /** Furthest good pixel used by interpolation, pixels. Default 64. */
  readonly interpolationMaxPx?: number;
  /** Width of the EDGE border, pixels. Default 0 (none). */
  readonly edgePx?: number;
  /** Background model to subtract, or `false` to keep the sky. Default mesh 64, filter 3. */
  readonly background?: BackgroundOptions | false;
  readonly signal?: AbortSignal;
}

/** Input of `runIsrExposure`. Calibrations are detector-sized, in e⁻ after gain. */
export interface IsrExposureInput {
  readonly snaps: readonly IsrSnap[];
  /** Master bias, e⁻. */
  readonly bias?: Image;
  /** Master dark, e⁻/s, scaled by each snap's dark time. */
  readonly dark?: Image;
  /** Master flat, ≈ 1; entries ≤ 0 or not finite mark the pixel BAD. */
  readonly flat?: Image;
  /** Defect boxes, 0-based detector pixels: marked BAD and interpolated over (INTRP). */
  readonly defects?: readonly Box[];
  /** Crosstalk coefficients, `[target × n + source]` over the snap's amps (see `runIsr`). */
  readonly crosstalk?: ArrayLike<number>;
  readonly wcs?: CelestialWcs;
  readonly psf?: Psf;
  readonly metadata?: Readonly<Record<string, MetadataValue>>;
  readonly options?: IsrExposureOptions;
  /** Full-frame buffers to build the exposure in (pooled by the caller). */
  readonly buffers?: ExposureBuffers;
  /**
   * The bias and dark arrays are the caller's to give away (e.g. freshly read for this run):
   * once the last snap is corrected the bias array becomes the variance plane (unless
   * `buffers.variance` is given) and the dark array the Laplacian scratch, instead of two new
   * full-frame arrays. Default false: calibrations are left as they are.
   */
  readonly consumeCalibs?: boolean;
}

/** Counts and levels from one ISR run. */
export interface IsrExposureStats {
  readonly badPixels: number;
  readonly saturatedPixels: number;
  /** Pixels with CR set (repaired from another snap or interpolated). */
  readonly crPixels: number;
  readonly interpolatedPixels: number;
  /** Global background level subtracted, e⁻ (0 when background subtraction is off). */
  readonly backgroundLevel: number;
  /** Global background RMS, e⁻ (NaN when off). */
  readonly backgroundRms: number;
  readonly crMethod: 'snaps' | 'laplacian' | 'none';
}

/** Result of `runIsrExposure`. */
export interface IsrExposureResult {
  readonly exposure: Exposure;
  /** Overscan statistics per snap, then per amp (ADU). */
  readonly snapAmps: readonly (readonly AmpIsrStats[])[];
  /** Read noise used per amp, e⁻. */
  readonly readNoiseE: readonly number[];
  readonly stats: IsrExposureStats;
  /** The background mesh subtracted, when any. */
  readonly background?: BackgroundMesh;
}
