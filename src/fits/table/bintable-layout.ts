import { PromptlyError } from '../../core/errors.js';
import type { Header } from '../header/header.js';

/** TFORM type letters of binary tables. */
export type BinaryType =
  'L' | 'X' | 'B' | 'I' | 'J' | 'K' | 'A' | 'E' | 'D' | 'C' | 'M' | 'P' | 'Q';

/** Bytes per element of each fixed type (X is counted in bits, see columnWidth). */
export const BINARY_TYPE_BYTES: Readonly<Record<BinaryType, number>> = {
  L: 1,
  X: 1,
  B: 1,
  I: 2,
  J: 4,
  K: 8,
  A: 1,
  E: 4,
  D: 8,
  C: 8,
  M: 16,
  P: 8,
  Q: 16,
};

/** A parsed binary-table TFORM: `rT`, or `rPt(max)` / `rQt(max)` for variable-length arrays. */
export interface BinaryForm {
  /** Repeat count r (elements per row; bits for X; characters for A). */
  readonly repeat: number;
  readonly type: BinaryType;
  /** For P/Q: type of the heap array elements. */
  readonly elemType: Exclude<BinaryType, 'P' | 'Q'> | undefined;
  /** For P/Q: declared maximum length, when given. */
  readonly maxLength: number | undefined;
}

function headerError(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_FITS_HEADER', message);
}

/** Parses a binary-table TFORM value. Throws PROMPTLY_E_FITS_HEADER when malformed. */
export function parseBinaryForm(tform: string): BinaryForm {
  const m = /^\s*(\d*)\s*([LXBIJKAEDCMPQ])([LXBIJKAEDCM])?\s*(?:\((\d+)\))?/i.exec(tform);
  if (m === null) throw headerError(`TFORM ${JSON.stringify(tform)} is not a binary table format`);
  const repeat = m[1] ? Number(m[1]) : 1;
  const type = (m[2] ?? '').toUpperCase() as BinaryType;
  const variable = type === 'P' || type === 'Q';
  const elem = m[3]?.toUpperCase() as BinaryForm['elemType'];
  if (variable && elem === undefined)
    throw headerError(`TFORM ${JSON.stringify(tform)} lacks the array element type`);
  if (variable && repeat > 1)
    throw headerError(`TFORM ${JSON.stringify(tform)}: P/Q repeat must be 0 or 1`);
  return {
    repeat,
    type,
    elemType: variable ? elem : undefined,
    maxLength: m[4] === undefined ? undefined : Number(m[4]),
  };
}

/** Bytes a column of this form takes in each row. */
export function columnWidth(form: BinaryForm): number {
  if (form.type === 'X') return Math.ceil(form.repeat / 8);
  return form.repeat * BINARY_TYPE_BYTES[form.type];
}

/** One column of a binary table. */
export interface BinaryColumn {
  /** 1-based column number n (as in TTYPEn). */
  readonly number: number;
  /** TTYPEn, or `COLn` when absent. */
  readonly name: string;
  readonly form: BinaryForm;
  /** Byte offset of the column within a row. */
  readonly offset: number;
  /** Bytes the column takes in a row. */
  readonly width: number;
  /** TUNITn, when present. */
  readonly unit: string | undefined;
  /** TSCALn (default 1). */
  readonly tscal: number;
  /** TZEROn (default 0). */
  readonly tzero: number;
  /** TNULLn (integer columns), when present. */
  readonly tnull: number | bigint | undefined;
  /** TDIMn parsed (fastest axis first), when present. */
  readonly tdim: readonly number[] | undefined;
}

/** Layout of a binary table data unit (bytes). */
export interface BinaryTableLayout {
  /** NAXIS1: bytes per row. */
  readonly rowBytes: number;
  /** NAXIS2: number of rows. */
  readonly rows: number;
  readonly columns: readonly BinaryColumn[];
  /** Offset of the heap from the start of the data unit (THEAP; default rowBytes × rows). */
  readonly heapOffset: number;
  /** Bytes of heap after the main table: PCOUNT minus any gap before THEAP. */
  readonly heapSize: number;
}

/**
 * Reads the column layout of a BINTABLE header (TFIELDS, TTYPEn, TFORMn, TUNITn, TSCALn,
 * TZEROn, TNULLn, TDIMn, THEAP). Throws PROMPTLY_E_FITS_HEADER when the columns do not add
 * up to NAXIS1 or a TFORM is malformed.
 */
export function describeBinaryTable(header: Header): BinaryTableLayout {
  const rowBytes = header.getInt('NAXIS1');
  const rows = header.getInt('NAXIS2');
  const pcount = header.getInt('PCOUNT', 0);
  const fields = header.getInt('TFIELDS');
  if (fields < 0 || fields > 999) throw headerError(`TFIELDS = ${fields} is out of range`);
  const columns: BinaryColumn[] = [];
  let offset = 0;
  for (let n = 1; n <= fields; n++) {
    const form = parseBinaryForm(header.getString(`TFORM${n}`));
    const width = columnWidth(form);
    const tnull = header.get(`TNULL${n}`);
    const tdim = header.get(`TDIM${n}`);
    const name = header.get(`TTYPE${n}`);
    const unit = header.get(`TUNIT${n}`);
    columns.push({
      number: n,
      name: typeof name === 'string' && name.trim() !== '' ? name.trim() : `COL${n}`,
      form,
      offset,
      width,
      unit: typeof unit === 'string' ? unit : undefined,
      tscal: header.getNumber(`TSCAL${n}`, 1),
      tzero: header.getNumber(`TZERO${n}`, 0),
      tnull: typeof tnull === 'number' || typeof tnull === 'bigint' ? tnull : undefined,
      tdim: typeof tdim === 'string' ? parseTdim(tdim) : undefined,
    });
    offset += width;
  }
  if (offset !== rowBytes) {
    throw headerError(`columns take ${offset} bytes per row but NAXIS1 = ${rowBytes}`);
  }
  const mainBytes = rowBytes * rows;
  const heapOffset = header.getInt('THEAP', mainBytes);
  if (heapOffset < mainBytes || heapOffset > mainBytes + pcount) {
    throw new PromptlyError(
      'PROMPTLY_E_FITS_DATA',
      `THEAP = ${heapOffset} lies outside the data unit`,
    );
  }
  return { rowBytes, rows, columns, heapOffset, heapSize: mainBytes + pcount - heapOffset };
}

function parseTdim(text: string): number[] | undefined {
  const m = /^\s*\(([\d\s,]+)\)\s*$/.exec(text);
  if (m === null) return undefined;
  return (m[1] ?? '').split(',').map((s) => Number(s.trim()));
}

/**
 * Finds a column by name (case-insensitive) or 1-based number. Throws PROMPTLY_E_FITS_RANGE
 * when there is none.
 */
export function findColumn(layout: BinaryTableLayout, column: string | number): BinaryColumn {
  const found =
    typeof column === 'number'
      ? layout.columns[column - 1]
      : layout.columns.find((c) => c.name.toUpperCase() === column.trim().toUpperCase());
  if (found === undefined)
    throw new PromptlyError('PROMPTLY_E_FITS_RANGE', `no column ${String(column)}`);
  return found;
}
