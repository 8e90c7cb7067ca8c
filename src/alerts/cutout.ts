import { PromptlyError } from '../core/errors.js';
import { imageFits, type Cards } from '../fits/index.js';
import { createWcs, toKeywords, type CelestialWcs } from '../wcs/index.js';

/**
 * Alert cutouts: a small square of an image around a source, as a single-HDU FITS file
 * (float32 primary image) whose TAN / TAN-SIP WCS is the parent's with CRPIX shifted to the
 * cutout, so a sky position maps to the same place in the cutout as in the parent. Pixels
 * beyond the parent's edge are NaN. LTV1/LTV2 (IRAF) record the offset, so parent pixel =
 * cutout pixel − LTV.
 */

/** Side of a cutout by default, pixels (Rubin's alert cutouts are of this order). */
export const DEFAULT_CUTOUT_SIZE = 30;
/** Allowed cutout sides, pixels. */
export const MIN_CUTOUT_SIZE = 3;
export const MAX_CUTOUT_SIZE = 512;

/** The image a cutout is taken from: row-major float32, NAXIS1 = width. */
export interface CutoutSource {
  readonly pixels: Float32Array;
  /** Pixels per row (NAXIS1), integer ≥ 1. */
  readonly width: number;
  /** Rows (NAXIS2), integer ≥ 1. */
  readonly height: number;
  /** WCS of the whole image (CRPIX as in its own header). */
  readonly wcs: CelestialWcs;
}

/** Where and how large. */
export interface CutoutRequest {
  /** Source centre, 0-based pixel x of the parent (the centre of the first pixel is 0). */
  readonly x: number;
  /** Source centre, 0-based pixel y of the parent. */
  readonly y: number;
  /** Side, pixels, integer in [{@link MIN_CUTOUT_SIZE}, {@link MAX_CUTOUT_SIZE}]; default 30. */
  readonly size?: number;
  /** Extra header cards (e.g. `['BUNIT', 'nJy']`, `['EXPTYPE', 'difference']`). */
  readonly cards?: Cards;
}

/** The pixel box of a cutout in the parent: 0-based origin and side. */
export interface CutoutBox {
  readonly x0: number;
  readonly y0: number;
  readonly size: number;
}

function invalid(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_ALERT_INVALID', message);
}

/**
 * The box of side `size` whose centre pixel holds (x, y): for an even side the source falls
 * in the upper-right of the four central pixels.
 */
export function cutoutBox(request: CutoutRequest): CutoutBox {
  const size = request.size ?? DEFAULT_CUTOUT_SIZE;
  if (!Number.isInteger(size) || size < MIN_CUTOUT_SIZE || size > MAX_CUTOUT_SIZE) {
    throw invalid(
      `cutout size must be an integer in [${MIN_CUTOUT_SIZE}, ${MAX_CUTOUT_SIZE}], got ${size}`,
    );
  }
  if (!Number.isFinite(request.x) || !Number.isFinite(request.y)) {
    throw invalid(`cutout centre must be finite, got (${request.x}, ${request.y})`);
  }
  const half = Math.floor(size / 2);
  return { x0: Math.round(request.x) - half, y0: Math.round(request.y) - half, size };
}

/** The parent's WCS with CRPIX moved to a cutout whose first pixel is parent (x0, y0). */
export function shiftWcs(wcs: CelestialWcs, x0: number, y0: number): CelestialWcs {
  return createWcs({
    crpix: [wcs.crpix[0] - x0, wcs.crpix[1] - y0],
    crval: wcs.crval,
    linear: wcs.linear,
    lonpole: wcs.lonpole,
    latpole: wcs.latpole,
    radesys: wcs.radesys,
    equinox: wcs.equinox,
    sip: wcs.sip,
  });
}

/** The cutout's pixels: row-major, `size × size`, NaN beyond the parent. */
export function cutoutPixels(
  source: Pick<CutoutSource, 'pixels' | 'width' | 'height'>,
  box: CutoutBox,
): Float32Array {
  const { width, height, pixels } = source;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw invalid(`cutout source must be at least 1×1 integer pixels, got ${width}×${height}`);
  }
  if (pixels.length !== width * height) {
    throw invalid(`cutout source holds ${pixels.length} pixels, not ${width}×${height}`);
  }
  const out = new Float32Array(box.size * box.size).fill(NaN);
  const xa = Math.max(0, box.x0);
  const xb = Math.min(width, box.x0 + box.size);
  if (xa >= xb) return out;
  for (let j = 0; j < box.size; j++) {
    const py = box.y0 + j;
    if (py < 0 || py >= height) continue;
    out.set(pixels.subarray(py * width + xa, py * width + xb), j * box.size + (xa - box.x0));
  }
  return out;
}

/** A cutout of `source` around the request's centre, as FITS bytes. */
export async function makeCutout(
  source: CutoutSource,
  request: CutoutRequest,
): Promise<Uint8Array> {
  const box = cutoutBox(request);
  return cutoutFits(cutoutPixels(source, box), box, source.wcs, request.cards);
}

/**
 * A cutout as FITS bytes from pixels already cut (`box.size²`, row-major) of an image whose
 * WCS is `wcs`: the WCS shifted to the box, LTV1/LTV2, then `cards`.
 */
export async function cutoutFits(
  pixels: Float32Array,
  box: CutoutBox,
  wcs: CelestialWcs,
  cards: Cards = [],
): Promise<Uint8Array> {
  if (pixels.length !== box.size * box.size)
    throw invalid(`cutout holds ${pixels.length} pixels, not ${box.size}×${box.size}`);
  return imageFits(pixels, box.size, box.size, [
    ...toKeywords(shiftWcs(wcs, box.x0, box.y0)),
    ['LTV1', -box.x0, 'parent pixel = cutout pixel - LTV1 (axis 1)'],
    ['LTV2', -box.y0, 'parent pixel = cutout pixel - LTV2 (axis 2)'],
    ...cards,
  ]);
}
