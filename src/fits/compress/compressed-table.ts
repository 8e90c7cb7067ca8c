/**
 * The binary-table side of a tile-compressed image: which columns hold what, where each
 * row's descriptors point in the heap, and the per-tile ZSCALE/ZZERO/ZBLANK values. Only
 * the column types the tiled-image convention uses are decoded here.
 */
import { PromptlyError } from '../../core/errors.js';
import type { Header } from '../header/header.js';

function dataError(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_FITS_DATA', message);
}

/** A column of the compressed table, as TFORM declares it. */
export interface TableColumn {
  readonly name: string;
  /** TFORM type letter (B, I, J, K, E, D, P, Q, …). */
  readonly type: string;
  /** For P/Q descriptors: the element type letter of the heap array. */
  readonly elemType: string;
  readonly repeat: number;
  /** Byte offset of the column within a row. */
  readonly offset: number;
  /** Bytes the column takes in a row. */
  readonly width: number;
}

const TYPE_BYTES: Record<string, number> = {
  L: 1,
  B: 1,
  A: 1,
  I: 2,
  J: 4,
  K: 8,
  E: 4,
  D: 8,
  C: 8,
  M: 16,
  P: 8,
  Q: 16,
};

/** Bytes per element of a heap array of this type letter. */
export function elemBytes(type: string): number {
  const n = TYPE_BYTES[type];
  if (n === undefined || type === 'P' || type === 'Q') {
    throw new PromptlyError(
      'PROMPTLY_E_FITS_UNSUPPORTED',
      `heap arrays of type ${type} are not supported`,
    );
  }
  return n;
}

/** Parses TFORM `rT[(max)]` or `rPt(max)` / `rQt(max)`. */
function parseTform(tform: string, n: number): { repeat: number; type: string; elemType: string } {
  const m = /^\s*(\d*)\s*([LXBIJKAEDCMPQ])\s*([LXBIJKAEDCM]?)/i.exec(tform);
  if (m === null) {
    throw new PromptlyError(
      'PROMPTLY_E_FITS_HEADER',
      `TFORM${n} = '${tform}' is not a binary table format`,
    );
  }
  const repeat = m[1] === '' || m[1] === undefined ? 1 : Number(m[1]);
  const type = (m[2] ?? '').toUpperCase();
  const elemType = (m[3] ?? '').toUpperCase();
  if ((type === 'P' || type === 'Q') && elemType === '') {
    throw new PromptlyError(
      'PROMPTLY_E_FITS_HEADER',
      `TFORM${n} = '${tform}' lacks the array type`,
    );
  }
  return { repeat, type, elemType };
}

/** Layout of the compressed table: row width, row count, columns, heap position and size. */
export interface TableLayout {
  readonly rowBytes: number;
  readonly rows: number;
  readonly columns: ReadonlyMap<string, TableColumn>;
  /** Offset of the heap from the start of the data unit (THEAP, default rowBytes·rows). */
  readonly heapOffset: number;
  /** Bytes from the start of the data unit to the end of the heap (rowBytes·rows + PCOUNT). */
  readonly dataBytes: number;
}

/** Reads TFIELDS/TTYPEn/TFORMn/THEAP of a compressed-image table header. */
export function describeTable(header: Header): TableLayout {
  const rowBytes = header.getInt('NAXIS1');
  const rows = header.getInt('NAXIS2');
  const pcount = header.getInt('PCOUNT', 0);
  const tfields = header.getInt('TFIELDS');
  if (tfields < 0 || tfields > 999)
    throw new PromptlyError('PROMPTLY_E_FITS_HEADER', `TFIELDS ${tfields}`);
  const columns = new Map<string, TableColumn>();
  let offset = 0;
  for (let n = 1; n <= tfields; n++) {
    const { repeat, type, elemType } = parseTform(header.getString(`TFORM${n}`), n);
    const width = type === 'X' ? Math.ceil(repeat / 8) : repeat * (TYPE_BYTES[type] ?? 0);
    const name = header.getString(`TTYPE${n}`, `COL${n}`).trim().toUpperCase();
    if (!columns.has(name)) columns.set(name, { name, type, elemType, repeat, offset, width });
    offset += width;
  }
  if (offset !== rowBytes) {
    throw new PromptlyError(
      'PROMPTLY_E_FITS_HEADER',
      `columns take ${offset} bytes per row but NAXIS1 = ${rowBytes}`,
    );
  }
  const tableBytes = rowBytes * rows;
  const heapOffset = header.getInt('THEAP', tableBytes);
  if (heapOffset < tableBytes || heapOffset > tableBytes + pcount) {
    throw dataError(`THEAP ${heapOffset} lies outside the heap area`);
  }
  return { rowBytes, rows, columns, heapOffset, dataBytes: tableBytes + pcount };
}

/** A heap array: element count and byte offset from the start of the heap. */
export interface Descriptor {
  readonly count: number;
  readonly offset: number;
}

/**
 * Reads the descriptor of column `col` in row `row` of the table bytes. Returns count 0
 * for an empty array. Throws PROMPTLY_E_FITS_DATA for negative or overflowing values.
 */
export function readDescriptor(
  table: Uint8Array,
  layout: TableLayout,
  col: TableColumn,
  row: number,
): Descriptor {
  const dv = new DataView(table.buffer, table.byteOffset, table.byteLength);
  const at = row * layout.rowBytes + col.offset;
  let count: number;
  let offset: number;
  if (col.type === 'P') {
    count = dv.getInt32(at);
    offset = dv.getInt32(at + 4);
  } else if (col.type === 'Q') {
    count = Number(dv.getBigInt64(at));
    offset = Number(dv.getBigInt64(at + 8));
  } else {
    throw dataError(`column ${col.name} is not a variable-length array`);
  }
  if (count < 0 || offset < 0)
    throw dataError(`row ${row + 1} of ${col.name} has a negative descriptor`);
  const bytes = count * elemBytes(col.elemType);
  const heapBytes = layout.dataBytes - layout.heapOffset;
  if (count > 0 && offset + bytes > heapBytes) {
    throw dataError(`row ${row + 1} of ${col.name} points past the end of the heap`);
  }
  return { count, offset };
}

/** Reads a scalar numeric column (B, I, J, K, E, D) of one row as a number. */
export function readScalar(
  table: Uint8Array,
  layout: TableLayout,
  col: TableColumn,
  row: number,
): number {
  const dv = new DataView(table.buffer, table.byteOffset, table.byteLength);
  const at = row * layout.rowBytes + col.offset;
  switch (col.type) {
    case 'B':
      return dv.getUint8(at);
    case 'I':
      return dv.getInt16(at);
    case 'J':
      return dv.getInt32(at);
    case 'K':
      return Number(dv.getBigInt64(at));
    case 'E':
      return dv.getFloat32(at);
    case 'D':
      return dv.getFloat64(at);
    default:
      throw dataError(`column ${col.name} of type ${col.type} is not a numeric scalar`);
  }
}
