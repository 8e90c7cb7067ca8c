/**
 * Decodes one tile of a compressed image from its heap bytes into pixel values, applying
 * the algorithm (ZCMPTYPE) and, for quantized float images, ZSCALE/ZZERO/ZBLANK and the
 * subtractive dither. Tiles that the writer could not compress are read from
 * GZIP_COMPRESSED_DATA or UNCOMPRESSED_DATA.
 */
import { PromptlyError } from '../../core/errors.js';
import type { CompressedImageInfo } from './compressed-image-info.js';
import { elemBytes } from './compressed-table.js';
import { gunzipTile, unshuffleBytes } from './gzip.js';
import { hDecompress } from './hcompress.js';
import { pixelsFromBigEndian, type ImageBitpix, type ImagePixels } from './pixels.js';
import { plioDecodeInto } from './plio.js';
import { unquantizeInto } from './quantize.js';
import { riceDecodeInto } from './rice.js';

/** The heap bytes and per-tile values of one tile, as read from its table row. */
export interface RawTile {
  /** 0-based tile index (table row − 1). */
  readonly index: number;
  /** Number of pixels in the tile. */
  readonly pixels: number;
  /** Tile width (first axis) and the product of the other axes, for HCOMPRESS. */
  readonly width: number;
  /** Bytes of COMPRESSED_DATA (may be empty when another column holds the tile). */
  readonly compressed: Uint8Array;
  /** Bytes of GZIP_COMPRESSED_DATA (lossless fallback for float tiles). */
  readonly gzip: Uint8Array;
  /** Bytes of UNCOMPRESSED_DATA. */
  readonly uncompressed: Uint8Array;
  readonly scale: number | undefined;
  readonly zero: number | undefined;
  readonly blank: number | undefined;
}

function dataError(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_FITS_DATA', message);
}

const ELEM_BITPIX: Record<string, ImageBitpix> = { B: 8, I: 16, J: 32, K: 64, E: -32, D: -64 };

function elemBitpix(type: string): ImageBitpix {
  const b = ELEM_BITPIX[type];
  if (b === undefined)
    throw new PromptlyError('PROMPTLY_E_FITS_UNSUPPORTED', `tile arrays of type ${type}`);
  return b;
}

/** Copies numbers between typed arrays (bigint ↔ number converted). */
function copyValues(
  src: ImagePixels | Float64Array | Int32Array,
  dst: ImagePixels,
  n: number,
): void {
  if (src instanceof BigInt64Array) {
    if (dst instanceof BigInt64Array) dst.set(src.subarray(0, n));
    else for (let i = 0; i < n; i++) dst[i] = Number(src[i]);
  } else if (dst instanceof BigInt64Array) {
    for (let i = 0; i < n; i++) dst[i] = BigInt(Math.trunc(src[i] as number));
  } else if (src.constructor === dst.constructor) {
    (dst as Int32Array).set((src as Int32Array).subarray(0, n));
  } else {
    for (let i = 0; i < n; i++) dst[i] = src[i] as number;
  }
}

function naturalRiceArray(bytePix: number, n: number): Int32Array | Int16Array | Uint8Array {
  return bytePix === 4 ? new Int32Array(n) : bytePix === 2 ? new Int16Array(n) : new Uint8Array(n);
}

/**
 * Decodes the COMPRESSED_DATA bytes of a tile into stored values of type `storedBitpix`
 * (the image BITPIX, or 32 for quantized floats), writing `out[0..n)`.
 */
