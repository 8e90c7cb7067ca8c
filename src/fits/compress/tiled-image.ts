/**
 * Reading tile-compressed images (the FITS tiled-image convention, as fpack writes it):
 * the whole image, one tile, or a pixel rectangle decoding only the tiles it touches.
 * Reads go through a ByteSource, so a region of a large file costs the table rows plus the
 * heap bytes of the touched tiles.
 */
import { PromptlyError, throwIfAborted } from '../../core/errors.js';
import type { HduInfo } from '../hdu/hdu-info.js';
import type { Header } from '../header/header.js';
import type { ByteSource } from '../io/byte-source.js';
import {
  describeCompressedImage,
  tileBox,
  type CompressedImageInfo,
  type TileBox,
} from './compressed-image-info.js';
import { elemBytes, readDescriptor, readScalar, type TableColumn } from './compressed-table.js';
import { imageHeaderFromCompressed } from './image-header.js';
import { allocPixels, type ImageBitpix, type ImagePixels } from './pixels.js';
import { decodeTile, type RawTile } from './tile-decode.js';

/** An image in memory: its (restored) header, BITPIX, axes and stored pixel values. */
export interface DecodedImage {
  /** Image header as funpack restores it (BSCALE/BZERO/BLANK kept, not applied). */
  readonly header: Header;
  readonly bitpix: ImageBitpix;
  /** NAXIS1 first (fastest-varying). */
  readonly axes: readonly number[];
  /** Stored values, first axis fastest (BSCALE/BZERO not applied). */
  readonly pixels: ImagePixels;
}

/** Options of the compressed-image readers. */
export interface ReadCompressedOptions {
  readonly signal?: AbortSignal;
  /**
   * Restore the header as a primary HDU (SIMPLE) rather than an IMAGE extension. Default:
   * true when the table header has ZSIMPLE (the image was a primary HDU before fpack).
   */
  readonly asPrimary?: boolean;
  /**
   * Largest decoded image accepted, in bytes (default 1 GiB): a header announcing more is
   * refused with PROMPTLY_E_FITS_DATA before anything is allocated.
   */
  readonly maxImageBytes?: number;
}

/** Default cap on the bytes of one decoded image. */
export const DEFAULT_MAX_IMAGE_BYTES = 2 ** 30;

/**
 * Most pixels a tile of `bytes` compressed bytes can legitimately hold: a corrupt header
 * that announces more is caught before the image is allocated. HCOMPRESS has no useful
 * bound (an all-zero tile costs a few bytes whatever its size).
 */
function maxTilePixels(
  info: CompressedImageInfo,
  bytes: number,
  gzipBytes: number,
  rawBytes: number,
): number {
  const size = Math.abs(info.quantize !== undefined ? 32 : info.bitpix) / 8;
  let bound = rawBytes / size + (1032 * gzipBytes) / size;
  switch (info.cmptype) {
    case 'RICE_1': {
      const fsBits = info.riceBytePix === 4 ? 5 : info.riceBytePix === 2 ? 4 : 3;
      bound +=
        (Math.floor((Math.max(0, bytes - info.riceBytePix) * 8) / fsBits) + 1) * info.riceBlockSize;
      break;
    }
    case 'GZIP_1':
    case 'GZIP_2':
      bound += (1032 * bytes) / size + 64;
      break;
    case 'PLIO_1':
      bound += bytes * 2048;
      break;
    case 'NOCOMPRESS':
      bound += bytes / size;
      break;
    case 'HCOMPRESS_1':
      return Infinity;
  }
  return bound;
}

function dataError(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_FITS_DATA', message);
}

function checkCompressed(hdu: HduInfo): CompressedImageInfo {
  if (hdu.kind !== 'compressed-image') {
    throw new PromptlyError('PROMPTLY_E_FITS_DATA', `HDU ${hdu.index} is not a compressed image`);
  }
  const info = describeCompressedImage(hdu.header);
  if (info.table.dataBytes > hdu.dataSize)
    throw dataError('compressed table is larger than its data unit');
  return info;
}

