import { PromptlyError } from '../../core/errors.js';
import { Header } from '../header/header.js';
import type { Bitpix } from '../hdu/hdu-info.js';
import { encodePixels, type PixelStorage } from '../image/encode-pixels.js';
import { pixelTypeOf, storageFor, type PixelArray } from '../image/pixel-format.js';
import type { WritableHdu } from '../write/writable-hdu.js';

/** A column to write. Numeric and logical values are flat: `rows × repeat`, row by row. */
export interface ColumnSpec {
  /** TTYPEn. */
  readonly name: string;
  /**
   * Values: a typed array (B/I/J/K/E/D by array type; Int8, Uint16, Uint32, BigUint64 use
   * the TZERO unsigned conventions), strings (A), or booleans / null (L).
   */
  readonly values: PixelArray | readonly string[] | readonly (boolean | null)[];
  /** Elements per row for numeric and logical columns (default 1, e.g. 3 for `3E`). */
  readonly repeat?: number;
  /** Characters per string for A columns (default: the longest string, at least 1). */
  readonly width?: number;
  /** TUNITn. */
  readonly unit?: string;
  /** TNULLn for integer columns (the stored value marking undefined). */
  readonly tnull?: number;
  /**
   * Store float values as integers of this type with TSCAL/TZERO (`stored = round((v − tzero)
   * / tscal)`, NaN → tnull).
   */
  readonly storeAs?: 'B' | 'I' | 'J';
  readonly tscal?: number;
  readonly tzero?: number;
}

/** Options for {@link makeBinaryTableHdu}. */
export interface BinaryTableOptions {
  readonly extname?: string;
  /** Extra cards appended after the column keywords. */
  readonly header?: Header;
  /** Rows encoded per chunk handed to the sink (default: about 1 MiB of rows). */
  readonly chunkRows?: number;
}

const LETTER: Readonly<Record<number, string>> = {
  8: 'B',
  16: 'I',
  32: 'J',
  64: 'K',
  [-32]: 'E',
  [-64]: 'D',
};
const BITPIX_OF: Readonly<Record<string, Bitpix>> = { B: 8, I: 16, J: 32 };

interface PreparedColumn {
  readonly spec: ColumnSpec;
  readonly tform: string;
  readonly width: number;
  readonly repeat: number;
  readonly rows: number;
  readonly encode: (first: number, count: number) => Uint8Array;
  readonly cards: [string, string | number | bigint][];
}

function dataError(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_FITS_DATA', message);
}

function prepare(spec: ColumnSpec): PreparedColumn {
  const v = spec.values;
  const cards: [string, string | number | bigint][] = [];
  if (ArrayBuffer.isView(v)) {
    const repeat = spec.repeat ?? 1;
    let storage: PixelStorage;
    if (spec.storeAs !== undefined) {
      storage = {
        bitpix: BITPIX_OF[spec.storeAs] as Bitpix,
        bscale: spec.tscal ?? 1,
        bzero: spec.tzero ?? 0,
        blank: spec.tnull,
      };
    } else {
      const natural = storageFor(pixelTypeOf(v));
      storage = { bitpix: natural.bitpix, bscale: 1, bzero: natural.bzero, blank: spec.tnull };
    }
    const size = Math.abs(storage.bitpix) / 8;
    if (storage.bscale !== 1) cards.push(['TSCAL', storage.bscale]);
    if (storage.bzero !== 0)
      cards.push(['TZERO', storage.bzero === 9223372036854775808 ? 2n ** 63n : storage.bzero]);
    if (spec.tnull !== undefined && storage.bitpix > 0) cards.push(['TNULL', spec.tnull]);
    return {
      spec,
      tform: `${repeat}${LETTER[storage.bitpix]}`,
      width: repeat * size,
      repeat,
      rows: repeat === 0 ? 0 : v.length / repeat,
      encode: (first, count) => encodePixels(v, first * repeat, count * repeat, storage),
      cards,
    };
  }
  const list = v as readonly (string | boolean | null)[];
  if (list.length > 0 && typeof list.find((x) => x !== null) === 'string') {
    const strings = list as readonly string[];
    let width = spec.width ?? 1;
    if (spec.width === undefined) for (const s of strings) width = Math.max(width, s.length);
    return {
      spec,
      tform: `${width}A`,
      width,
      repeat: 1,
      rows: strings.length,
      encode: (first, count) => {
        const out = new Uint8Array(count * width).fill(0x20);
        for (let r = 0; r < count; r++) {
          const s = strings[first + r] ?? '';
          if (s.length > width || /[^\x20-\x7e]/.test(s)) {
            throw dataError(
              `string ${JSON.stringify(s)} in ${spec.name} is wider than ${width} or not printable ASCII`,
            );
          }
          out.set(Buffer.from(s, 'latin1'), r * width);
        }
        return out;
      },
      cards,
    };
  }
  const logicals = list as readonly (boolean | null)[];
  const repeat = spec.repeat ?? 1;
  return {
    spec,
    tform: `${repeat}L`,
    width: repeat,
    repeat,
    rows: repeat === 0 ? 0 : logicals.length / repeat,
    encode: (first, count) => {
      const out = new Uint8Array(count * repeat);
      for (let i = 0; i < out.length; i++) {
        const b = logicals[first * repeat + i];
        out[i] = b === true ? 0x54 : b === false ? 0x46 : 0;
      }
      return out;
    },
    cards,
  };
}

