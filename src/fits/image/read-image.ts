import { PromptlyError, throwIfAborted } from '../../core/errors.js';
import type { Bitpix, HduInfo } from '../hdu/hdu-info.js';
import type { ByteSource } from '../io/byte-source.js';
import { decodePixels } from './decode-pixels.js';
import { readScaling, type PixelArray, type PixelScaling } from './pixel-format.js';

/** Options for reading image pixels. */
export interface ImageReadOptions {
  /** Return stored values without BSCALE/BZERO (default false: see choosePixelFormat). */
  readonly raw?: boolean;
  readonly signal?: AbortSignal;
}

/** Pixels read from an image HDU (all or part of it). */
export interface FitsImage {
  /** Pixels in FITS order: NAXIS1 varies fastest (row-major with x fastest). */
  readonly pixels: PixelArray;
  /** Lengths of the returned block, NAXIS1 first (e.g. `[width, height]`). */
  readonly shape: readonly number[];
  readonly bitpix: Bitpix;
  /** BSCALE/BZERO/BLANK from the header. */
  readonly scaling: PixelScaling;
  /** True when `pixels` hold physical values (float output; BLANK became NaN). */
  readonly physical: boolean;
  /**
   * The value that marks undefined pixels in `pixels` when they are integers (BLANK mapped
   * through an unsigned convention if one applied); undefined when there is no BLANK or the
   * output is float.
   */
  readonly blank: number | bigint | undefined;
}

/** A rectangle of pixels, 0-based: x along NAXIS1, y along NAXIS2. */
export interface PixelRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /**
   * Index over the axes beyond the second (NAXIS3…, NAXIS3 fastest) for cubes; default 0.
   */
  readonly plane?: number;
}

function rangeError(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_FITS_RANGE', message);
}

function assertImage(hdu: HduInfo): void {
  if (hdu.kind === 'compressed-image') {
    throw new PromptlyError(
      'PROMPTLY_E_FITS_UNSUPPORTED',
      `HDU ${hdu.index} is a tile-compressed image; read it with the compression reader`,
    );
  }
  if (hdu.kind !== 'image') {
    throw new PromptlyError(
      'PROMPTLY_E_FITS_UNSUPPORTED',
      `HDU ${hdu.index} is a ${hdu.kind}, not an image`,
    );
  }
}

function finish(
  hdu: HduInfo,
  bytes: Uint8Array,
  shape: number[],
  raw: boolean | undefined,
): FitsImage {
  const scaling = readScaling(hdu.header);
  const { pixels, format } = decodePixels(bytes, hdu.bitpix, scaling, raw === true);
  let blank: number | bigint | undefined;
  if (!format.scaled && scaling.blank !== undefined && hdu.bitpix > 0) {
    if (!format.signFlip) blank = scaling.blank;
    else if (hdu.bitpix === 64) blank = BigInt(scaling.blank) + 2n ** 63n;
    else blank = Number(scaling.blank) + scaling.bzero;
  }
  return { pixels, shape, bitpix: hdu.bitpix, scaling, physical: format.scaled, blank };
}

/** Reads the whole image of an HDU (one read of its data unit). */
export async function readImage(
  source: ByteSource,
  hdu: HduInfo,
  options: ImageReadOptions = {},
): Promise<FitsImage> {
  assertImage(hdu);
  const bytes = await source.read(hdu.dataOffset, hdu.dataSize, options.signal);
  return finish(hdu, bytes, [...hdu.axes], options.raw);
}

/**
 * Reads `count` whole rows starting at row `first` (0-based). A row is NAXIS1 pixels; rows
 * are numbered through NAXIS2, NAXIS3, … (so row n2 of a cube is the first row of plane 1).
 * Returns shape `[NAXIS1, count]`. Throws PROMPTLY_E_FITS_RANGE outside the image.
 */
export async function readImageRows(
  source: ByteSource,
  hdu: HduInfo,
  first: number,
  count: number,
  options: ImageReadOptions = {},
): Promise<FitsImage> {
  assertImage(hdu);
  const width = hdu.axes[0] ?? 0;
  const rows = width === 0 ? 0 : hdu.dataSize / (width * (Math.abs(hdu.bitpix) / 8));
  if (
    !Number.isSafeInteger(first) ||
    !Number.isSafeInteger(count) ||
    first < 0 ||
    count < 0 ||
    first + count > rows
  ) {
    throw rangeError(
      `rows ${first}..${first + count - 1} are outside the ${rows} rows of HDU ${hdu.index}`,
    );
  }
  const rowBytes = width * (Math.abs(hdu.bitpix) / 8);
  const bytes = await source.read(
    hdu.dataOffset + first * rowBytes,
    count * rowBytes,
    options.signal,
  );
  return finish(hdu, bytes, [width, count], options.raw);
}

/** Reads spanning more than this many times the wanted bytes switch to one read per row. */
const SPAN_WASTE = 4;

/**
 * Reads a rectangle of pixels without reading the rest of the data unit: one read of the
 * byte span when it is compact, one read per row when the rectangle is a narrow strip of a
 * wide image. Returns shape `[width, height]`. Throws PROMPTLY_E_FITS_RANGE outside the image.
 */
export async function readImageRect(
  source: ByteSource,
  hdu: HduInfo,
  rect: PixelRect,
  options: ImageReadOptions = {},
): Promise<FitsImage> {
  assertImage(hdu);
  const [n1 = 0, n2 = 1] = hdu.axes;
  let planes = 1;
  for (let i = 2; i < hdu.axes.length; i++) planes *= hdu.axes[i] ?? 0;
  const { x, y, width, height } = rect;
  const plane = rect.plane ?? 0;
  const ints = [x, y, width, height, plane];
  if (
    ints.some((v) => !Number.isSafeInteger(v) || v < 0) ||
    x + width > n1 ||
    y + height > n2 ||
    plane >= planes
  ) {
    throw rangeError(
      `rectangle ${JSON.stringify(rect)} is outside the ${hdu.axes.join('×')} image of HDU ${hdu.index}`,
    );
  }
  const size = Math.abs(hdu.bitpix) / 8;
  const rowBytes = width * size;
  const want = rowBytes * height;
  const base = hdu.dataOffset + (plane * n1 * n2 + y * n1 + x) * size;
  const stride = n1 * size;
  const span = height === 0 ? 0 : (height - 1) * stride + rowBytes;
  let bytes: Uint8Array;
  if (span <= want * SPAN_WASTE || span - want < 1 << 20) {
    bytes = await source.read(base, span, options.signal);
    // Pack the rows to the front, in place (copyWithin handles the overlap).
    for (let r = 1; r < height; r++)
      bytes.copyWithin(r * rowBytes, r * stride, r * stride + rowBytes);
    bytes = bytes.subarray(0, want);
  } else {
    bytes = new Uint8Array(want);
    for (let r = 0; r < height; r++) {
      throwIfAborted(options.signal);
      bytes.set(await source.read(base + r * stride, rowBytes, options.signal), r * rowBytes);
    }
  }
  return finish(hdu, bytes, [width, height], options.raw);
}
