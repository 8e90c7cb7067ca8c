/**
 * Writing an image as a tile-compressed binary-table HDU, as fpack does: tiles of one row
 * by default (or ZTILE as given), encoded one by one into the heap; the header keeps the
 * image's own cards after the compression keywords, so funpack restores the same image.
 */
import { PromptlyError, throwIfAborted } from '../../core/errors.js';
import { Header } from '../header/header.js';
import { chooseDitherSeed } from './dither.js';
import { GZIP_DEFAULT_LEVEL } from './gzip.js';
import { bitpixOf, type ImageBitpix, type ImagePixels } from './pixels.js';
import type { QuantizeMethod } from './quantize.js';
import { RICE_DEFAULT_BLOCK_SIZE } from './rice.js';
import { buildHeader } from './compressed-header.js';
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

/** Everything fixed before the first tile is encoded. */
interface Plan {
  readonly bitpix: ImageBitpix;
  readonly compression: WriteCompression;
  readonly quantize: { level: number; method: QuantizeMethod; ditherSeed: number } | undefined;
  readonly tile: number[];
  readonly tilesPerAxis: number[];
  readonly tileCount: number;
  readonly withScale: boolean;
  readonly withGzipColumn: boolean;
  readonly rowBytes: number;
}

function makePlan(
  axes: readonly number[],
  bitpix: ImageBitpix,
  options: CompressImageOptions,
): Plan {
  const nd = axes.length;
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
  if (options.tile !== undefined && options.tile.some((t) => !Number.isInteger(t) || t < 1)) {
    throw badOption(`tile [${options.tile}] must be positive integers`);
  }
  const tile = axes.map((n, d) => Math.max(1, Math.min(options.tile?.[d] ?? (d === 0 ? n : 1), n)));
  const tilesPerAxis = axes.map((n, d) => Math.ceil(n / (tile[d] as number)));
  const tileCount = nd === 0 ? 0 : tilesPerAxis.reduce((a, b) => a * b, 1);
  const withScale = quantize !== undefined;
  const withGzipColumn = isFloat;
  const rowBytes = 8 + (withGzipColumn ? 8 : 0) + (withScale ? 16 : 0);
  return {
    bitpix,
    compression,
    quantize,
    tile,
    tilesPerAxis,
    tileCount,
    withScale,
    withGzipColumn,
    rowBytes,
  };
}

/** Start and extent of tile `index` of a plan. */
function planTile(
  plan: Plan,
  axes: readonly number[],
  index: number,
): { start: number[]; shape: number[]; n: number } {
  let rest = index;
  const start: number[] = [];
  const shape: number[] = [];
  let n = 1;
  for (let d = 0; d < axes.length; d++) {
    const k = plan.tilesPerAxis[d] as number;
    const s = (rest % k) * (plan.tile[d] as number);
    rest = Math.floor(rest / k);
    const len = Math.min(plan.tile[d] as number, (axes[d] as number) - s);
    start.push(s);
    shape.push(len);
    n *= len;
  }
  return { start, shape, n };
}

/** True when every tile is one contiguous run of the image (so tiles come in image order). */
function tilesAreRuns(plan: Plan, axes: readonly number[]): boolean {
  let top = -1;
  for (let d = 0; d < axes.length; d++) if ((plan.tile[d] as number) > 1) top = d;
  for (let d = 0; d < top; d++) if (plan.tile[d] !== axes[d]) return false;
  return true;
}

/** Accumulates encoded tiles into the table rows and the heap. */
class TableBuilder {
  readonly #plan: Plan;
  readonly #encoder: TileEncoder;
  readonly #table: Uint8Array;
  readonly #dv: DataView;
  readonly #heap = new HeapBuilder();
  #maxCompressed = 0;
  #maxGzip = 0;
  #anyNull = false;