/**
 * Builds a BINTABLE HDU from columns (all with the same number of rows; PROMPTLY_E_FITS_DATA
 * otherwise). Rows are encoded chunk by chunk while writing. Variable-length columns are
 * not written.
 */
export function makeBinaryTableHdu(
  columns: readonly ColumnSpec[],
  options: BinaryTableOptions = {},
): WritableHdu {
  const prepared = columns.map(prepare);
  const rows = prepared[0]?.rows ?? 0;
  for (const p of prepared) {
    if (!Number.isInteger(p.rows) || p.rows !== rows) {
      throw dataError(`column ${p.spec.name} has ${p.rows} rows, the first column ${rows}`);
    }
  }
  const rowBytes = prepared.reduce((n, p) => n + p.width, 0);
  const h = new Header();
  h.set('XTENSION', 'BINTABLE', 'binary table extension');
  h.set('BITPIX', 8, 'array data type');
  h.set('NAXIS', 2, 'number of array dimensions');
  h.set('NAXIS1', rowBytes, 'length of dimension 1');
  h.set('NAXIS2', rows, 'length of dimension 2');
  h.set('PCOUNT', 0, 'number of group parameters');
  h.set('GCOUNT', 1, 'number of groups');
  h.set('TFIELDS', prepared.length, 'number of table fields');
  prepared.forEach((p, i) => {
    const n = i + 1;
    h.set(`TTYPE${n}`, p.spec.name);
    h.set(`TFORM${n}`, p.tform);
    if (p.spec.unit !== undefined) h.set(`TUNIT${n}`, p.spec.unit);
    for (const [k, val] of p.cards)
      h.set(`${k}${n}`, val, undefined, k === 'TSCAL' ? { type: 'float' } : {});
  });
  if (options.extname !== undefined) h.set('EXTNAME', options.extname, 'extension name');
  for (const c of options.header ?? []) h.append(c);
  const chunkRows = options.chunkRows ?? Math.max(1, Math.floor((1 << 20) / Math.max(1, rowBytes)));
  function* chunks(): Generator<Uint8Array> {
    for (let first = 0; first < rows; first += chunkRows) {
      const count = Math.min(chunkRows, rows - first);
      const out = new Uint8Array(count * rowBytes);
      let offset = 0;
      for (const p of prepared) {
        const col = p.encode(first, count);
        for (let r = 0; r < count; r++) {
          out.set(col.subarray(r * p.width, (r + 1) * p.width), r * rowBytes + offset);
        }
        offset += p.width;
      }
      yield out;
    }
  }
  return { header: h, data: chunks };
}