function checkImageSize(
  info: CompressedImageInfo,
  pixels: number,
  maxBytes = DEFAULT_MAX_IMAGE_BYTES,
): void {
  const bytes = pixels * (Math.abs(info.bitpix) / 8);
  if (bytes > maxBytes) {
    throw dataError(
      `image of ${info.axes.join('×')} pixels (${bytes} bytes) exceeds the ${maxBytes}-byte limit`,
    );
  }
}

function checkRawTile(info: CompressedImageInfo, raw: RawTile): void {
  if (
    raw.pixels >
    maxTilePixels(info, raw.compressed.length, raw.gzip.length, raw.uncompressed.length)
  ) {
    throw dataError(
      `tile ${raw.index + 1} announces ${raw.pixels} pixels, more than its bytes can hold`,
    );
  }
}

/** Refuses tiles whose announced pixel count their compressed bytes cannot hold. */
function checkTileSizes(info: CompressedImageInfo, rows: Uint8Array): void {
  const bytesOf = (col: TableColumn | undefined, t: number): number =>
    col === undefined
      ? 0
      : readDescriptor(rows, info.table, col, t).count * elemBytes(col.elemType);
  for (let t = 0; t < info.tileCount; t++) {
    const box = tileBox(info, t);
    const bound = maxTilePixels(
      info,
      bytesOf(info.compressedColumn, t),
      bytesOf(info.gzipColumn, t),
      bytesOf(info.uncompressedColumn, t),
    );
    if (box.pixels > bound) {
      throw dataError(`tile ${t + 1} announces ${box.pixels} pixels, more than its bytes can hold`);
    }
  }
}

/** Reads the table rows (not the heap) of a compressed HDU. */
function readRows(
  source: ByteSource,
  hdu: HduInfo,
  info: CompressedImageInfo,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  return source.read(hdu.dataOffset, info.table.rowBytes * info.table.rows, signal);
}

type HeapFetch = (offset: number, length: number) => Promise<Uint8Array> | Uint8Array;

const EMPTY = new Uint8Array(0);

/** The table-row part of a tile: descriptors resolved by `fetch`, per-tile scalars. */
function rawTileWith<T>(
  info: CompressedImageInfo,
  rows: Uint8Array,
  index: number,
  fetch: (offset: number, length: number) => T,
  empty: T,
): { box: TileBox; arrays: [T, T, T]; scale?: number; zero?: number; blank?: number } {
  const arrayOf = (col: TableColumn | undefined): T => {
    if (col === undefined) return empty;
    const d = readDescriptor(rows, info.table, col, index);
    if (d.count === 0) return empty;
    return fetch(d.offset, d.count * elemBytes(col.elemType));
  };
  const scalar = (col: TableColumn | undefined): number | undefined =>
    col === undefined ? undefined : readScalar(rows, info.table, col, index);
  return {
    box: tileBox(info, index),
    arrays: [
      arrayOf(info.compressedColumn),
      arrayOf(info.gzipColumn),
      arrayOf(info.uncompressedColumn),
    ],
    scale: scalar(info.scaleColumn),
    zero: scalar(info.zeroColumn),
    blank: scalar(info.blankColumn),
  };
}

/** A tile whose heap bytes are already in memory. */
function rawTileSync(
  info: CompressedImageInfo,
  rows: Uint8Array,
  index: number,
  heap: (offset: number, length: number) => Uint8Array,
): RawTile {
  const r = rawTileWith(info, rows, index, heap, EMPTY);
  return {
    index,
    pixels: r.box.pixels,
    width: r.box.shape[0] ?? 1,
    compressed: r.arrays[0],
    gzip: r.arrays[1],
    uncompressed: r.arrays[2],
    scale: r.scale,
    zero: r.zero,
    blank: r.blank,
  };
}

