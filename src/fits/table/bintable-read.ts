import { PromptlyError, throwIfAborted } from '../../core/errors.js';
import type { Bitpix, HduInfo } from '../hdu/hdu-info.js';
import type { ByteSource } from '../io/byte-source.js';
import { decodePixels } from '../image/decode-pixels.js';
import type { PixelArray } from '../image/pixel-format.js';
import {
  BINARY_TYPE_BYTES,
  describeBinaryTable,
  findColumn,
  type BinaryColumn,
  type BinaryTableLayout,
  type BinaryType,
} from './bintable-layout.js';

/** A binary table's bytes: the main table (all rows or a range) and the heap, as stored. */
export interface BinaryTable {
  readonly layout: BinaryTableLayout;
  /** First row held in `rowData` (0-based). */
  readonly firstRow: number;
  /** Rows held in `rowData`. */
  readonly rowCount: number;
  /** Main-table bytes of the rows held, big-endian as stored (`rowCount × rowBytes`). */
  readonly rowData: Uint8Array;
  /** The heap (from THEAP to the end of the data unit), as stored; empty when not read. */
  readonly heap: Uint8Array;
}

/** Options for {@link readBinaryTable}. */
export interface BinaryTableReadOptions {
  /** Row range to read (0-based; default all rows). */
  readonly rows?: { readonly first: number; readonly count: number };
  /** Read the heap too (default true; needed for P/Q columns). */
  readonly heap?: boolean;
  readonly signal?: AbortSignal;
}

/** Values of one column, by kind. Flat arrays hold `rows × repeat` elements, row by row. */
export type ColumnData =
  | {
      readonly kind: 'numeric';
      /** B/I/J/K/E/D values; scaled and unsigned conventions as for images (choosePixelFormat). */
      readonly values: PixelArray;
      readonly repeat: number;
      /** True when TSCAL/TZERO were applied into floats (TNULL became NaN). */
      readonly physical: boolean;
      /** TNULL as it appears in `values` when they are integers; undefined otherwise. */
      readonly nullValue: number | bigint | undefined;
    }
  | {
      readonly kind: 'complex';
      readonly values: Float32Array | Float64Array;
      readonly repeat: number;
    }
  | { readonly kind: 'logical'; readonly values: (boolean | null)[]; readonly repeat: number }
  | { readonly kind: 'bits'; readonly values: Uint8Array; readonly repeat: number }
  | { readonly kind: 'string'; readonly values: string[] }
  | { readonly kind: 'variable'; readonly values: (PixelArray | string | (boolean | null)[])[] };

const BITPIX_OF: Partial<Record<BinaryType, Bitpix>> = {
  B: 8,
  I: 16,
  J: 32,
  K: 64,
  E: -32,
  D: -64,
};

function dataError(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_FITS_DATA', message);
}

/**
 * Reads the main table (or a row range) and the heap of a BINTABLE HDU, without decoding
 * columns. Also serves compressed images: their rows and heap are here, raw.
 */
export async function readBinaryTable(
  source: ByteSource,
  hdu: HduInfo,
  options: BinaryTableReadOptions = {},
): Promise<BinaryTable> {
  if (hdu.kind !== 'bintable' && hdu.kind !== 'compressed-image') {
    throw new PromptlyError(
      'PROMPTLY_E_FITS_UNSUPPORTED',
      `HDU ${hdu.index} is a ${hdu.kind}, not a binary table`,
    );
  }
  const layout = describeBinaryTable(hdu.header);
  const first = options.rows?.first ?? 0;
  const count = options.rows?.count ?? layout.rows - first;
  if (
    !Number.isSafeInteger(first) ||
    !Number.isSafeInteger(count) ||
    first < 0 ||
    count < 0 ||
    first + count > layout.rows
  ) {
    throw new PromptlyError(
      'PROMPTLY_E_FITS_RANGE',
      `rows ${first}+${count} outside the ${layout.rows} rows`,
    );
  }
  const rowData = await source.read(
    hdu.dataOffset + first * layout.rowBytes,
    count * layout.rowBytes,
    options.signal,
  );
  const heap =
    options.heap === false || layout.heapSize === 0
      ? new Uint8Array(0)
      : await source.read(hdu.dataOffset + layout.heapOffset, layout.heapSize, options.signal);
  return { layout, firstRow: first, rowCount: count, rowData, heap };
}

/** Copies one column's bytes out of every row into a contiguous (aligned) buffer. */
function gather(table: BinaryTable, col: BinaryColumn): Uint8Array {
  const { rowBytes } = table.layout;
  const w = col.width;
  const out = new Uint8Array(table.rowCount * w);
  const src = table.rowData;
  if (w <= 16) {
    for (let r = 0, s = col.offset, d = 0; r < table.rowCount; r++, s += rowBytes) {
      for (let k = 0; k < w; k++) out[d++] = src[s + k] as number;
    }
  } else {
    for (let r = 0; r < table.rowCount; r++) {
      out.set(src.subarray(r * rowBytes + col.offset, r * rowBytes + col.offset + w), r * w);
    }
  }
  return out;
}

