/**
 * Writing an image as a tile-compressed binary-table HDU, as fpack does: tiles of one row
 * by default (or ZTILE as given), encoded one by one into the heap; the header keeps the
 * image's own cards after the compression keywords, so funpack restores the same image.
 */
import { PromptlyError, throwIfAborted } from '../../core/errors.js';
import { makeValueCard } from '../header/card.js';
import { Header } from '../header/header.js';
import { chooseDitherSeed } from './dither.js';
import { GZIP_DEFAULT_LEVEL } from './gzip.js';
import { userCards } from './image-header.js';
import { bitpixOf, type ImagePixels } from './pixels.js';
import { NULL_VALUE, type QuantizeMethod } from './quantize.js';
import { RICE_DEFAULT_BLOCK_SIZE } from './rice.js';
import { TileEncoder, type WriteCompression } from './tile-encode.js';
import type { DecodedImage } from './tiled-image.js';

/** Options of compressImage. */
export interface CompressImageOptions {
  /** Algorithm; default RICE_1. BITPIX 64 is refused (no reader supports it). */
  readonly compression?: WriteCompression;
  /** Tile shape per axis (ZTILEn); default: one image row (NAXIS1 × 1 × …), as fpack. */
  readonly tile?: readonly number[];
  /**
   * Quantization level Q for float images (fpack `-q`): step = σ/Q; a negative value is an
   * absolute step; 0 stores floats losslessly (gzip). Default 4.
   */
  readonly quantizeLevel?: number;
  /** Dither method for quantized floats; default SUBTRACTIVE_DITHER_1 (fpack's default). */
  readonly quantizeMethod?: QuantizeMethod;
  /** ZDITHER0 (1..10000); default derived from the clock, as cfitsio. */
  readonly ditherSeed?: number;
  /** RICE_1 block size; default 32. */
  readonly riceBlockSize?: number;
  /** zlib level for GZIP_1/GZIP_2; default 1, as cfitsio. */
  readonly gzipLevel?: number;
  /** True when the image was a primary HDU (ZSIMPLE); default: SIMPLE in its header. */
  readonly fromPrimary?: boolean;
  readonly signal?: AbortSignal;
}

/**
 * A compressed-image HDU ready to write (a WritableHdu of the FITS writer): the table
 * header, then the data unit as table rows followed by the heap, without padding.
 */
export interface CompressedHdu {
  readonly header: Header;
  /** Produces the data unit chunks (replayable: the same arrays each time). */
  readonly data: () => readonly Uint8Array[];
  /** Unpadded data unit size: NAXIS1 × NAXIS2 + PCOUNT. */
  readonly dataSize: number;
}

function badOption(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_FITS_UNSUPPORTED', message);
}

/**
 * Compresses an image into one tile-compressed HDU. Tiles are encoded one at a time with
 * reused scratch buffers; only the compressed bytes are kept. Throws
 * PROMPTLY_E_FITS_UNSUPPORTED for impossible options (BITPIX 64, bad tile or ZDITHER0).
 */