/** A tile whose heap bytes are read from the source (one read per non-empty column). */
async function rawTile(
  info: CompressedImageInfo,
  rows: Uint8Array,
  index: number,
  fetch: HeapFetch,
): Promise<RawTile> {
  const r = rawTileWith(info, rows, index, fetch, EMPTY as Promise<Uint8Array> | Uint8Array);
  return {
    index,
    pixels: r.box.pixels,
    width: r.box.shape[0] ?? 1,
    compressed: await r.arrays[0],
    gzip: await r.arrays[1],
    uncompressed: await r.arrays[2],
    scale: r.scale,
    zero: r.zero,
    blank: r.blank,
  };
}

/** Linear index of `start` in an array of shape `axes` (first axis fastest). */
function linearIndex(start: readonly number[], axes: readonly number[]): number {
  let idx = 0;
  let stride = 1;
  for (let d = 0; d < axes.length; d++) {
    idx += (start[d] as number) * stride;
    stride *= axes[d] as number;
  }
  return idx;
}

/** True when the tile's pixels form one contiguous run of the image array. */
function isContiguous(box: TileBox, axes: readonly number[]): boolean {
  let top = -1;
  for (let d = 0; d < axes.length; d++) if ((box.shape[d] as number) > 1) top = d;
  for (let d = 0; d < top; d++) if (box.shape[d] !== axes[d]) return false;
  return true;
}

/**
 * Copies the part of `tile` (extent `box`) that falls in the region `rStart`/`rShape` into
 * `dst` (an array of shape `rShape`). Whole images pass rStart = 0, rShape = axes.
 */
function placeTile(
  tile: ImagePixels,
  box: TileBox,
  dst: ImagePixels,
  rStart: readonly number[],
  rShape: readonly number[],
): void {
  const nd = rShape.length;
  const lo: number[] = [];
  const hi: number[] = [];
  for (let d = 0; d < nd; d++) {
    const a = Math.max(box.start[d] as number, rStart[d] as number);
    const b = Math.min(
      (box.start[d] as number) + (box.shape[d] as number),
      (rStart[d] as number) + (rShape[d] as number),
    );
    if (b <= a) return;
    lo.push(a);
    hi.push(b);
  }
  const runLen = (hi[0] as number) - (lo[0] as number);
  const pos = lo.slice();
  const src = tile as Int32Array;
  const out = dst as Int32Array;
  for (;;) {
    let s = 0;
    let t = 0;
    let sStride = 1;
    let tStride = 1;
    for (let d = 0; d < nd; d++) {
      s += ((pos[d] as number) - (box.start[d] as number)) * sStride;
      t += ((pos[d] as number) - (rStart[d] as number)) * tStride;
      sStride *= box.shape[d] as number;
      tStride *= rShape[d] as number;
    }
    out.set(src.subarray(s, s + runLen), t);
    let d = 1;
    for (; d < nd; d++) {
      pos[d] = (pos[d] as number) + 1;
      if ((pos[d] as number) < (hi[d] as number)) break;
      pos[d] = lo[d] as number;
    }
    if (d >= nd) return;
  }
}

/**
 * Decodes a whole compressed-image HDU. The header is restored as funpack would (see
 * imageHeaderFromCompressed). Throws PROMPTLY_E_FITS_DATA / _HEADER / _UNSUPPORTED /
 * _TRUNCATED for bad input, PROMPTLY_E_ABORTED when the signal fires between tiles.
 */
