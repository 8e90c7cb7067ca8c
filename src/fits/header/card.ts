import { PromptlyError } from '../../core/errors.js';

/** Bytes (and characters) in one FITS header card. */
export const CARD_LENGTH = 80;

/** A FITS complex value `(re, im)`; both parts are finite numbers. */
export interface FitsComplex {
  readonly re: number;
  readonly im: number;
}

/**
 * A keyword value as held in memory.
 * - `string`: character string, trailing blanks removed (leading blanks kept);
 * - `boolean`: logical T/F;
 * - `number`: integer (when `type` is `'integer'`, always a safe integer) or float;
 * - `bigint`: integer whose magnitude exceeds 2^53 - 1;
 * - {@link FitsComplex}: complex integer or float;
 * - `null`: the "undefined value" of the standard (blank value field).
 */
export type CardValue = string | boolean | number | bigint | FitsComplex | null;

/** Kind of value a card holds, as written in the file. `'float'` keeps `1.0` from becoming `1`. */
export type ValueType = 'string' | 'logical' | 'integer' | 'float' | 'complex' | 'undefined';

/** A keyword = value card, possibly spread over CONTINUE cards (long string convention). */
export interface ValueCard {
  readonly kind: 'value';
  /**
   * Keyword: upper-case for standard keywords (≤ 8 chars of A-Z 0-9 _ -); for HIERARCH
   * cards the name after `HIERARCH ` as written (case kept, e.g. `ESO DET CHIP`).
   */
  readonly keyword: string;
  readonly value: CardValue;
  readonly type: ValueType;
  /** Comment text without the `/` separator and surrounding blanks; `''` when absent. */
  readonly comment: string;
  /** True when the card uses the ESO HIERARCH convention. */
  readonly hierarch: boolean;
  /**
   * The card images exactly as read (a multiple of 80 chars; several when CONTINUE cards
   * followed). Present only on cards parsed from a file and never modified, so that an
   * unmodified header is written back byte for byte.
   */
  readonly image?: string;
}

/** A card without a value: COMMENT, HISTORY, blank keyword, or any keyword lacking `= `. */
export interface CommentaryCard {
  readonly kind: 'commentary';
  /** `COMMENT`, `HISTORY`, `''` (blank), or another keyword written without a value indicator. */
  readonly keyword: string;
  /** Text from column 9 on, trailing blanks removed. */
  readonly text: string;
  /** Card image exactly as read (80 chars); see {@link ValueCard.image}. */
  readonly image?: string;
}

/** One logical header card. */
export type Card = ValueCard | CommentaryCard;

/** Keywords whose cards never carry a value. */
export const COMMENTARY_KEYWORDS: ReadonlySet<string> = new Set(['COMMENT', 'HISTORY', '']);

const STANDARD_KEYWORD = /^[A-Z0-9_-]{0,8}$/;
const NON_PRINTABLE = /[^\x20-\x7e]/;

/** Text of a value for messages: strings quoted, complex as `(re, im)`, null as `undefined`. */
export function describeValue(v: CardValue | undefined): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'undefined';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'object') return `(${v.re}, ${v.im})`;
  return String(v);
}

function headerError(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_FITS_HEADER', message);
}

/**
 * Normalised lookup key: `HIERARCH ` prefix dropped, outer blanks trimmed, upper-cased.
 * Header lookups are case-insensitive, as in astropy and cfitsio.
 */
export function lookupKey(keyword: string): string {
  let k = keyword.trim();
  if (/^HIERARCH\s/i.test(k)) k = k.slice(9).trim();
  return k.toUpperCase();
}

/** Throws PROMPTLY_E_FITS_HEADER unless `text` is printable ASCII (0x20–0x7E). */
export function assertPrintable(text: string, what: string): void {
  if (NON_PRINTABLE.test(text)) {
    throw headerError(
      `${what} contains characters outside printable ASCII: ${JSON.stringify(text)}`,
    );
  }
}