function decodeStrings(bytes: Uint8Array, width: number, count: number): string[] {
  const out: string[] = new Array<string>(count);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let r = 0; r < count; r++) {
    let end = r * width;
    const stop = end + width;
    while (end < stop && text[end] !== 0) end++;
    out[r] = text.toString('latin1', r * width, end).trimEnd();
  }
  return out;
}

function decodeLogicals(bytes: Uint8Array): (boolean | null)[] {
  const out = new Array<boolean | null>(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    out[i] = b === 0x54 ? true : b === 0x46 ? false : null;
  }
  return out;
}

function decodeNumeric(
  bytes: Uint8Array,
  type: BinaryType,
  col: BinaryColumn,
  raw: boolean,
): { values: PixelArray; physical: boolean; nullValue: number | bigint | undefined } {
  const bitpix = BITPIX_OF[type] as Bitpix;
  const scaling = {
    bscale: col.tscal,
    bzero: col.tzero,
    blank: bitpix > 0 ? col.tnull : undefined,
  };
  const { pixels, format } = decodePixels(bytes, bitpix, scaling, raw);
  let nullValue: number | bigint | undefined;
  if (!format.scaled && scaling.blank !== undefined) {
    if (!format.signFlip) nullValue = scaling.blank;
    else if (bitpix === 64) nullValue = BigInt(scaling.blank) + 2n ** 63n;
    else nullValue = Number(scaling.blank) + col.tzero;
  }
  return { values: pixels, physical: format.scaled, nullValue };
}

function decodeVariable(
  table: BinaryTable,
  col: BinaryColumn,
  bytes: Uint8Array,
  raw: boolean,
): ColumnData {
  const elem = col.form.elemType ?? 'B';
  const size = BINARY_TYPE_BYTES[elem];
  const q = col.form.type === 'Q';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const heap = table.heap;
  const values: (PixelArray | string | (boolean | null)[])[] = [];
  for (let r = 0; r < table.rowCount; r++) {
    const count = q ? Number(view.getBigUint64(r * 16)) : view.getUint32(r * 8);
    const offset = q ? Number(view.getBigUint64(r * 16 + 8)) : view.getUint32(r * 8 + 4);
    const nbytes = elem === 'X' ? Math.ceil(count / 8) : count * size;
    if (offset + nbytes > heap.length) {
      throw dataError(
        `row ${table.firstRow + r} of ${col.name}: heap array at ${offset}+${nbytes} is past the heap (${heap.length})`,
      );
    }
    const slice = new Uint8Array(nbytes);
    slice.set(heap.subarray(offset, offset + nbytes));
    if (elem === 'A') values.push(decodeStrings(slice, nbytes, 1)[0] ?? '');
    else if (elem === 'L') values.push(decodeLogicals(slice));
    else if (elem === 'X' || elem === 'C' || elem === 'M') values.push(slice);
    else values.push(decodeNumeric(slice, elem, col, raw).values);
  }
  return { kind: 'variable', values };
}

/**
 * Decodes one column (by name or 1-based number) of the rows held. `raw` skips TSCAL/TZERO.
 * Variable-length (P/Q) columns decode their heap arrays per row (X, C and M heap arrays
 * are returned as raw bytes). Throws PROMPTLY_E_FITS_DATA for a descriptor pointing outside
 * the heap, PROMPTLY_E_FITS_RANGE for an unknown column.
 */
export function columnData(table: BinaryTable, column: string | number, raw = false): ColumnData {
  const col = findColumn(table.layout, column);
  const bytes = gather(table, col);
  const { type, repeat } = col.form;
  switch (type) {
    case 'A':
      return { kind: 'string', values: decodeStrings(bytes, col.width, table.rowCount) };
    case 'L':
      return { kind: 'logical', values: decodeLogicals(bytes), repeat };
    case 'X': {
      const bits = new Uint8Array(table.rowCount * repeat);
      for (let r = 0; r < table.rowCount; r++) {
        for (let j = 0; j < repeat; j++) {
          bits[r * repeat + j] = ((bytes[r * col.width + (j >> 3)] as number) >> (7 - (j & 7))) & 1;
        }
      }
      return { kind: 'bits', values: bits, repeat };
    }
    case 'C':
    case 'M': {
      const values = decodePixels(
        bytes,
        type === 'C' ? -32 : -64,
        { bscale: 1, bzero: 0, blank: undefined },
        true,
      ).pixels as Float32Array | Float64Array;
      return { kind: 'complex', values, repeat };
    }
    case 'P':
    case 'Q':
      return decodeVariable(table, col, bytes, raw);
    default:
      return { kind: 'numeric', repeat, ...decodeNumeric(bytes, type, col, raw) };
  }
}

/** Reads a whole BINTABLE HDU and decodes every column, keyed by column name. */
export async function readTableColumns(
  source: ByteSource,
  hdu: HduInfo,
  signal?: AbortSignal,
): Promise<{ layout: BinaryTableLayout; columns: Map<string, ColumnData> }> {
  const table = await readBinaryTable(source, hdu, { signal });
  const columns = new Map<string, ColumnData>();
  for (const col of table.layout.columns) {
    throwIfAborted(signal);
    columns.set(col.name, columnData(table, col.number));
  }
  return { layout: table.layout, columns };
}
