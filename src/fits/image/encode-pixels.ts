import { PromptlyError } from '../../core/errors.js';
import type { Bitpix } from '../hdu/hdu-info.js';
import { flipSignBits, isBigEndianHost } from './decode-pixels.js';
import {
  bytesPerPixel,
  pixelTypeOf,
  storageFor,
  type PixelArray,
  type PixelScaling,
} from './pixel-format.js';

/** How pixels are stored on disk: BITPIX plus the scaling written to the header. */
export interface PixelStorage extends PixelScaling {
  readonly bitpix: Bitpix;
}

/** Default chunk of encoded bytes handed to a sink: 1 MiB. */
export const DEFAULT_CHUNK_BYTES = 1 << 20;

const INT_RANGE: Readonly<Record<number, [number, number]>> = {
  8: [0, 255],
  16: [-32768, 32767],
  32: [-2147483648, 2147483647],
};

/**
 * True when pixels of this array type are stored exactly (same bits, maybe with a sign
 * flip) under `storage`: the natural mapping of {@link storageFor} with BSCALE = 1.
 */
export function isNativeStorage(pixels: PixelArray, storage: PixelStorage): boolean {
  const natural = storageFor(pixelTypeOf(pixels));
  return (
    natural.bitpix === storage.bitpix && natural.bzero === storage.bzero && storage.bscale === 1
  );
}

function swapInPlace(bytes: Uint8Array, size: number): void {
  if (size === 1 || isBigEndianHost) return;
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (size === 2) b.swap16();
  else if (size === 4) b.swap32();
  else b.swap64();
}

/**
 * Encodes `count` pixels from index `start` into big-endian stored bytes (a new array).
 * Same-type storage is a copy plus byte swap (and sign flip for unsigned conventions).
 * Float pixels stored as integers are quantised: `round((v − BZERO) / BSCALE)`, clamped to
 * the BITPIX range, NaN → BLANK (PROMPTLY_E_FITS_DATA when there is no BLANK). Other
 * conversions go through numbers. Integer BITPIX 64 from float input is not supported.
 */
export function encodePixels(
  pixels: PixelArray,
  start: number,
  count: number,
  storage: PixelStorage,
): Uint8Array {
  const outSize = Math.abs(storage.bitpix) / 8;
  const out = new Uint8Array(count * outSize);
  if (isNativeStorage(pixels, storage)) {
    const src = pixels.subarray(start, start + count);
    out.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength));
    swapInPlace(out, outSize);
    if (storage.bzero !== 0) flipSignBits(out, outSize);
    return out;
  }
  const view = new DataView(out.buffer);
  const { bscale, bzero } = storage;
  if (storage.bitpix < 0) {
    const put = storage.bitpix === -32 ? view.setFloat32.bind(view) : view.setFloat64.bind(view);
    for (let i = 0; i < count; i++) put(i * outSize, (Number(pixels[start + i]) - bzero) / bscale);
    return out;
  }
  if (storage.bitpix === 64) {
    if (bscale !== 1 || !(pixels instanceof BigInt64Array || pixels instanceof BigUint64Array)) {
      throw new PromptlyError(
        'PROMPTLY_E_FITS_UNSUPPORTED',
        'BITPIX 64 is written only from BigInt64Array/BigUint64Array',
      );
    }
    const shift = BigInt(bzero);
    for (let i = 0; i < count; i++)
      view.setBigInt64(i * 8, BigInt.asIntN(64, (pixels[start + i] as bigint) - shift));
    return out;
  }
  const [lo, hi] = INT_RANGE[storage.bitpix] ?? [0, 0];
  const blank = storage.blank === undefined ? undefined : Number(storage.blank);
  for (let i = 0; i < count; i++) {
    const v = Number(pixels[start + i]);
    let s: number;
    if (Number.isNaN(v)) {
      if (blank === undefined) {
        throw new PromptlyError(
          'PROMPTLY_E_FITS_DATA',
          'NaN pixel written to an integer image without BLANK',
        );
      }
      s = blank;
    } else {
      s = Math.round((v - bzero) / bscale);
      s = s < lo ? lo : s > hi ? hi : s;
    }
    if (outSize === 1) view.setUint8(i, s);
    else if (outSize === 2) view.setInt16(i * 2, s);
    else view.setInt32(i * 4, s);
  }
  return out;
}

/**
 * Yields the stored bytes of an image in chunks of about `chunkBytes` (whole pixels), so a
 * writer never holds a second full copy of the image.
 */
export function* pixelChunks(
  pixels: PixelArray,
  storage: PixelStorage,
  chunkBytes = DEFAULT_CHUNK_BYTES,
): Generator<Uint8Array> {
  const per = Math.max(
    1,
    Math.floor(
      chunkBytes / Math.max(bytesPerPixel(pixelTypeOf(pixels)), Math.abs(storage.bitpix) / 8),
    ),
  );
  for (let start = 0; start < pixels.length; start += per) {
    yield encodePixels(pixels, start, Math.min(per, pixels.length - start), storage);
  }
}

/** Natural storage for an array type (see storageFor) with BSCALE 1 and no BLANK. */
export function naturalStorage(pixels: PixelArray): PixelStorage {
  const s = storageFor(pixelTypeOf(pixels));
  return { bitpix: s.bitpix, bscale: 1, bzero: s.bzero, blank: undefined };
}