export async function readCompressedImage(
  source: ByteSource,
  hdu: HduInfo,
  options: ReadCompressedOptions = {},
): Promise<DecodedImage> {
  const info = checkCompressed(hdu);
  const total = info.axes.reduce((a, b) => a * b, info.axes.length === 0 ? 0 : 1);
  checkImageSize(info, total, options.maxImageBytes);
  const data = await source.read(hdu.dataOffset, info.table.dataBytes, options.signal);
  const rowsLen = info.table.rowBytes * info.table.rows;
  const rows = data.subarray(0, rowsLen);
  checkTileSizes(info, rows);
  const heapStart = info.table.heapOffset;
  const fetch = (offset: number, length: number): Uint8Array =>
    data.subarray(heapStart + offset, heapStart + offset + length);
  const pixels = allocPixels(info.bitpix, total);
  let scratch: ImagePixels | undefined;
  for (let i = 0; i < info.tileCount; i++) {
    if ((i & 63) === 0) throwIfAborted(options.signal);
    const raw = rawTileSync(info, rows, i, fetch);
    const box = tileBox(info, i);
    if (isContiguous(box, info.axes)) {
      const at = linearIndex(box.start, info.axes);
      decodeTile(info, raw, pixels.subarray(at, at + box.pixels));
    } else {
      if (scratch === undefined || scratch.length < box.pixels)
        scratch = allocPixels(info.bitpix, box.pixels);
      decodeTile(info, raw, scratch);
      placeTile(
        scratch,
        box,
        pixels,
        info.axes.map(() => 0),
        info.axes,
      );
    }
  }
  const asPrimary = options.asPrimary ?? hdu.header.has('ZSIMPLE');
  return {
    header: imageHeaderFromCompressed(hdu.header, asPrimary),
    bitpix: info.bitpix,
    axes: info.axes,
    pixels,
  };
}

/** A run of decoded pixels in image order (first axis fastest). */
export interface PixelRun {
  /** Linear index of the first pixel of the run in the image. */
  readonly start: number;
  /** Fresh array owned by the consumer. */
  readonly pixels: ImagePixels;
}

/** Pixels per run yielded by streamCompressedImage (about 4 MB of int32). */
const RUN_PIXELS = 1 << 20;

/**
 * Decodes a compressed image in image order, a run of whole tiles at a time (about a
 * million pixels per run), so that a consumer can write each run while the next one is
 * decoded. Images whose tiles are not contiguous runs of the image (2-D tiles narrower
 * than a row) are decoded whole first, then handed out in runs. Same errors as
 * readCompressedImage.
 */
export async function* streamCompressedImage(
  source: ByteSource,
  hdu: HduInfo,
  options: ReadCompressedOptions = {},
): AsyncGenerator<PixelRun> {
  const info = checkCompressed(hdu);
  const total = info.axes.reduce((a, b) => a * b, info.axes.length === 0 ? 0 : 1);
  let ordered = true;
  for (let i = 0; i < info.tileCount && ordered; i++)
    ordered = isContiguous(tileBox(info, i), info.axes);
  if (!ordered) {
    const whole = await readCompressedImage(source, hdu, options);
    for (let at = 0; at < total; at += RUN_PIXELS) {
      yield { start: at, pixels: whole.pixels.subarray(at, Math.min(total, at + RUN_PIXELS)) };
    }
    return;
  }
  checkImageSize(info, total, options.maxImageBytes);
  const data = await source.read(hdu.dataOffset, info.table.dataBytes, options.signal);
  const rows = data.subarray(0, info.table.rowBytes * info.table.rows);
  checkTileSizes(info, rows);
  const heapStart = info.table.heapOffset;
  const fetch = (offset: number, length: number): Uint8Array =>
    data.subarray(heapStart + offset, heapStart + offset + length);
  let tile = 0;
  let at = 0;
  while (tile < info.tileCount) {
    throwIfAborted(options.signal);
    // whole tiles up to about RUN_PIXELS (at least one)
    let end = tile;
    let n = 0;
    while (end < info.tileCount && (n === 0 || n + tileBox(info, end).pixels <= RUN_PIXELS)) {
      n += tileBox(info, end).pixels;
      end++;
    }
    const run = allocPixels(info.bitpix, n);
    let k = 0;
    for (; tile < end; tile++) {
      const raw = rawTileSync(info, rows, tile, fetch);
      decodeTile(info, raw, run.subarray(k, k + raw.pixels));
      k += raw.pixels;
    }
    yield { start: at, pixels: run };
    at += n;
  }
}

/** One decoded tile and where it lies in the image. */
export interface DecodedTile {
  readonly index: number;
  /** First pixel of the tile per axis (0-based) and its extent per axis. */
  readonly start: readonly number[];
  readonly shape: readonly number[];
  /** Tile pixels, first axis fastest. */
  readonly pixels: ImagePixels;
}

