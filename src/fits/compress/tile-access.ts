/**
 * Shared machinery of the compressed-image readers: size limits that stop lying headers
 * before anything is allocated, resolving a tile's table row into its heap bytes, and
 * placing decoded tiles into an image or a region.
 */
import { PromptlyError } from '../../core/errors.js';
import { tileBox, type CompressedImageInfo, type TileBox } from './compressed-image-info.js';
import { elemBytes, readDescriptor, readScalar, type TableColumn } from './compressed-table.js';
import type { ImagePixels } from './pixels.js';
import type { RawTile } from './tile-decode.js';

function dataError(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_FITS_DATA', message);
}

/** Default cap on the bytes of one decoded image. */
export const DEFAULT_MAX_IMAGE_BYTES = 2 ** 30;

/**
 * Most pixels a tile of `bytes` compressed bytes can legitimately hold: a corrupt header
 * that announces more is caught before the image is allocated. HCOMPRESS has no useful
 * bound (an all-zero tile costs a few bytes whatever its size).
 */
export function maxTilePixels(
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

export function checkImageSize(
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

export function checkRawTile(info: CompressedImageInfo, raw: RawTile): void {
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
export function checkTileSizes(info: CompressedImageInfo, rows: Uint8Array): void {
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

export type HeapFetch = (offset: number, length: number) => Promise<Uint8Array> | Uint8Array;

const EMPTY = new Uint8Array(0);

/** The table-row part of a tile: descriptors resolved by `fetch`, per-tile scalars. */
export function rawTileWith<T>(
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
export function rawTileSync(
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
export async function rawTile(
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
export function linearIndex(start: readonly number[], axes: readonly number[]): number {
  let idx = 0;
  let stride = 1;
  for (let d = 0; d < axes.length; d++) {
    idx += (start[d] as number) * stride;
    stride *= axes[d] as number;
  }
  return idx;
}

/** True when the tile's pixels form one contiguous run of the image array. */
export function isContiguous(box: TileBox, axes: readonly number[]): boolean {
  let top = -1;
  for (let d = 0; d < axes.length; d++) if ((box.shape[d] as number) > 1) top = d;
  for (let d = 0; d < top; d++) if (box.shape[d] !== axes[d]) return false;
  return true;
}

/**
 * Copies the part of `tile` (extent `box`) that falls in the region `rStart`/`rShape` into
 * `dst` (an array of shape `rShape`). Whole images pass rStart = 0, rShape = axes.
 */
export function placeTile(
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
