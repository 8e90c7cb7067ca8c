/**
 * Typed pixel arrays by BITPIX and the big-endian conversions FITS needs. Conversions use
 * Node's native Buffer.swap16/32/64 (the host is little-endian on every supported platform).
 */
import { PromptlyError } from '../../core/errors.js';

/** BITPIX values of FITS images. */
export type ImageBitpix = 8 | 16 | 32 | 64 | -32 | -64;

/**
 * Pixels of an image as stored (before BSCALE/BZERO): Uint8Array (BITPIX 8), Int16Array
 * (16), Int32Array (32), BigInt64Array (64), Float32Array (−32), Float64Array (−64).
 */
export type ImagePixels =
  Uint8Array | Int16Array | Int32Array | BigInt64Array | Float32Array | Float64Array;

/** Bytes per pixel of a BITPIX. */
export function bytesPerPixel(bitpix: ImageBitpix): number {
  return Math.abs(bitpix) / 8;
}

/** True for one of the six image BITPIX values. */
export function isImageBitpix(v: unknown): v is ImageBitpix {
  return v === 8 || v === 16 || v === 32 || v === 64 || v === -32 || v === -64;
}

/** A zeroed array of `n` pixels of the type matching `bitpix`. */
export function allocPixels(bitpix: ImageBitpix, n: number): ImagePixels {
  if (!Number.isSafeInteger(n) || n < 0 || n > 2 ** 31) {
    throw new PromptlyError('PROMPTLY_E_FITS_DATA', `image of ${n} pixels is too large to hold`);
  }
  switch (bitpix) {
    case 8:
      return new Uint8Array(n);
    case 16:
      return new Int16Array(n);
    case 32:
      return new Int32Array(n);
    case 64:
      return new BigInt64Array(n);
    case -32:
      return new Float32Array(n);
    case -64:
      return new Float64Array(n);
  }
}

/** BITPIX of a pixel array. */
export function bitpixOf(pixels: ImagePixels): ImageBitpix {
  if (pixels instanceof Uint8Array) return 8;
  if (pixels instanceof Int16Array) return 16;
  if (pixels instanceof Int32Array) return 32;
  if (pixels instanceof BigInt64Array) return 64;
  if (pixels instanceof Float32Array) return -32;
  return -64;
}

function swapInPlace(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (size === 2) buf.swap16();
  else if (size === 4) buf.swap32();
  else buf.swap64();
}

/**
 * Views big-endian bytes as pixels of `bitpix`, byte-swapping IN PLACE (the bytes must be
 * owned by the caller and not used afterwards). Copies only when `bytes` is misaligned.
 */
export function pixelsFromBigEndian(bytes: Uint8Array, bitpix: ImageBitpix): ImagePixels {
  const size = bytesPerPixel(bitpix);
  const n = Math.floor(bytes.length / size);
  let b = bytes.subarray(0, n * size);
  if (b.byteOffset % size !== 0) b = b.slice();
  swapInPlace(b, size);
  switch (bitpix) {
    case 8:
      return b;
    case 16:
      return new Int16Array(b.buffer, b.byteOffset, n);
    case 32:
      return new Int32Array(b.buffer, b.byteOffset, n);
    case 64:
      return new BigInt64Array(b.buffer, b.byteOffset, n);
    case -32:
      return new Float32Array(b.buffer, b.byteOffset, n);
    case -64:
      return new Float64Array(b.buffer, b.byteOffset, n);
  }
}

/** Big-endian bytes of pixels (a new array; `out` is used when it is large enough). */
export function pixelsToBigEndian(pixels: ImagePixels, out?: Uint8Array): Uint8Array {
  const src = new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  const dst =
    out !== undefined && out.length >= src.length
      ? out.subarray(0, src.length)
      : new Uint8Array(src.length);
  dst.set(src);
  swapInPlace(dst, pixels.BYTES_PER_ELEMENT);
  return dst;
}