export function compressImage(
  image: DecodedImage,
  options: CompressImageOptions = {},
): CompressedHdu {
  const { axes, pixels } = image;
  const bitpix = bitpixOf(pixels);
  const nd = axes.length;
  const total = axes.reduce((a, b) => a * b, nd === 0 ? 0 : 1);
  if (pixels.length !== total)
    throw badOption(`image has ${pixels.length} pixels, axes say ${total}`);
  const compression = options.compression ?? 'RICE_1';
  if (bitpix === 64) {
    // cfitsio (fpack, funpack) and astropy refuse compressed 64-bit images: do not write any
    throw badOption('compressed BITPIX 64 images are not readable by cfitsio or astropy');
  }
  const isFloat = bitpix < 0;
  const level = options.quantizeLevel ?? 4;
  const quantize =
    isFloat && level !== 0
      ? {
          level,
          method: options.quantizeMethod ?? 'SUBTRACTIVE_DITHER_1',
          ditherSeed: options.ditherSeed ?? chooseDitherSeed(),
        }
      : undefined;
  if (
    quantize !== undefined &&
    (!Number.isInteger(quantize.ditherSeed) ||
      quantize.ditherSeed < 1 ||
      quantize.ditherSeed > 10000)
  ) {
    throw badOption(`ZDITHER0 ${quantize.ditherSeed} is outside 1..10000`);
  }
  const tile = axes.map((n, d) => Math.max(1, Math.min(options.tile?.[d] ?? (d === 0 ? n : 1), n)));
  if (options.tile !== undefined && options.tile.some((t) => !Number.isInteger(t) || t < 1)) {
    throw badOption(`tile [${options.tile}] must be positive integers`);
  }
  const tilesPerAxis = axes.map((n, d) => Math.ceil(n / (tile[d] as number)));
  const tileCount = nd === 0 ? 0 : tilesPerAxis.reduce((a, b) => a * b, 1);

  const encoder = new TileEncoder({
    compression,
    riceBlockSize: options.riceBlockSize ?? RICE_DEFAULT_BLOCK_SIZE,
    gzipLevel: options.gzipLevel ?? GZIP_DEFAULT_LEVEL,
    quantize,
  });
  const withScale = quantize !== undefined;
  const withGzipColumn = isFloat;
  const rowBytes = 8 + (withGzipColumn ? 8 : 0) + (withScale ? 16 : 0);
  const table = new Uint8Array(rowBytes * tileCount);
  const dv = new DataView(table.buffer);
  const heap: Uint8Array[] = [];
  let heapSize = 0;
  let maxCompressed = 0;
  let maxGzip = 0;
  let anyNull = false;
  const rowContiguous =
    tile.every((t, d) => (d === 0 ? t === axes[0] : true)) && tile.slice(1).every((t) => t === 1);
  let scratch: ImagePixels | undefined;
  const pos = new Array<number>(nd).fill(0);
  for (let index = 0; index < tileCount; index++) {
    if ((index & 63) === 0) throwIfAborted(options.signal);
    let rest = index;
    const start: number[] = [];
    const shape: number[] = [];
    let n = 1;
    for (let d = 0; d < nd; d++) {
      const k = tilesPerAxis[d] as number;
      const s = (rest % k) * (tile[d] as number);
      rest = Math.floor(rest / k);
      const len = Math.min(tile[d] as number, (axes[d] as number) - s);
      start.push(s);
      shape.push(len);
      n *= len;
    }
    let values: ImagePixels;
    if (rowContiguous) {
      let at = 0;
      let stride = 1;
      for (let d = 0; d < nd; d++) {
        at += (start[d] as number) * stride;
        stride *= axes[d] as number;
      }
      values = pixels.subarray(at, at + n);
    } else {
      if (scratch === undefined || scratch.length < n)
        scratch = new (pixels.constructor as new (n: number) => ImagePixels)(n);
      values = scratch.subarray(0, n);
      gatherTile(pixels, axes, start, shape, values, pos);
    }
    const width = shape[0] ?? 1;
    const enc = encoder.encode(values, width, n / width, index);
    const row = index * rowBytes;
    const colAt = enc.column === 'COMPRESSED_DATA' ? row : row + 8;
    dv.setInt32(colAt, enc.count);
    dv.setInt32(colAt + 4, heapSize);
    if (withScale) {
      dv.setFloat64(row + rowBytes - 16, enc.scale);
      dv.setFloat64(row + rowBytes - 8, enc.zero);
    }
    if (enc.column === 'COMPRESSED_DATA') maxCompressed = Math.max(maxCompressed, enc.count);
    else maxGzip = Math.max(maxGzip, enc.count);
    anyNull ||= enc.hasNull;
    heap.push(enc.bytes);
    heapSize += enc.bytes.length;
  }

  const header = buildHeader(image, options, {
    bitpix,
    compression,
    tile,
    rowBytes,
    tileCount,
    heapSize,
    maxCompressed,
    maxGzip: withGzipColumn ? maxGzip : undefined,
    withScale,
    quantize,
    anyNull,
  });
  const chunks = [table, ...heap];
  return { header, data: () => chunks, dataSize: table.length + heapSize };
}

/** Copies the tile at `start`/`shape` out of an image of shape `axes` into `out`. */
function gatherTile(
  src: ImagePixels,
  axes: readonly number[],
  start: readonly number[],
  shape: readonly number[],
  out: ImagePixels,
  pos: number[],
): void {
  const nd = axes.length;
  for (let d = 0; d < nd; d++) pos[d] = 0;
  const run = shape[0] as number;
  const s = src as Int32Array;
  const o = out as Int32Array;
  let k = 0;
  for (;;) {
    let at = start[0] as number;
    let stride = axes[0] as number;
    for (let d = 1; d < nd; d++) {
      at += ((start[d] as number) + (pos[d] as number)) * stride;
      stride *= axes[d] as number;
    }
    o.set(s.subarray(at, at + run), k);
    k += run;
    let d = 1;
    for (; d < nd; d++) {
      pos[d] = (pos[d] as number) + 1;
      if ((pos[d] as number) < (shape[d] as number)) break;
      pos[d] = 0;
    }
    if (d >= nd) return;
  }
}

