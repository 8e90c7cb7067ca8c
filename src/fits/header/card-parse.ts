import { PromptlyError } from '../../core/errors.js';
import {
  CARD_LENGTH,
  COMMENTARY_KEYWORDS,
  type Card,
  type CardValue,
  type CommentaryCard,
  type ValueCard,
  type ValueType,
} from './card.js';

interface ParsedValue {
  readonly value: CardValue;
  readonly type: ValueType;
  readonly comment: string;
}

const INTEGER = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[EeDd][+-]?\d+)?$/;
const TOKEN_END = /[\s/]/;

function cardError(image: string, message: string): PromptlyError {
  return new PromptlyError(
    'PROMPTLY_E_FITS_HEADER',
    `${message} in card ${JSON.stringify(image.trimEnd())}`,
  );
}

/** Integer text → number when safe, bigint beyond 2^53 - 1. */
function parseInteger(text: string): number | bigint {
  const n = Number(text);
  if (Number.isSafeInteger(n)) return n;
  return BigInt(text.replace(/^\+/, ''));
}

function parseReal(text: string, image: string): number {
  const n = Number(text.replace(/[Dd]/, 'E'));
  if (!Number.isFinite(n)) throw cardError(image, `number ${text} out of range`);
  return n;
}

function parseComment(rest: string, image: string): string {
  const t = rest.trim();
  if (t.length === 0) return '';
  if (!t.startsWith('/'))
    throw cardError(image, `unexpected text ${JSON.stringify(t)} after value`);
  return t.slice(1).trim();
}

/**
 * Parses a free-format value field (the text after `= `) into value, type and comment.
 * Throws PROMPTLY_E_FITS_HEADER when the field holds no recognisable value.
 */
export function parseValueField(field: string, image: string): ParsedValue {
  let i = 0;
  while (i < field.length && field[i] === ' ') i++;
  if (i >= field.length || field[i] === '/') {
    return { value: null, type: 'undefined', comment: parseComment(field.slice(i), image) };
  }
  const c = field[i];
  if (c === "'") {
    let out = '';
    let j = i + 1;
    for (;;) {
      const q = field.indexOf("'", j);
      if (q < 0) throw cardError(image, 'unterminated string');
      out += field.slice(j, q);
      if (field[q + 1] === "'") {
        out += "'";
        j = q + 2;
      } else {
        j = q + 1;
        break;
      }
    }
    return {
      value: out.replace(/ +$/, ''),
      type: 'string',
      comment: parseComment(field.slice(j), image),
    };
  }
  if (c === '(') {
    const close = field.indexOf(')', i);
    if (close < 0) throw cardError(image, 'unterminated complex value');
    const parts = field.slice(i + 1, close).split(',');
    const re = parts[0]?.trim() ?? '';
    const im = parts[1]?.trim() ?? '';
    if (parts.length !== 2 || !FLOAT.test(re) || !FLOAT.test(im)) {
      throw cardError(image, 'malformed complex value');
    }
    return {
      value: { re: parseReal(re, image), im: parseReal(im, image) },
      type: 'complex',
      comment: parseComment(field.slice(close + 1), image),
    };
  }
  let end = i;
  while (end < field.length && !TOKEN_END.test(field[end] ?? ' ')) end++;
  const token = field.slice(i, end);
  const comment = parseComment(field.slice(end), image);
  if (token === 'T' || token === 'F') return { value: token === 'T', type: 'logical', comment };
  if (INTEGER.test(token)) return { value: parseInteger(token), type: 'integer', comment };
  if (FLOAT.test(token)) return { value: parseReal(token, image), type: 'float', comment };
  throw cardError(image, `unrecognised value ${JSON.stringify(token)}`);
}

/**
 * Parses one 80-character card image. A `CONTINUE` card is returned as a commentary card
 * with keyword `CONTINUE`; {@link parseCards} merges those into the preceding long string.
 * Throws PROMPTLY_E_FITS_HEADER for a malformed value.
 */
export function parseCard(image: string): Card {
  if (image.length !== CARD_LENGTH) {
    throw new PromptlyError('PROMPTLY_E_FITS_HEADER', `card is ${image.length} chars, not 80`);
  }
  const head = image.slice(0, 8);
  if (head === 'HIERARCH' && image[8] === ' ') {
    const eq = image.indexOf('=', 9);
    if (eq > 9) {
      const keyword = image.slice(9, eq).trim();
      if (keyword.length > 0) {
        const v = parseValueField(image.slice(eq + 1), image);
        return { kind: 'value', keyword, ...v, hierarch: true, image };
      }
    }
    return { kind: 'commentary', keyword: 'HIERARCH', text: image.slice(8).trimEnd(), image };
  }
  const keyword = head.trimEnd().toUpperCase();
  // The standard puts "= " in columns 9-10; a missing blank after '=' is accepted on read.
  if (!COMMENTARY_KEYWORDS.has(keyword) && keyword !== 'CONTINUE' && image[8] === '=') {
    const v = parseValueField(image.slice(10), image);
    return { kind: 'value', keyword, ...v, hierarch: false, image };
  }
  return { kind: 'commentary', keyword, text: image.slice(8).trimEnd(), image };
}

/**
 * Parses the string value of a CONTINUE card (the text from column 11). Returns undefined
 * when the card does not hold a string (then it is kept as commentary).
 */
function parseContinue(card: CommentaryCard): { value: string; comment: string } | undefined {
  const image = card.image ?? '';
  try {
    const v = parseValueField(image.slice(10), image);
    if (v.type !== 'string' || typeof v.value !== 'string') return undefined;
    return { value: v.value, comment: v.comment };
  } catch {
    return undefined;
  }
}

/**
 * Parses a run of 80-character cards (no END) into logical cards, merging CONTINUE cards
 * into the string value before them when it ends with `&` (OGIP long-string convention).
 * Comments of the pieces are joined with a blank, as astropy does.
 */
export function parseCards(text: string): Card[] {
  const out: Card[] = [];
  const n = Math.floor(text.length / CARD_LENGTH);
  for (let i = 0; i < n; i++) {
    const image = text.slice(i * CARD_LENGTH, (i + 1) * CARD_LENGTH);
    const card = parseCard(image);
    if (card.kind === 'value' && card.type === 'string' && !card.hierarch) {
      const str = card.value as string;
      if (str.endsWith('&')) {
        const pieces = [str.slice(0, -1)];
        const comments = card.comment ? [card.comment] : [];
        let images = image;
        let open = true;
        while (open && i + 1 < n && text.startsWith('CONTINUE', (i + 1) * CARD_LENGTH)) {
          const nextImage = text.slice((i + 1) * CARD_LENGTH, (i + 2) * CARD_LENGTH);
          const next = parseCard(nextImage);
          const piece = next.kind === 'commentary' ? parseContinue(next) : undefined;
          if (piece === undefined) break;
          open = piece.value.endsWith('&');
          pieces.push(open ? piece.value.slice(0, -1) : piece.value);
          if (piece.comment) comments.push(piece.comment);
          images += nextImage;
          i++;
        }
        // A lone card whose string merely ends in '&' keeps it (astropy does the same).
        const value = pieces.length === 1 ? str : pieces.join('');
        out.push({
          ...card,
          value,
          comment: comments.join(' '),
          image: images,
        } satisfies ValueCard);
        continue;
      }
    }
    out.push(card);
  }
  return out;
}
