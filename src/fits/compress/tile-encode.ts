/**
 * Encodes one tile of pixels for a compressed-image table: RICE_1, GZIP_1, GZIP_2 or
 * NOCOMPRESS of integer values (quantized first for float images), or a lossless gzip of
 * the float bytes when a float tile cannot be quantized.
 */
import { PromptlyError } from '../../core/errors.js';
import { gzipTile, shuffleBytes } from './gzip.js';
import { pixelsToBigEndian, type ImagePixels } from './pixels.js';
import { quantizeTile, type QuantizeMethod } from './quantize.js';
import { riceEncode, riceMaxEncodedBytes, type RiceBytePix } from './rice.js';

/** Algorithms the writer supports. */
export type WriteCompression = 'RICE_1' | 'GZIP_1' | 'GZIP_2' | 'NOCOMPRESS';

/** Settings shared by every tile of one image. */
export interface TileEncoding {
  readonly compression: WriteCompression;
  readonly riceBlockSize: number;
  readonly gzipLevel: number;
  /** Quantization of float tiles; undefined to store floats losslessly (gzip). */
  readonly quantize:
    | { readonly level: number; readonly method: QuantizeMethod; readonly ditherSeed: number }
    | undefined;
}

/** One encoded tile: which column its bytes go to, and its ZSCALE/ZZERO. */
export interface EncodedTile {
  readonly column: 'COMPRESSED_DATA' | 'GZIP_COMPRESSED_DATA';
  readonly bytes: Uint8Array;
  /** Element count written to the descriptor (bytes: every column is 1PB). */
  readonly count: number;
  readonly scale: number;
  readonly zero: number;
  readonly hasNull: boolean;
}

/** Per-image scratch buffers, reused tile after tile. */
export class TileEncoder {
  #ints = new Int32Array(0);
  #bytes = new Uint8Array(0);
  #shuffled = new Uint8Array(0);
  #rice = new Uint8Array(0);

  constructor(private readonly enc: TileEncoding) {}

  #intScratch(n: number): Int32Array {
    if (this.#ints.length < n) this.#ints = new Int32Array(n);
    return this.#ints.subarray(0, n);
  }

  #bigEndian(values: ImagePixels): Uint8Array {
    if (this.#bytes.length < values.byteLength) this.#bytes = new Uint8Array(values.byteLength);
    return pixelsToBigEndian(values, this.#bytes);
  }

  /**
   * Bytes that `encode` may write straight into the `target` it is given for a tile of
   * `pixels` (the most that RICE_1 takes for them); 0 when this encoding always returns bytes
   * of its own (gzip, NOCOMPRESS, floats, 8-byte integers).
   */
  directBytes(pixels: ImagePixels): number {
    const bytePix = pixels.BYTES_PER_ELEMENT;
    if (this.enc.compression !== 'RICE_1' || isFloatPixels(pixels) || bytePix > 4) return 0;
    return riceMaxEncodedBytes(pixels.length, bytePix as RiceBytePix, this.enc.riceBlockSize);
  }

  #encodeInts(values: ImagePixels, n: number, target?: Uint8Array): Uint8Array {
    const { compression } = this.enc;
    if (compression === 'RICE_1') {
      if (
        values instanceof BigInt64Array ||
        values instanceof Float32Array ||
        values instanceof Float64Array
      ) {
        throw new PromptlyError(
          'PROMPTLY_E_FITS_UNSUPPORTED',
          'RICE_1 needs 8, 16 or 32-bit integers',
        );
      }
      const bytePix = values.BYTES_PER_ELEMENT as RiceBytePix;
      const cap = riceMaxEncodedBytes(n, bytePix, this.enc.riceBlockSize);
      if (target !== undefined && target.length >= cap)
        return riceEncode(values, n, bytePix, this.enc.riceBlockSize, target);
      if (this.#rice.length < cap) this.#rice = new Uint8Array(cap * 2);
      return riceEncode(values, n, bytePix, this.enc.riceBlockSize, this.#rice);
    }
    const be = this.#bigEndian(values);
    if (compression === 'NOCOMPRESS') return be;
    if (compression === 'GZIP_2' && values.BYTES_PER_ELEMENT > 1) {
      if (this.#shuffled.length < be.length) this.#shuffled = new Uint8Array(be.length);
      return gzipTile(
        shuffleBytes(be, values.BYTES_PER_ELEMENT, this.#shuffled.subarray(0, be.length)),
        this.enc.gzipLevel,
      );
    }
    return gzipTile(be, this.enc.gzipLevel);
  }

  /**
   * Encodes one tile. The returned bytes may be a view of the encoder's scratch: copy them
   * before the next call. `pixels` holds exactly the tile's values (first axis fastest);
   * `width`×`height` is its 2-D shape for the noise estimate (height = product of the other
   * axes); `index` is the 0-based tile number (dither sequence position). With a `target`
   * of at least {@link directBytes}, integer Rice tiles are coded into it (the bytes are
   * then a view of `target` from its start), saving a copy per tile.
   */
  encode(
    pixels: ImagePixels,
    width: number,
    height: number,
    index: number,
    target?: Uint8Array,
  ): EncodedTile {
    const n = pixels.length;
    const isFloat = isFloatPixels(pixels);
    if (isFloat && this.enc.quantize !== undefined) {
      const q = this.enc.quantize;
      const ints = this.#intScratch(n);
      const r = quantizeTile(pixels, width, height, q.level, q.method, index, q.ditherSeed, ints);
      if (r.ok) {
        const bytes = this.#encodeInts(ints, n);
        return {
          column: 'COMPRESSED_DATA',
          bytes,
          count: bytes.length,
          scale: r.scale,
          zero: r.zero,
          hasNull: r.hasNull,
        };
      }
      const bytes = gzipTile(this.#bigEndian(pixels), this.enc.gzipLevel);
      return {
        column: 'GZIP_COMPRESSED_DATA',
        bytes,
        count: bytes.length,
        scale: 0,
        zero: 0,
        hasNull: false,
      };
    }
    if (isFloat && this.enc.compression === 'RICE_1') {
      // Rice has no float form: an unquantized float tile is stored as gzipped float bytes
      const bytes = gzipTile(this.#bigEndian(pixels), this.enc.gzipLevel);
      return {
        column: 'GZIP_COMPRESSED_DATA',
        bytes,
        count: bytes.length,
        scale: 0,
        zero: 0,
        hasNull: false,
      };
    }
    const bytes = this.#encodeInts(pixels, n, target);
    return {
      column: 'COMPRESSED_DATA',
      bytes,
      count: bytes.length,
      scale: 0,
      zero: 0,
      hasNull: false,
    };
  }
}

function isFloatPixels(pixels: ImagePixels): pixels is Float32Array | Float64Array {
  return pixels instanceof Float32Array || pixels instanceof Float64Array;
}