function decodeStored(
  info: CompressedImageInfo,
  raw: RawTile,
  storedBitpix: ImageBitpix,
  out: ImagePixels,
): void {
  const n = raw.pixels;
  const bytes = raw.compressed;
  const elemType = info.compressedColumn?.elemType ?? 'B';
  switch (info.cmptype) {
    case 'RICE_1': {
      const bp = info.riceBytePix;
      const direct =
        (bp === 4 && out instanceof Int32Array) ||
        (bp === 2 && out instanceof Int16Array) ||
        (bp === 1 && out instanceof Uint8Array);
      if (direct) {
        riceDecodeInto(bytes, out, n, bp, info.riceBlockSize);
      } else {
        const tmp = naturalRiceArray(bp, n);
        riceDecodeInto(bytes, tmp, n, bp, info.riceBlockSize);
        copyValues(tmp, out, n);
      }
      return;
    }
    case 'GZIP_1':
    case 'GZIP_2': {
      const size = Math.abs(storedBitpix) / 8;
      let plain = gunzipTile(bytes, n * size);
      if (info.cmptype === 'GZIP_2' && size > 1) plain = unshuffleBytes(plain, size);
      copyValues(pixelsFromBigEndian(plain, storedBitpix), out, n);
      return;
    }
    case 'PLIO_1': {
      if (elemType !== 'I' && elemType !== 'B') throw dataError(`PLIO_1 tile of type ${elemType}`);
      const words = elemType === 'I' ? pixelsFromBigEndian(bytes, 16) : new Int16Array(bytes);
      const tmp = new Int32Array(n);
      plioDecodeInto(words as Int16Array, tmp, n);
      copyValues(tmp, out, n);
      return;
    }
    case 'HCOMPRESS_1': {
      const decoded = hDecompress(bytes, n, info.smooth);
      copyValues(decoded.pixels, out, n);
      return;
    }
    case 'NOCOMPRESS': {
      // cfitsio stores the tile's big-endian bytes in a 1PB column; other writers may use
      // an array of the pixel type itself
      const values = pixelsFromBigEndian(
        bytes,
        elemType === 'B' ? storedBitpix : elemBitpix(elemType),
      );
      if (values.length < n) throw dataError(`NOCOMPRESS tile ${raw.index + 1} is short`);
      copyValues(values, out, n);
      return;
    }
  }
}

/**
 * Decodes tile `raw` into `out[0..raw.pixels)`, where `out` is typed for the image BITPIX
 * (ZBITPIX). `quantized`, when at least `raw.pixels` long, holds a quantized float tile's
 * integers instead of a new array: a caller decoding many tiles reuses one buffer rather than
 * touching fresh memory per tile. Throws PROMPTLY_E_FITS_DATA for a corrupt or missing tile.
 */
export function decodeTile(
  info: CompressedImageInfo,
  raw: RawTile,
  out: ImagePixels,
  quantized?: Int32Array,
): void {
  const n = raw.pixels;
  if (out.length < n) throw new PromptlyError('PROMPTLY_E_INTERNAL', 'tile output too small');
  if (raw.compressed.length > 0) {
    if (info.quantize !== undefined && info.bitpix < 0) {
      const ints =
        quantized !== undefined && quantized.length >= n
          ? quantized.subarray(0, n)
          : new Int32Array(n);
      decodeStored(info, raw, 32, ints);
      const scale = raw.scale ?? info.scaleKeyword;
      const zero = raw.zero ?? info.zeroKeyword;
      if (scale === undefined || zero === undefined) {
        throw dataError(`tile ${raw.index + 1} has no ZSCALE/ZZERO`);
      }
      unquantizeInto(
        ints,
        n,
        {
          method: info.quantize,
          scale,
          zero,
          tileIndex: raw.index,
          ditherSeed: info.ditherSeed,
          blank: raw.blank ?? info.blankKeyword,
        },
        out as Float32Array | Float64Array,
      );
      return;
    }
    decodeStored(info, raw, info.bitpix, out);
    return;
  }
  if (raw.gzip.length > 0) {
    const size = Math.abs(info.bitpix) / 8;
    const plain = gunzipTile(raw.gzip, n * size);
    copyValues(pixelsFromBigEndian(plain, info.bitpix), out, n);
    return;
  }
  if (raw.uncompressed.length > 0) {
    const type = info.uncompressedColumn?.elemType ?? 'B';
    const values = pixelsFromBigEndian(raw.uncompressed, elemBitpix(type));
    if (values.length < n) throw dataError(`uncompressed tile ${raw.index + 1} is short`);
    copyValues(values, out, n);
    return;
  }
  throw dataError(`tile ${raw.index + 1} has no data in any column`);
}

/** Bytes of a heap array of `count` elements of the column's element type. */
export function heapArrayBytes(count: number, elemType: string): number {
  return count * elemBytes(elemType);
}
