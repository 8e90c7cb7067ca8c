import { PromptlyError } from '../../core/errors.js';
import type { CelestialWcs } from '../../wcs/index.js';
import type { Image } from '../image.js';
import { checkMaskPlanes, MASK_PLANES, type MaskPlaneDict } from './mask-planes.js';
import type { Psf } from './psf.js';

/** A header value kept with an exposure (FITS card value, no complex or undefined). */
export type MetadataValue = string | number | boolean;

/**
 * A calibrated detector image with its mask and variance, the unit later steps (calibrate,
 * warp, subtract, detect) pass around, as Rubin's `afw.image.Exposure`. The three planes share
 * `width × height`, row-major, pixel (x, y) at `y * width + x`, 0-based with pixel centres at
 * integers. Structurally it is also a subtraction `MaskedExposure` and, with a WCS, a warp
 * `WarpSource`. The object is read-only; its typed arrays are not (steps update them in place).
 */
export interface Exposure {
  /** Columns, pixels. */
  readonly width: number;
  /** Rows, pixels. */
  readonly height: number;
  /** Pixel values in {@link Exposure.unit} (after ISR: e⁻, background subtracted). NaN = no data. */
  readonly image: Image;
  /** Bit planes per pixel, named by {@link Exposure.maskPlanes}. */
  readonly mask: Uint32Array;
  /** Variance of each pixel, {@link Exposure.unit} squared. */
  readonly variance: Image;
  /** Plane name → bit index; {@link MASK_PLANES} unless read from a file that says otherwise. */
  readonly maskPlanes: MaskPlaneDict;
  /** Pixel → sky (0-based pixels in the transform API; CRPIX is 1-based as in FITS). */
  readonly wcs?: CelestialWcs | undefined;
  readonly psf?: Psf | undefined;
  /** BUNIT of the image plane, e.g. `'electron'`; the variance is in its square. */
  readonly unit: string;
  /** Extra primary-header cards (keywords ≤ 8 characters or HIERARCH-able), e.g. BGMEAN. */
  readonly metadata: Readonly<Record<string, MetadataValue>>;
}

/** Optional parts of an exposure. */
export interface ExposureParts {
  readonly wcs?: CelestialWcs | undefined;
  readonly psf?: Psf | undefined;
  readonly maskPlanes?: MaskPlaneDict;
  /** Default `'electron'`. */
  readonly unit?: string;
  readonly metadata?: Readonly<Record<string, MetadataValue>>;
}

/** Full-frame buffers an exposure may be built in (each `width × height`), reused when given. */
export interface ExposureBuffers {
  readonly image?: Float32Array;
  readonly mask?: Uint32Array;
  readonly variance?: Float32Array;
}

function invalid(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_EXPOSURE_INVALID', message);
}

function checkSize(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw invalid(`exposure size must be positive integers, got ${width}×${height}`);
  }
}

function buffer<T extends Float32Array | Uint32Array>(
  given: T | undefined,
  n: number,
  make: (n: number) => T,
  what: string,
): T {
  if (given === undefined) return make(n);
  if (given.length !== n)
    throw invalid(`${what} buffer holds ${given.length} values, expected ${n}`);
  return given;
}

/**
 * An exposure of `width × height`: image and variance zero, mask clear. Buffers passed in
 * `buffers` are used (and cleared) instead of allocating, so a caller can pool them.
 */
export function createExposure(
  width: number,
  height: number,
  parts: ExposureParts = {},
  buffers: ExposureBuffers = {},
): Exposure {
  checkSize(width, height);
  const n = width * height;
  const image = buffer(buffers.image, n, (k) => new Float32Array(k), 'image').fill(0);
  const mask = buffer(buffers.mask, n, (k) => new Uint32Array(k), 'mask').fill(0);
  const variance = buffer(buffers.variance, n, (k) => new Float32Array(k), 'variance').fill(0);
  return exposureFrom(width, height, { image, mask, variance }, parts);
}

/**
 * Wraps existing planes as an exposure after checking their lengths and the mask-plane
 * dictionary. Nothing is copied. Throws PROMPTLY_E_EXPOSURE_INVALID.
 */
export function exposureFrom(
  width: number,
  height: number,
  planes: {
    readonly image: Float32Array;
    readonly mask: Uint32Array;
    readonly variance: Float32Array;
  },
  parts: ExposureParts = {},
): Exposure {
  checkSize(width, height);
  const n = width * height;
  for (const [name, plane] of Object.entries(planes)) {
    if (plane.length !== n) {
      throw invalid(`${name} plane holds ${plane.length} values, expected ${width}×${height}`);
    }
  }
  if (!(planes.mask instanceof Uint32Array)) throw invalid('mask plane must be a Uint32Array');
  const metadata = { ...(parts.metadata ?? {}) };
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v === 'number' && !Number.isFinite(v)) {
      throw invalid(`metadata ${k} must be finite, got ${v}`);
    }
  }
  return Object.freeze({
    width,
    height,
    image: { width, height, data: planes.image },
    mask: planes.mask,
    variance: { width, height, data: planes.variance },
    maskPlanes: checkMaskPlanes(parts.maskPlanes ?? MASK_PLANES),
    wcs: parts.wcs,
    psf: parts.psf,
    unit: parts.unit ?? 'electron',
    metadata: Object.freeze(metadata),
  });
}

/** The same planes with some parts replaced (e.g. a fitted WCS or PSF attached). No copy. */
export function withParts(exposure: Exposure, parts: ExposureParts): Exposure {
  return exposureFrom(
    exposure.width,
    exposure.height,
    { image: exposure.image.data, mask: exposure.mask, variance: exposure.variance.data },
    {
      wcs: exposure.wcs,
      psf: exposure.psf,
      maskPlanes: exposure.maskPlanes,
      unit: exposure.unit,
      ...parts,
      metadata: { ...exposure.metadata, ...(parts.metadata ?? {}) },
    },
  );
}
