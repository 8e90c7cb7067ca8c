import type { Bitpix } from '../hdu/hdu-info.js';
import {
  choosePixelFormat,
  rawPixelType,
  viewAs,
  type PixelArray,
  type PixelFormat,
  type PixelScaling,
} from './pixel-format.js';

/** True on a big-endian CPU (then stored FITS bytes are already native). */
export const isBigEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 0;

/** Converts big-endian elements of `size` bytes to native order, in place (native swaps). */
export function swapToNative(bytes: Uint8Array, size: number): void {
  if (size === 1 || bytes.length === 0 || isBigEndianHost) return;
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (size === 2) b.swap16();
  else if (size === 4) b.swap32();
  else b.swap64();
}

/**
 * Flips the sign bit of every big-endian element of `size` bytes, in place (this maps
 * stored values to the unsigned conventions and back). Works on 32-bit words when aligned.
 */
export function flipSignBits(bytes: Uint8Array, size: number): void {
  const n = bytes.length;
  if (bytes.byteOffset % 4 !== 0 || n % 4 !== 0 || isBigEndianHost) {
    for (let i = 0; i < n; i += size) bytes[i] = (bytes[i] as number) ^ 0x80;
    return;
  }
  // Little-endian words: the first byte of each element is the word's low byte.
  const w = new Uint32Array(bytes.buffer, bytes.byteOffset, n / 4);
  const mask = size === 1 ? 0x80808080 : size === 2 ? 0x00800080 : 0x00000080;
  const step = size === 8 ? 2 : 1;
  for (let i = 0; i < w.length; i += step) w[i] = (w[i] as number) ^ mask;
}

function aligned(bytes: Uint8Array, size: number): Uint8Array {
  if (bytes.byteOffset % size === 0) return bytes;
  // Copy into a fresh (aligned) buffer; Buffer#slice would not copy.
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy;
}

/**
 * Decodes stored big-endian pixels into a typed array, per {@link choosePixelFormat}.
 * `bytes` is consumed: it is byte-swapped in place and, for unscaled output, the result is a
 * view over the same memory (no copy). Scaled output is a new Float32Array/Float64Array;
 * integer pixels equal to BLANK become NaN there.
 */
export function decodePixels(
  bytes: Uint8Array,
  bitpix: Bitpix,
  scaling: PixelScaling,
  raw = false,
): { pixels: PixelArray; format: PixelFormat } {
  const size = Math.abs(bitpix) / 8;
  const format = choosePixelFormat(bitpix, scaling, raw);
  const buf = aligned(bytes, size);
  const count = Math.floor(buf.length / size);
  if (format.signFlip) flipSignBits(buf, size);
  swapToNative(buf, size);
  if (!format.scaled)
    return { pixels: viewAs(format.type, buf.buffer, buf.byteOffset, count), format };

  const stored = viewAs(rawPixelType(bitpix), buf.buffer, buf.byteOffset, count);
  const { bscale, bzero } = scaling;
  if (stored instanceof Float32Array || stored instanceof Float64Array) {
    // Float BITPIX: scale in place (BLANK does not apply; NaN stays NaN).
    for (let i = 0; i < count; i++) stored[i] = (stored[i] as number) * bscale + bzero;
    return { pixels: stored, format };
  }
  const out = format.type === 'float32' ? new Float32Array(count) : new Float64Array(count);
  if (stored instanceof BigInt64Array) {
    const blank = scaling.blank === undefined ? undefined : BigInt(scaling.blank);
    for (let i = 0; i < count; i++) {
      const v = stored[i] as bigint;
      out[i] = v === blank ? Number.NaN : Number(v) * bscale + bzero;
    }
    return { pixels: out, format };
  }
  const ints = stored as Uint8Array | Int16Array | Int32Array;
  const blank = scaling.blank === undefined ? Number.NaN : Number(scaling.blank);
  if (Number.isNaN(blank)) {
    for (let i = 0; i < count; i++) out[i] = (ints[i] as number) * bscale + bzero;
  } else {
    for (let i = 0; i < count; i++) {
      const v = ints[i] as number;
      out[i] = v === blank ? Number.NaN : v * bscale + bzero;
    }
  }
  return { pixels: out, format };
}