/**
 * Splits a keyword given by a caller into its written form: standard keywords are
 * upper-cased; a `HIERARCH ` prefix, a name longer than 8 characters, or characters outside
 * A-Z 0-9 _ - select the HIERARCH convention (as astropy does).
 */
export function normalizeKeyword(keyword: string): { keyword: string; hierarch: boolean } {
  const trimmed = keyword.trim();
  assertPrintable(trimmed, `keyword ${JSON.stringify(keyword)}`);
  let hierarch = false;
  let name = trimmed;
  if (/^HIERARCH\s/i.test(trimmed)) {
    hierarch = true;
    name = trimmed.slice(9).trim();
  } else if (STANDARD_KEYWORD.test(trimmed.toUpperCase())) {
    name = trimmed.toUpperCase();
  } else {
    hierarch = true;
  }
  if (hierarch) {
    if (name.length === 0 || name.includes('=')) {
      throw headerError(`invalid HIERARCH keyword ${JSON.stringify(keyword)}`);
    }
  }
  return { keyword: name, hierarch };
}

function inferType(value: CardValue, previous: ValueType | undefined): ValueType {
  if (value === null) return 'undefined';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'logical';
    case 'bigint':
      return 'integer';
    case 'number':
      if (!Number.isFinite(value)) throw headerError(`value ${value} is not a finite number`);
      if (previous === 'float' || !Number.isInteger(value)) return 'float';
      if (!Number.isSafeInteger(value)) return 'float';
      return 'integer';
    default:
      if (!Number.isFinite(value.re) || !Number.isFinite(value.im)) {
        throw headerError('complex value parts must be finite numbers');
      }
      return 'complex';
  }
}

/** Options for {@link makeValueCard}. */
export interface MakeCardOptions {
  /**
   * Force the written type of a number: `'float'` writes `3` as `3.0`. Default: integer
   * when the number is a safe integer (or the card replaced was not a float), else float.
   */
  readonly type?: ValueType;
  /** Type of the card being replaced, so that replacing `1.5` by `2` keeps writing a float. */
  readonly previousType?: ValueType;
}

/**
 * Builds a validated value card. Throws PROMPTLY_E_FITS_HEADER for a commentary keyword,
 * `END`/`CONTINUE`, non-printable text, a non-finite number, or a type that does not match
 * the value.
 */
export function makeValueCard(
  keyword: string,
  value: CardValue,
  comment = '',
  options: MakeCardOptions = {},
): ValueCard {
  const k = normalizeKeyword(keyword);
  const upper = k.keyword.toUpperCase();
  if (!k.hierarch && (COMMENTARY_KEYWORDS.has(upper) || upper === 'END' || upper === 'CONTINUE')) {
    throw headerError(`keyword ${JSON.stringify(upper)} cannot carry a value`);
  }
  if (typeof value === 'string') assertPrintable(value, `value of ${k.keyword}`);
  assertPrintable(comment, `comment of ${k.keyword}`);
  let type = inferType(value, options.previousType);
  if (options.type !== undefined && options.type !== type) {
    const okFloat = options.type === 'float' && type === 'integer' && typeof value === 'number';
    if (!okFloat) throw headerError(`value of ${k.keyword} is not of type ${options.type}`);
    type = 'float';
  }
  if (typeof value === 'string') value = value.replace(/ +$/, '');
  return {
    kind: 'value',
    keyword: k.keyword,
    value,
    type,
    comment: comment.trim(),
    hierarch: k.hierarch,
  };
}

/**
 * Builds a commentary card (COMMENT, HISTORY, or blank keyword). Text longer than 72
 * characters is written as several cards of the same keyword.
 */
export function makeCommentaryCard(
  keyword: 'COMMENT' | 'HISTORY' | '',
  text: string,
): CommentaryCard {
  assertPrintable(text, `${keyword || 'blank'} text`);
  return { kind: 'commentary', keyword, text: text.replace(/ +$/, '') };
}
