import { PromptlyError } from '../../core/errors.js';
import { CARD_LENGTH, assertPrintable, type Card, type CardValue, type ValueCard } from './card.js';

/** Longest escaped string piece on a first or CONTINUE card: 80 - 10 - 2 quotes - `&`. */
const LONG_PIECE = 67;
/** Longest comment on a CONTINUE card holding `'&'` or `''`: 80 - 10 - 3 - 3. */
const CONTINUE_COMMENT = 64;
const STANDARD_KEYWORD = /^[A-Z0-9_-]{0,8}$/;

function headerError(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_FITS_HEADER', message);
}

/**
 * Formats a float as FITS wants it: shortest text that reads back to the same double,
 * always with a `.` or an exponent, exponent letter `E` with at least two digits
 * (astropy's style: `1.0`, `0.25`, `1E-10`, `1.5E+20`).
 */
export function formatFloat(v: number): string {
  if (!Number.isFinite(v)) throw headerError(`value ${v} is not a finite number`);
  const a = Math.abs(v);
  let s: string;
  if (a !== 0 && (a >= 1e16 || a < 1e-4)) {
    s = v.toExponential().replace(/\.?0*e/, 'E');
    s = s.replace(/E([+-])(\d)$/, 'E$10$2');
  } else {
    s = String(v);
    if (!s.includes('.')) s += '.0';
  }
  return s;
}

/** Text of a non-string value as it appears in the value field (not padded). */
export function formatScalar(value: CardValue, type: ValueCard['type']): string {
  if (value === null) return '';
  switch (typeof value) {
    case 'boolean':
      return value ? 'T' : 'F';
    case 'bigint':
      return value.toString();
    case 'number':
      return type === 'float' ? formatFloat(value) : String(value);
    case 'string':
      return `'${value.replace(/'/g, "''").padEnd(8)}'`;
    default:
      return `(${formatFloat(value.re)}, ${formatFloat(value.im)})`;
  }
}

function withComment(prefix: string, comment: string): string {
  if (!comment) return prefix.padEnd(CARD_LENGTH);
  // Comments that do not fit are truncated, as astropy and cfitsio do.
  return (prefix + ' / ' + comment).slice(0, CARD_LENGTH).padEnd(CARD_LENGTH);
}

/** Splits `value` into pieces whose quote-escaped length is at most `max`, never inside `''`. */
function splitEscaped(value: string, max: number): string[] {
  const pieces: string[] = [];
  let cur = '';
  let len = 0;
  for (const ch of value) {
    const w = ch === "'" ? 2 : 1;
    if (len + w > max) {
      pieces.push(cur);
      cur = '';
      len = 0;
    }
    cur += ch;
    len += w;
  }
  pieces.push(cur);
  return pieces;
}

/** Splits a comment into pieces of at most `max` chars, breaking at blanks when it can. */
function splitComment(comment: string, max: number): string[] {
  const out: string[] = [];
  let rest = comment;
  while (rest.length > max) {
    let cut = rest.lastIndexOf(' ', max);
    if (cut <= 0) cut = max;
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  out.push(rest);
  return out;
}

function formatLongString(card: ValueCard, value: string): string {
  const pieces = splitEscaped(value, LONG_PIECE);
  const esc = (s: string): string => s.replace(/'/g, "''");
  const lines: string[] = [];
  pieces.forEach((p, i) => {
    const more = i < pieces.length - 1;
    const head = i === 0 ? `${card.keyword.padEnd(8)}= ` : 'CONTINUE  ';
    lines.push(`${head}'${esc(p)}${more ? '&' : ''}'`);
  });
  if (card.comment) {
    const last = lines.length - 1;
    const lastLine = lines[last] ?? '';
    if (lastLine.length + 3 + card.comment.length <= CARD_LENGTH) {
      lines[last] = lastLine + ' / ' + card.comment;
    } else {
      lines[last] = lastLine.slice(0, -1) + "&'";
      const parts = splitComment(card.comment, CONTINUE_COMMENT);
      parts.forEach((c, i) => {
        lines.push(`CONTINUE  '${i < parts.length - 1 ? '&' : ''}' / ${c}`);
      });
    }
  }
  return lines.map((l) => l.padEnd(CARD_LENGTH)).join('');
}

function formatValueCard(card: ValueCard): string {
  const scalar = formatScalar(card.value, card.type);
  if (card.hierarch) {
    const name = `HIERARCH ${card.keyword}`;
    const padded = card.type === 'string' ? scalar.padEnd(20) : scalar.padStart(20);
    for (const prefix of [`${name} = ${padded}`, `${name} = ${scalar}`, `${name}=${scalar}`]) {
      if (prefix.trimEnd().length <= CARD_LENGTH)
        return withComment(prefix.trimEnd(), card.comment);
    }
    throw headerError(`HIERARCH card ${card.keyword} with its value does not fit in 80 characters`);
  }
  if (!STANDARD_KEYWORD.test(card.keyword)) {
    throw headerError(`invalid keyword ${JSON.stringify(card.keyword)}`);
  }
  const head = `${card.keyword.padEnd(8)}= `;
  if (card.type === 'string' && typeof card.value === 'string') {
    if (head.length + scalar.length > CARD_LENGTH) return formatLongString(card, card.value);
    return withComment(head + scalar.padEnd(20), card.comment);
  }
  if (card.type === 'undefined') return withComment(head, card.comment);
  return withComment(head + scalar.padStart(20), card.comment);
}

/**
 * Formats a card as one or more 80-character card images (several for a long string
 * written with CONTINUE, or a long COMMENT/HISTORY text). A card read from a file and not
 * modified is returned exactly as read. Throws PROMPTLY_E_FITS_HEADER when the card cannot
 * be written (bad keyword, HIERARCH card too long, non-printable text).
 */
export function formatCard(card: Card): string {
  if (card.image !== undefined) return card.image;
  if (card.kind === 'value') return formatValueCard(card);
  const kw = card.keyword;
  if (kw !== 'HIERARCH' && !STANDARD_KEYWORD.test(kw)) {
    throw headerError(`invalid keyword ${JSON.stringify(kw)}`);
  }
  assertPrintable(card.text, `${kw || 'blank'} text`);
  const width = CARD_LENGTH - 8;
  if (card.text.length <= width) return (kw.padEnd(8) + card.text).padEnd(CARD_LENGTH);
  let out = '';
  for (let i = 0; i < card.text.length; i += width) {
    out += (kw.padEnd(8) + card.text.slice(i, i + width)).padEnd(CARD_LENGTH);
  }
  return out;
}