/**
 * Decodes tile `index` (0-based; first axis fastest) reading only that tile's table row and
 * heap bytes.
 */
export async function readCompressedTile(
  source: ByteSource,
  hdu: HduInfo,
  index: number,
  options: ReadCompressedOptions = {},
): Promise<DecodedTile> {
  const info = checkCompressed(hdu);
  if (!Number.isInteger(index) || index < 0 || index >= info.tileCount) {
    throw new PromptlyError(
      'PROMPTLY_E_FITS_DATA',
      `tile ${index} is outside 0..${info.tileCount - 1}`,
    );
  }
  const rowBytes = info.table.rowBytes;
  const row = await source.read(hdu.dataOffset + index * rowBytes, rowBytes, options.signal);
  // readDescriptor addresses rows by index: give it a view where this row sits at `index`
  const rows = new Uint8Array((index + 1) * rowBytes);
  rows.set(row, index * rowBytes);
  const heapBase = hdu.dataOffset + info.table.heapOffset;
  const raw = await rawTile(info, rows, index, (offset, length) =>
    source.read(heapBase + offset, length, options.signal),
  );
  checkRawTile(info, raw);
  const box = tileBox(info, index);
  checkImageSize(info, box.pixels, options.maxImageBytes);
  const pixels = allocPixels(info.bitpix, box.pixels);
  decodeTile(info, raw, pixels);
  return { index, start: box.start, shape: box.shape, pixels };
}

/**
 * Decodes the pixel rectangle starting at `start` (0-based per axis, NAXIS1 first) with
 * extent `shape`, decoding only the tiles it touches. Returns the region's pixels, first
 * axis fastest. Throws PROMPTLY_E_FITS_DATA when the rectangle leaves the image.
 */
export async function readCompressedRegion(
  source: ByteSource,
  hdu: HduInfo,
  start: readonly number[],
  shape: readonly number[],
  options: ReadCompressedOptions = {},
): Promise<ImagePixels> {
  const info = checkCompressed(hdu);
  const nd = info.axes.length;
  if (start.length !== nd || shape.length !== nd) {
    throw new PromptlyError('PROMPTLY_E_FITS_DATA', `region needs ${nd} axes`);
  }
  let total = 1;
  const tLo: number[] = [];
  const tHi: number[] = [];
  for (let d = 0; d < nd; d++) {
    const s = start[d] as number;
    const n = shape[d] as number;
    if (
      !Number.isInteger(s) ||
      !Number.isInteger(n) ||
      s < 0 ||
      n < 1 ||
      s + n > (info.axes[d] as number)
    ) {
      throw new PromptlyError(
        'PROMPTLY_E_FITS_DATA',
        `region [${start}]+[${shape}] leaves the image [${info.axes}]`,
      );
    }
    total *= n;
    tLo.push(Math.floor(s / (info.tile[d] as number)));
    tHi.push(Math.floor((s + n - 1) / (info.tile[d] as number)));
  }
  checkImageSize(info, total, options.maxImageBytes);
  const rows = await readRows(source, hdu, info, options.signal);
  const heapBase = hdu.dataOffset + info.table.heapOffset;
  const out = allocPixels(info.bitpix, total);
  const t = tLo.slice();
  for (;;) {
    throwIfAborted(options.signal);
    const index = linearIndex(t, info.tilesPerAxis);
    const raw = await rawTile(info, rows, index, (offset, length) =>
      source.read(heapBase + offset, length, options.signal),
    );
    checkRawTile(info, raw);
    const box = tileBox(info, index);
    const pixels = allocPixels(info.bitpix, box.pixels);
    decodeTile(info, raw, pixels);
    placeTile(pixels, box, out, start, shape);
    let d = 0;
    for (; d < nd; d++) {
      t[d] = (t[d] as number) + 1;
      if ((t[d] as number) <= (tHi[d] as number)) break;
      t[d] = tLo[d] as number;
    }
    if (d >= nd) break;
  }
  return out;
}
