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
} from './compressed-image-info.js';
import { HeapWindow, heapSpan } from './heap-window.js';
import { imageHeaderFromCompressed } from './image-header.js';
import { allocPixels, type ImageBitpix, type ImagePixels } from './pixels.js';
import {
  DEFAULT_MAX_IMAGE_BYTES,
  checkImageSize,
  checkRawTile,
  checkTileSizes,
  isContiguous,
  linearIndex,
  placeTile,
  rawTile,
  rawTileSync,
} from './tile-access.js';
import { decodeTile } from './tile-decode.js';

export { DEFAULT_MAX_IMAGE_BYTES };

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

/** Reads the table rows (not the heap) of a compressed HDU. */
function readRows(
  source: ByteSource,
  hdu: HduInfo,
  info: CompressedImageInfo,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  return source.read(hdu.dataOffset, info.table.rowBytes * info.table.rows, signal);
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
  /**
   * The run's pixels: a fresh array owned by the consumer, or with
   * {@link StreamCompressedOptions.runBuffers} one of the buffers that take turns.
   */
  readonly pixels: ImagePixels;
}

/** Options of streamCompressedImage. */
export interface StreamCompressedOptions extends ReadCompressedOptions {
  /**
   * Decode into this many buffers in turn instead of a fresh array per run: a run is then
   * overwritten `runBuffers` runs later, so the consumer must be done with it by then (a
   * writer with one write in flight needs 2). Saves allocating, and faulting in, a fresh
   * 4 MB per run. Default 0: fresh arrays.
   */
  readonly runBuffers?: number;
  /**
   * Pixels per run (whole tiles up to about this many, at least one tile). Default 2^20
   * (4 MB of int32). With runBuffers, smaller runs keep the buffers in the CPU cache.
   */
  readonly runPixels?: number;
}

/** Default pixels per run yielded by streamCompressedImage (about 4 MB of int32). */
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
  options: StreamCompressedOptions = {},
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
  const { dataBytes, heapOffset } = info.table;
  if (hdu.dataOffset + dataBytes > source.size) {
    throw new PromptlyError(
      'PROMPTLY_E_FITS_TRUNCATED',
      `compressed data of ${dataBytes} bytes at ${hdu.dataOffset} runs past the end (${source.size} bytes)`,
    );
  }
  const rows = await readRows(source, hdu, info, options.signal);
  checkTileSizes(info, rows);
  // the heap is read in windows as the runs go (see heap-window.ts), not whole
  const heap = new HeapWindow(source, hdu.dataOffset + heapOffset, dataBytes - heapOffset);
  const fetch = (offset: number, length: number): Uint8Array => heap.fetch(offset, length);
  const turns = Math.max(0, Math.floor(options.runBuffers ?? 0));
  const runPixels = Math.max(1, Math.floor(options.runPixels ?? RUN_PIXELS));
  const buffers: ImagePixels[] = [];
  let turn = 0;
  let tile = 0;
  let at = 0;
  while (tile < info.tileCount) {
    throwIfAborted(options.signal);
    // whole tiles up to about runPixels (at least one)
    let end = tile;
    let n = 0;
    while (end < info.tileCount) {
      const pixels = tileBox(info, end).pixels; // one box per tile: 4096 tiles in a 4k image
      if (n > 0 && n + pixels > runPixels) break;
      n += pixels;
      end++;
    }
    let run: ImagePixels;
    if (turns === 0) {
      run = allocPixels(info.bitpix, n);
    } else {
      let buffer = buffers[turn];
      if (buffer === undefined || buffer.length < n) {
        buffer = allocPixels(info.bitpix, n);
        buffers[turn] = buffer;
      }
      run = buffer.subarray(0, n);
      turn = (turn + 1) % turns;
    }
    const span = heapSpan(info, rows, tile, end);
    await heap.cover(span.lo, span.hi, options.signal);
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

/** Options of {@link readCompressedRegion}. */
export interface ReadRegionOptions extends ReadCompressedOptions {
  /**
   * An array to decode into instead of a fresh one: of the type the HDU's ZBITPIX decodes to,
   * with at least the region's pixel count. The region fills its first values, and that view
   * is returned. Reused from read to read, it spares the first touch of fresh memory.
   */
  readonly out?: ImagePixels;
}

/**
 * Decodes the pixel rectangle starting at `start` (0-based per axis, NAXIS1 first) with
 * extent `shape`, decoding only the tiles it touches. Returns the region's pixels, first
 * axis fastest. Throws PROMPTLY_E_FITS_DATA when the rectangle leaves the image or `out`
 * cannot hold it.
 */
export async function readCompressedRegion(
  source: ByteSource,
  hdu: HduInfo,
  start: readonly number[],
  shape: readonly number[],
  options: ReadRegionOptions = {},
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
  const out = regionOut(info, total, options.out);
  // one tile buffer (and one of quantized integers) for every tile: fresh memory per tile
  // costs more than decoding it
  const tilePixels = info.tile.reduce((a, b) => a * b, 1);
  const tileBuffer = allocPixels(info.bitpix, tilePixels);
  const quantized = info.quantize !== undefined ? new Int32Array(tilePixels) : undefined;
  const t = tLo.slice();
  for (;;) {
    throwIfAborted(options.signal);
    const index = linearIndex(t, info.tilesPerAxis);
    const raw = await rawTile(info, rows, index, (offset, length) =>
      source.read(heapBase + offset, length, options.signal),
    );
    checkRawTile(info, raw);
    const box = tileBox(info, index);
    const pixels = tileBuffer.subarray(0, box.pixels);
    decodeTile(info, raw, pixels, quantized);
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

/** The first `total` values of `given` (checked against the HDU's pixel type), or a fresh array. */
function regionOut(
  info: CompressedImageInfo,
  total: number,
  given: ImagePixels | undefined,
): ImagePixels {
  if (given === undefined) return allocPixels(info.bitpix, total);
  const kind = allocPixels(info.bitpix, 0).constructor;
  if (given.constructor !== kind || given.length < total) {
    throw dataError(
      `region of ${total} BITPIX ${info.bitpix} pixels does not fit the ${given.constructor.name} of ${given.length} given`,
    );
  }
  return given.subarray(0, total);
}