  constructor(plan: Plan, options: CompressImageOptions) {
    this.#plan = plan;
    this.#encoder = new TileEncoder({
      compression: plan.compression,
      riceBlockSize: options.riceBlockSize ?? RICE_DEFAULT_BLOCK_SIZE,
      gzipLevel: options.gzipLevel ?? GZIP_DEFAULT_LEVEL,
      quantize: plan.quantize,
    });
    this.#table = new Uint8Array(plan.rowBytes * plan.tileCount);
    this.#dv = new DataView(this.#table.buffer);
  }

  /** Encodes tile `index` from exactly its pixels (first axis fastest). */
  add(index: number, values: ImagePixels, width: number): void {
    const { rowBytes, withScale } = this.#plan;
    const direct = this.#encoder.directBytes(values);
    const target = direct > 0 ? this.#heap.room(direct) : undefined;
    const enc = this.#encoder.encode(values, width, values.length / width, index, target);
    const row = index * rowBytes;
    const colAt = enc.column === 'COMPRESSED_DATA' ? row : row + 8;
    this.#dv.setInt32(colAt, enc.count);
    this.#dv.setInt32(colAt + 4, this.#heap.size);
    if (withScale) {
      this.#dv.setFloat64(row + rowBytes - 16, enc.scale);
      this.#dv.setFloat64(row + rowBytes - 8, enc.zero);
    }
    if (enc.column === 'COMPRESSED_DATA')
      this.#maxCompressed = Math.max(this.#maxCompressed, enc.count);
    else this.#maxGzip = Math.max(this.#maxGzip, enc.count);
    this.#anyNull ||= enc.hasNull;
    this.#heap.append(enc.bytes);
  }

  finish(source: Header, axes: readonly number[], options: CompressImageOptions): CompressedHdu {
    const p = this.#plan;
    const heapSize = this.#heap.size;
    const header = buildHeader(source, axes, options, {
      bitpix: p.bitpix,
      compression: p.compression,
      tile: p.tile,
      rowBytes: p.rowBytes,
      tileCount: p.tileCount,
      heapSize,
      maxCompressed: this.#maxCompressed,
      maxGzip: p.withGzipColumn ? this.#maxGzip : undefined,
      withScale: p.withScale,
      quantize: p.quantize,
      anyNull: this.#anyNull,
    });
    const chunks = [this.#table, ...this.#heap.blocks()];
    return { header, data: () => chunks, dataSize: this.#table.length + heapSize };
  }
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
  const nd = axes.length;
  const total = axes.reduce((a, b) => a * b, nd === 0 ? 0 : 1);
  if (pixels.length !== total)
    throw badOption(`image has ${pixels.length} pixels, axes say ${total}`);
  const plan = makePlan(axes, bitpixOf(pixels), options);
  const builder = new TableBuilder(plan, options);
  const runs = tilesAreRuns(plan, axes);
  let scratch: ImagePixels | undefined;
  const pos = new Array<number>(nd).fill(0);
  let at = 0;
  for (let index = 0; index < plan.tileCount; index++) {
    if ((index & 63) === 0) throwIfAborted(options.signal);
    const { start, shape, n } = planTile(plan, axes, index);
    let values: ImagePixels;
    if (runs) {
      values = pixels.subarray(at, at + n);
      at += n;
    } else {
      if (scratch === undefined || scratch.length < n)
        scratch = new (pixels.constructor as new (n: number) => ImagePixels)(n);
      values = scratch.subarray(0, n);
      gatherTile(pixels, axes, start, shape, values, pos);
    }
    builder.add(index, values, shape[0] ?? 1);
  }
  return builder.finish(image.header, axes, options);
}

/**
 * Compresses an image that arrives as consecutive runs of pixels in image order (e.g. rows
 * read from a file while earlier rows are encoded), for tilings whose tiles are runs of the
 * image (the default one-row tiles, or full-width tiles of several rows). Other tilings
 * need the whole image: use compressImage. Same errors as compressImage, plus
 * PROMPTLY_E_FITS_DATA when the runs do not add up to the image.
 */
export async function compressImageRuns(
  header: Header,
  bitpix: ImageBitpix,
  axes: readonly number[],
  runs: AsyncIterable<ImagePixels>,
  options: CompressImageOptions = {},
): Promise<CompressedHdu> {
  const plan = makePlan(axes, bitpix, options);
  if (!tilesAreRuns(plan, axes)) throw badOption(`tile [${plan.tile}] is not a run of the image`);
  const builder = new TableBuilder(plan, options);
  let index = 0;
  let carry: ImagePixels | undefined; // pixels of a tile split across runs
  let carryUsed = 0;
  for await (const run of runs) {
    throwIfAborted(options.signal);
    let at = 0;
    while (at < run.length) {
      if (index >= plan.tileCount)
        throw new PromptlyError('PROMPTLY_E_FITS_DATA', 'more pixels than the image holds');
      const { shape, n } = planTile(plan, axes, index);
      if (carryUsed === 0 && run.length - at >= n) {
        builder.add(index++, run.subarray(at, at + n), shape[0] ?? 1);
        at += n;
        continue;
      }
      if (carry === undefined || carry.length < n)
        carry = new (run.constructor as new (n: number) => ImagePixels)(n);
      const take = Math.min(n - carryUsed, run.length - at);
      (carry as Int32Array).set((run as Int32Array).subarray(at, at + take), carryUsed);
      carryUsed += take;
      at += take;
      if (carryUsed === n) {
        builder.add(index++, carry.subarray(0, n), shape[0] ?? 1);
        carryUsed = 0;
      }
    }
  }
  if (index !== plan.tileCount || carryUsed !== 0) {
    throw new PromptlyError(
      'PROMPTLY_E_FITS_DATA',
      `runs ended after ${index} of ${plan.tileCount} tiles`,
    );
  }
  return builder.finish(header, axes, options);
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

/** Largest heap block: tiles are packed into blocks up to this large, written one per call. */
const HEAP_BLOCK_BYTES = 1 << 20;
/** First heap block: a small HDU (a postage stamp, a mask) does not pay for a whole MiB. */
const FIRST_HEAP_BLOCK_BYTES = 1 << 16;

/**
 * Packs tile bytes into a few large blocks (one disk write each, not one per tile). Blocks
 * grow with the heap (each as large as the heap so far, 64 KiB to 1 MiB), so a small HDU
 * allocates little and a large one is written in 1 MiB pieces. A tile may be coded straight
 * into the block ({@link room}), which append then keeps without copying.
 */
class HeapBuilder {
  #done: Uint8Array[] = [];
  #cur = new Uint8Array(0);
  #used = 0;
  size = 0;

  /** The free end of the current block, starting a new block unless it has `bytes` free. */
  room(bytes: number): Uint8Array {
    this.#reserve(bytes);
    return this.#cur.subarray(this.#used);
  }

  append(bytes: Uint8Array): void {
    const inPlace =
      bytes.buffer === this.#cur.buffer &&
      bytes.byteOffset === this.#cur.byteOffset + this.#used &&
      this.#used + bytes.length <= this.#cur.length;
    if (!inPlace) {
      this.#reserve(bytes.length);
      this.#cur.set(bytes, this.#used);
    }
    this.#used += bytes.length;
    this.size += bytes.length;
  }

  #reserve(bytes: number): void {
    if (this.#used + bytes <= this.#cur.length) return;
    if (this.#used > 0) this.#done.push(this.#cur.subarray(0, this.#used));
    const grown = Math.min(HEAP_BLOCK_BYTES, Math.max(FIRST_HEAP_BLOCK_BYTES, this.size));
    this.#cur = new Uint8Array(Math.max(grown, bytes));
    this.#used = 0;
  }

  blocks(): Uint8Array[] {
    return this.#used > 0 ? [...this.#done, this.#cur.subarray(0, this.#used)] : [...this.#done];
  }
}
