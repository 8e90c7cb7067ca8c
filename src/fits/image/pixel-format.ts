import { PromptlyError } from '../../core/errors.js';
import type { Header } from '../header/header.js';
import type { Bitpix } from '../hdu/hdu-info.js';

/** Every typed array an image can be read into or written from. */
export type PixelArray =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

/** Names of the array types of {@link PixelArray}. */
export type PixelType =
  | 'uint8'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'float32'
  | 'float64';

/** BSCALE/BZERO/BLANK of an image HDU (BLANK only for integer BITPIX). */
export interface PixelScaling {
  /** BSCALE, default 1. */
  readonly bscale: number;
  /** BZERO, default 0 (a bigint only for 2^63, the unsigned 64-bit convention). */
  readonly bzero: number;
  /** BLANK: the stored integer that marks an undefined pixel, when present. */
  readonly blank: number | bigint | undefined;
}

/** BZERO values of the unsigned-integer conventions, by BITPIX. */
export const UNSIGNED_BZERO: Readonly<Record<number, number>> = {
  8: -128,
  16: 32768,
  32: 2147483648,
  64: 9223372036854775808,
};

/** Reads BSCALE/BZERO/BLANK from a header (defaults 1, 0, none). */
export function readScaling(header: Header): PixelScaling {
  const blank = header.get('BLANK');
  return {
    bscale: header.getNumber('BSCALE', 1),
    bzero: header.getNumber('BZERO', 0),
    blank: typeof blank === 'number' || typeof blank === 'bigint' ? blank : undefined,
  };
}

/** Output chosen for an image: the typed array type and whether values are physical. */
export interface PixelFormat {
  readonly type: PixelType;
  /** Stored values need `v * bscale + bzero` (float output, BLANK → NaN). */
  readonly scaled: boolean;
  /** Stored values need their sign bit flipped (unsigned / Int8 conventions). */
  readonly signFlip: boolean;
}

const RAW_TYPE: Readonly<Record<Bitpix, PixelType>> = {
  8: 'uint8',
  16: 'int16',
  32: 'int32',
  64: 'int64',
  [-32]: 'float32',
  [-64]: 'float64',
};

/** Typed array type that holds stored values of a BITPIX unchanged. */
export function rawPixelType(bitpix: Bitpix): PixelType {
  return RAW_TYPE[bitpix];
}

/**
 * Chooses how an image is returned:
 * - `raw: true`, or BSCALE = 1 and BZERO = 0: stored values in their own type
 *   (8 → Uint8Array, 16 → Int16Array, 32 → Int32Array, 64 → BigInt64Array, -32/-64 → Float32/64Array);
 * - BSCALE = 1 and the unsigned BZERO (8: -128, 16: 2^15, 32: 2^31, 64: 2^63): exact
 *   Int8Array, Uint16Array, Uint32Array, BigUint64Array;
 * - any other scaling: physical values `stored × BSCALE + BZERO`, in Float32Array for BITPIX 8,
 *   16 and -32, Float64Array for 32, 64 and -64; integer pixels equal to BLANK become NaN.
 */
export function choosePixelFormat(bitpix: Bitpix, scaling: PixelScaling, raw = false): PixelFormat {
  const plain = scaling.bscale === 1 && scaling.bzero === 0;
  if (raw || plain) return { type: RAW_TYPE[bitpix], scaled: false, signFlip: false };
  if (scaling.bscale === 1 && bitpix > 0 && UNSIGNED_BZERO[bitpix] === scaling.bzero) {
    const type: PixelType =
      bitpix === 8 ? 'int8' : bitpix === 16 ? 'uint16' : bitpix === 32 ? 'uint32' : 'uint64';
    return { type, scaled: false, signFlip: true };
  }
  const type: PixelType = bitpix === 8 || bitpix === 16 || bitpix === -32 ? 'float32' : 'float64';
  return { type, scaled: true, signFlip: false };
}

/** Bytes per element of a pixel type. */
export function bytesPerPixel(type: PixelType): number {
  switch (type) {
    case 'uint8':
    case 'int8':
      return 1;
    case 'int16':
    case 'uint16':
      return 2;
    case 'int32':
    case 'uint32':
    case 'float32':
      return 4;
    default:
      return 8;
  }
}

/** The pixel type of a typed array. */
export function pixelTypeOf(a: PixelArray): PixelType {
  if (a instanceof Uint8Array) return 'uint8';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Uint16Array) return 'uint16';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint32Array) return 'uint32';
  if (a instanceof BigInt64Array) return 'int64';
  if (a instanceof BigUint64Array) return 'uint64';
  if (a instanceof Float32Array) return 'float32';
  return 'float64';
}

/** A typed view of `type` over `bytes` (which must be aligned to the element size). */
export function viewAs(
  type: PixelType,
  buffer: ArrayBufferLike,
  byteOffset: number,
  length: number,
): PixelArray {
  switch (type) {
    case 'uint8':
      return new Uint8Array(buffer, byteOffset, length);
    case 'int8':
      return new Int8Array(buffer, byteOffset, length);
    case 'int16':
      return new Int16Array(buffer, byteOffset, length);
    case 'uint16':
      return new Uint16Array(buffer, byteOffset, length);
    case 'int32':
      return new Int32Array(buffer, byteOffset, length);
    case 'uint32':
      return new Uint32Array(buffer, byteOffset, length);
    case 'int64':
      return new BigInt64Array(buffer, byteOffset, length);
    case 'uint64':
      return new BigUint64Array(buffer, byteOffset, length);
    case 'float32':
      return new Float32Array(buffer, byteOffset, length);
    case 'float64':
      return new Float64Array(buffer, byteOffset, length);
  }
}

/** Storage a typed array maps to when written: BITPIX and the BZERO of unsigned conventions. */
export function storageFor(type: PixelType): { bitpix: Bitpix; bzero: number } {
  switch (type) {
    case 'uint8':
      return { bitpix: 8, bzero: 0 };
    case 'int8':
      return { bitpix: 8, bzero: -128 };
    case 'int16':
      return { bitpix: 16, bzero: 0 };
    case 'uint16':
      return { bitpix: 16, bzero: 32768 };
    case 'int32':
      return { bitpix: 32, bzero: 0 };
    case 'uint32':
      return { bitpix: 32, bzero: 2147483648 };
    case 'int64':
      return { bitpix: 64, bzero: 0 };
    case 'uint64':
      return { bitpix: 64, bzero: 9223372036854775808 };
    case 'float32':
      return { bitpix: -32, bzero: 0 };
    case 'float64':
      return { bitpix: -64, bzero: 0 };
  }
}

/** Throws PROMPTLY_E_FITS_DATA when `length` is not the product of `shape`. */
export function checkShape(shape: readonly number[], length: number): void {
  let n = shape.length === 0 ? 0 : 1;
  for (const s of shape) {
    if (!Number.isSafeInteger(s) || s < 0)
      throw new PromptlyError('PROMPTLY_E_FITS_DATA', `bad axis length ${s}`);
    n *= s;
  }
  if (n !== length) {
    throw new PromptlyError(
      'PROMPTLY_E_FITS_DATA',
      `shape [${shape.join(', ')}] holds ${n} pixels, array has ${length}`,
    );
  }
}
