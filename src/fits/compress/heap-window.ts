/**
 * The heap of a compressed-image HDU read a window at a time into one reused buffer, for
 * readers that go through the tiles in order: a 4k×4k Rice image holds 15 MB of heap, and
 * reading it whole faults in 15 MB of fresh pages (about as much system time as decoding
 * the first tenth of the image); a 1 MiB window costs 256 pages once.
 */
import { PromptlyError } from '../../core/errors.js';
import type { ByteSource } from '../io/byte-source.js';
import type { CompressedImageInfo } from './compressed-image-info.js';
import { elemBytes, readDescriptor, type TableColumn } from './compressed-table.js';

/** Default window: 1 MiB, or the bytes of the tiles asked for when they need more. */
const WINDOW_BYTES = 1 << 20;

/** Heap bytes [lo, hi) that tiles [first, end) use, in every column; [0, 0) when none. */
export function heapSpan(
  info: CompressedImageInfo,
  rows: Uint8Array,
  first: number,
  end: number,
): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = 0;
  const columns: Array<TableColumn | undefined> = [
    info.compressedColumn,
    info.gzipColumn,
    info.uncompressedColumn,
  ];
  for (const col of columns) {
    if (col === undefined) continue;
    const size = elemBytes(col.elemType);
    for (let t = first; t < end; t++) {
      const d = readDescriptor(rows, info.table, col, t);
      if (d.count === 0) continue;
      if (d.offset < lo) lo = d.offset;
      if (d.offset + d.count * size > hi) hi = d.offset + d.count * size;
    }
  }
  return lo < hi ? { lo, hi } : { lo: 0, hi: 0 };
}

/** A window on the heap; `cover` before `fetch`. */
export class HeapWindow {
  readonly #source: ByteSource;
  /** Absolute file offset of the heap, and its size in bytes. */
  readonly #heapStart: number;
  readonly #heapBytes: number;
  #buffer = new Uint8Array(0);
  #lo = 0;
  #hi = 0;

  constructor(source: ByteSource, heapStart: number, heapBytes: number) {
    this.#source = source;
    this.#heapStart = heapStart;
    this.#heapBytes = heapBytes;
  }

  /**
   * Makes heap bytes [lo, hi) available to fetch, reading a new window from `lo` when they
   * are not all in the current one (which a later fetch then no longer sees). Same errors
   * as ByteSource.read.
   */
  async cover(lo: number, hi: number, signal?: AbortSignal): Promise<void> {
    if (lo >= this.#lo && hi <= this.#hi) return;
    if (lo < 0 || hi > this.#heapBytes) {
      throw new PromptlyError(
        'PROMPTLY_E_FITS_DATA',
        `heap bytes ${lo}..${hi} lie outside the heap`,
      );
    }
    const length = Math.max(hi - lo, Math.min(WINDOW_BYTES, this.#heapBytes - lo));
    if (this.#buffer.length < length) this.#buffer = new Uint8Array(length);
    const target = this.#buffer.subarray(0, length);
    // the window is forgotten first: a failed read leaves nothing half-read to fetch
    this.#lo = 0;
    this.#hi = 0;
    const at = this.#heapStart + lo;
    if (this.#source.readInto !== undefined) await this.#source.readInto(at, target, signal);
    else target.set(await this.#source.read(at, length, signal));
    this.#lo = lo;
    this.#hi = lo + length;
  }

  /** Heap bytes [offset, offset + length), a view of the window (valid until the next cover). */
  fetch(offset: number, length: number): Uint8Array {
    if (offset < this.#lo || offset + length > this.#hi) {
      throw new PromptlyError('PROMPTLY_E_INTERNAL', `heap bytes ${offset}+${length} not covered`);
    }
    return this.#buffer.subarray(offset - this.#lo, offset - this.#lo + length);
  }
}
