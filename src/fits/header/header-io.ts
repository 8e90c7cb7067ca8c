import { PromptlyError } from '../../core/errors.js';
import { CARD_LENGTH } from './card.js';
import { formatCard } from './card-format.js';
import { parseCards } from './card-parse.js';
import { Header } from './header.js';

/** Bytes in a FITS logical block: headers and data units are padded to a multiple of it. */
export const BLOCK_SIZE = 2880;

/** Cards in one 2880-byte header block. */
export const CARDS_PER_BLOCK = BLOCK_SIZE / CARD_LENGTH;

const E = 0x45;
const N = 0x4e;
const D = 0x44;
const SPACE = 0x20;

/** Rounds a byte count up to a whole number of 2880-byte blocks. */
export function padToBlock(bytes: number): number {
  return Math.ceil(bytes / BLOCK_SIZE) * BLOCK_SIZE;
}

/**
 * Index of the END card within `bytes` (counting 80-byte cards from 0), searching from card
 * `fromCard`; -1 when there is none. An END card is `END` followed by blanks to column 8.
 */
export function findEndCard(bytes: Uint8Array, fromCard = 0): number {
  const n = Math.floor(bytes.length / CARD_LENGTH);
  for (let i = fromCard; i < n; i++) {
    const o = i * CARD_LENGTH;
    if (bytes[o] !== E || bytes[o + 1] !== N || bytes[o + 2] !== D) continue;
    let blank = true;
    for (let j = 3; j < 8; j++) if (bytes[o + j] !== SPACE) blank = false;
    if (blank) return i;
  }
  return -1;
}

/**
 * Decodes `cardCount` cards of header text. Throws PROMPTLY_E_FITS_HEADER when a byte is
 * outside printable ASCII (which also catches a data unit mistaken for a header).
 */
export function decodeCards(bytes: Uint8Array, cardCount: number): string {
  const len = cardCount * CARD_LENGTH;
  for (let i = 0; i < len; i++) {
    const b = bytes[i] ?? 0;
    if (b < 0x20 || b > 0x7e) {
      throw new PromptlyError(
        'PROMPTLY_E_FITS_HEADER',
        `header byte ${i} (card ${Math.floor(i / CARD_LENGTH) + 1}) is not printable ASCII (0x${b.toString(16)})`,
      );
    }
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, len).toString('latin1');
}

/** A header parsed from bytes, with the bytes it occupied. */
export interface ParsedHeader {
  readonly header: Header;
  /** Bytes from the first card through the END block's padding (a multiple of 2880). */
  readonly byteLength: number;
}

/**
 * Parses a header from the start of `bytes` up to and including its END card. Throws
 * PROMPTLY_E_FITS_TRUNCATED when no END card is found in the whole 2880-byte blocks given,
 * PROMPTLY_E_FITS_HEADER for a malformed card.
 */
export function parseHeader(bytes: Uint8Array): ParsedHeader {
  const usable = bytes.subarray(0, Math.floor(bytes.length / BLOCK_SIZE) * BLOCK_SIZE);
  const end = findEndCard(usable);
  if (end < 0) {
    throw new PromptlyError(
      'PROMPTLY_E_FITS_TRUNCATED',
      'header has no END card before the end of the bytes',
    );
  }
  const header = new Header(parseCards(decodeCards(usable, end)));
  return { header, byteLength: padToBlock((end + 1) * CARD_LENGTH) };
}

/** Formats the cards of a header (no END, no padding) as one string of 80-char cards. */
export function headerText(header: Header): string {
  let text = '';
  for (const card of header) text += formatCard(card);
  return text;
}

/**
 * Serialises a header: every card (CONTINUE-split where needed), END, then blanks to a
 * multiple of 2880 bytes. Throws PROMPTLY_E_FITS_HEADER for a card that cannot be written.
 */
export function serializeHeader(header: Header): Uint8Array {
  const text = headerText(header) + 'END'.padEnd(CARD_LENGTH);
  const out = new Uint8Array(padToBlock(text.length));
  out.fill(SPACE);
  out.set(Buffer.from(text, 'latin1'));
  return out;
}