interface HeaderFacts {
  readonly bitpix: number;
  readonly compression: WriteCompression;
  readonly tile: readonly number[];
  readonly rowBytes: number;
  readonly tileCount: number;
  readonly heapSize: number;
  readonly maxCompressed: number;
  readonly maxGzip: number | undefined;
  readonly withScale: boolean;
  readonly quantize: { readonly method: QuantizeMethod; readonly ditherSeed: number } | undefined;
  readonly anyNull: boolean;
}

function buildHeader(image: DecodedImage, options: CompressImageOptions, f: HeaderFacts): Header {
  const src = image.header;
  const fromPrimary = options.fromPrimary ?? src.has('SIMPLE');
  const h = new Header();
  const add = (k: string, v: string | number | boolean, c = ''): void => {
    h.append(makeValueCard(k, v, c));
  };
  add('XTENSION', 'BINTABLE', 'binary table extension');
  add('BITPIX', 8, '8-bit bytes');
  add('NAXIS', 2, '2-dimensional binary table');
  add('NAXIS1', f.rowBytes, 'width of table in bytes');
  add('NAXIS2', f.tileCount, 'number of rows in table');
  add('PCOUNT', f.heapSize, 'size of special data area');
  add('GCOUNT', 1, 'one data group (required keyword)');
  add(
    'TFIELDS',
    1 + (f.maxGzip !== undefined ? 1 : 0) + (f.withScale ? 2 : 0),
    'number of fields in each row',
  );
  let n = 1;
  add(`TTYPE${n}`, 'COMPRESSED_DATA', 'label for field');
  add(`TFORM${n}`, `1PB(${f.maxCompressed})`, 'data format of field: variable length array');
  if (f.maxGzip !== undefined) {
    n++;
    add(`TTYPE${n}`, 'GZIP_COMPRESSED_DATA', 'label for field');
    add(`TFORM${n}`, `1PB(${f.maxGzip})`, 'data format of field: variable length array');
  }
  if (f.withScale) {
    n++;
    add(`TTYPE${n}`, 'ZSCALE', 'label for field');
    add(`TFORM${n}`, '1D', 'data format of field: 8-byte DOUBLE');
    n++;
    add(`TTYPE${n}`, 'ZZERO', 'label for field');
    add(`TFORM${n}`, '1D', 'data format of field: 8-byte DOUBLE');
  }
  add('ZIMAGE', true, 'extension contains compressed image');
  f.tile.forEach((t, d) => add(`ZTILE${d + 1}`, t, 'size of tiles to be compressed'));
  add('ZCMPTYPE', f.compression, 'compression algorithm');
  if (f.compression === 'RICE_1') {
    add('ZNAME1', 'BLOCKSIZE', 'compression block size');
    add('ZVAL1', options.riceBlockSize ?? RICE_DEFAULT_BLOCK_SIZE, 'pixels per block');
    add('ZNAME2', 'BYTEPIX', 'bytes per pixel (1, 2, 4, or 8)');
    add(
      'ZVAL2',
      f.quantize !== undefined ? 4 : Math.abs(f.bitpix) / 8,
      'bytes per pixel (1, 2, 4, or 8)',
    );
  }
  if (f.quantize !== undefined) {
    add('ZQUANTIZ', f.quantize.method, 'Dithering method used to quantize the data');
    if (f.quantize.method !== 'NO_DITHER')
      add('ZDITHER0', f.quantize.ditherSeed, 'dithering offset when quantizing floats');
    if (f.anyNull) add('ZBLANK', NULL_VALUE, 'null value in the compressed integer array');
  }
  if (fromPrimary) {
    if (!src.has('EXTNAME')) add('EXTNAME', 'COMPRESSED_IMAGE');
    add('ZSIMPLE', true, 'conforms to FITS standard');
  } else {
    add('ZTENSION', 'IMAGE', 'Image extension');
  }
  add('ZBITPIX', f.bitpix, 'array data type');
  add('ZNAXIS', image.axes.length, 'number of array dimensions');
  image.axes.forEach((a, d) => add(`ZNAXIS${d + 1}`, a, 'length of data axis'));
  if (fromPrimary) {
    const ext = src.get('EXTEND');
    if (typeof ext === 'boolean') add('ZEXTEND', ext, 'FITS dataset may contain extensions');
  } else {
    add('ZPCOUNT', 0, 'number of random group parameters');
    add('ZGCOUNT', 1, 'number of random groups');
  }
  for (const card of userCards(src)) h.append(card);
  return h;
}
