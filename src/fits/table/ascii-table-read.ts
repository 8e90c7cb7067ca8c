import { PromptlyError } from '../../core/errors.js';
import type { HduInfo } from '../hdu/hdu-info.js';
import type { ByteSource } from '../io/byte-source.js';

/** One column of an ASCII table (XTENSION = 'TABLE'). */
export interface AsciiColumn {
  readonly number: number;
  readonly name: string;
  /** TFORM letter: A (text), I (integer), F/E/D (real). */
  readonly type: 'A' | 'I' | 'F' | 'E' | 'D';
  /** Field width in characters. */
  readonly width: number;
  /** Decimals d of Fw.d/Ew.d/Dw.d (implied decimal point when the field has none). */
  readonly decimals: number;
  /** 0-based start within the row (TBCOLn − 1). */
  readonly start: number;
  readonly unit: string | undefined;
  readonly tscal: number;
  readonly tzero: number;
  /** TNULLn: the field text that marks an undefined value. */
  readonly tnull: string | undefined;
}

/** Values of an ASCII table column: strings for A, Float64Array for numbers (NaN = null). */
export type AsciiColumnData =
  | { readonly kind: 'string'; readonly values: string[] }
  | { readonly kind: 'numeric'; readonly values: Float64Array };

function headerError(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_FITS_HEADER', message);
}

/** Reads the column layout of an ASCII TABLE header. Throws PROMPTLY_E_FITS_HEADER. */
export function describeAsciiTable(hdu: HduInfo): {
  rowBytes: number;
  rows: number;
  columns: AsciiColumn[];
} {
  const h = hdu.header;
  const rowBytes = h.getInt('NAXIS1');
  const rows = h.getInt('NAXIS2');
  const fields = h.getInt('TFIELDS');
  const columns: AsciiColumn[] = [];
  for (let n = 1; n <= fields; n++) {
    const tform = h.getString(`TFORM${n}`);
    const m = /^\s*([AIFED])(\d+)(?:\.(\d+))?\s*$/i.exec(tform);
    if (m === null)
      throw headerError(`TFORM${n} = ${JSON.stringify(tform)} is not an ASCII table format`);
    const width = Number(m[2]);
    const start = h.getInt(`TBCOL${n}`) - 1;
    if (start < 0 || start + width > rowBytes)
      throw headerError(`TBCOL${n}/TFORM${n} run outside the ${rowBytes}-char row`);
    const name = h.get(`TTYPE${n}`);
    const unit = h.get(`TUNIT${n}`);
    const tnull = h.get(`TNULL${n}`);
    columns.push({
      number: n,
      name: typeof name === 'string' && name.trim() !== '' ? name.trim() : `COL${n}`,
      type: (m[1] ?? 'A').toUpperCase() as AsciiColumn['type'],
      width,
      decimals: m[3] === undefined ? 0 : Number(m[3]),
      start,
      unit: typeof unit === 'string' ? unit : undefined,
      tscal: h.getNumber(`TSCAL${n}`, 1),
      tzero: h.getNumber(`TZERO${n}`, 0),
      tnull: typeof tnull === 'string' ? tnull : undefined,
    });
  }
  return { rowBytes, rows, columns };
}

function parseField(text: string, col: AsciiColumn, row: number): number {
  const t = text.trim();
  if (t === '' || (col.tnull !== undefined && t === col.tnull.trim())) return Number.NaN;
  const normal = t.replace(/[Dd]/, 'E').replace(/\s+/g, '');
  let v = Number(normal);
  if (!Number.isFinite(v) || (col.type === 'I' && !/^[+-]?\d+$/.test(normal))) {
    throw new PromptlyError(
      'PROMPTLY_E_FITS_DATA',
      `row ${row + 1} of ${col.name}: ${JSON.stringify(t)} is not a number`,
    );
  }
  // Fortran rule: without a decimal point, the last d digits are decimals.
  if (col.type !== 'I' && col.decimals > 0 && !normal.includes('.')) {
    const [mantissa = '', exponent] = normal.split(/E/i);
    v = Number(mantissa) / 10 ** col.decimals;
    if (exponent !== undefined) v *= 10 ** Number(exponent);
  }
  return v * col.tscal + col.tzero;
}

/**
 * Reads every column of an ASCII TABLE HDU: A → strings (trailing blanks removed); I, F, E,
 * D → Float64Array of physical values (TSCAL/TZERO applied; blank or TNULL fields → NaN).
 * Throws PROMPTLY_E_FITS_DATA for a field that is not a number.
 */
export async function readAsciiTable(
  source: ByteSource,
  hdu: HduInfo,
  signal?: AbortSignal,
): Promise<{ columns: AsciiColumn[]; data: Map<string, AsciiColumnData> }> {
  if (hdu.kind !== 'table') {
    throw new PromptlyError(
      'PROMPTLY_E_FITS_UNSUPPORTED',
      `HDU ${hdu.index} is a ${hdu.kind}, not an ASCII table`,
    );
  }
  const { rowBytes, rows, columns } = describeAsciiTable(hdu);
  const bytes = await source.read(hdu.dataOffset, rowBytes * rows, signal);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data = new Map<string, AsciiColumnData>();
  for (const col of columns) {
    if (col.type === 'A') {
      const values = new Array<string>(rows);
      for (let r = 0; r < rows; r++) {
        const s = r * rowBytes + col.start;
        values[r] = text.toString('latin1', s, s + col.width).trimEnd();
      }
      data.set(col.name, { kind: 'string', values });
    } else {
      const values = new Float64Array(rows);
      for (let r = 0; r < rows; r++) {
        const s = r * rowBytes + col.start;
        values[r] = parseField(text.toString('latin1', s, s + col.width), col, r);
      }
      data.set(col.name, { kind: 'numeric', values });
    }
  }
  return { columns, data };
}
