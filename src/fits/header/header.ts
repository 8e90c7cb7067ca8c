import { PromptlyError } from '../../core/errors.js';
import {
  describeValue,
  lookupKey,
  makeCommentaryCard,
  makeValueCard,
  type Card,
  type CardValue,
  type FitsComplex,
  type MakeCardOptions,
  type ValueCard,
} from './card.js';

function headerError(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_FITS_HEADER', message);
}

/**
 * An ordered list of FITS header cards (without END). Lookups are case-insensitive and
 * accept HIERARCH names with or without the `HIERARCH ` prefix. When a keyword appears more
 * than once, `get`/`set` address its first value card, as astropy does.
 *
 * Typed getters (`getNumber`, `getInt`, ...) throw PROMPTLY_E_FITS_HEADER when the keyword
 * is missing (unless a default is given) or holds the wrong type.
 */
export class Header implements Iterable<Card> {
  #cards: Card[];
  #index: Map<string, number> | undefined;

  /** Creates a header from cards (kept in order; copied, not shared). */
  constructor(cards: Iterable<Card> = []) {
    this.#cards = [...cards];
  }

  /** Number of logical cards (a long string with CONTINUE counts as one). */
  get length(): number {
    return this.#cards.length;
  }

  /** The cards, in order (read-only view; use the methods to change them). */
  get cards(): readonly Card[] {
    return this.#cards;
  }

  [Symbol.iterator](): Iterator<Card> {
    return this.#cards[Symbol.iterator]();
  }

  /** A deep-enough copy: cards are immutable values, so the array is what gets copied. */
  clone(): Header {
    return new Header(this.#cards);
  }

  #lookup(): Map<string, number> {
    if (this.#index === undefined) {
      const index = new Map<string, number>();
      this.#cards.forEach((c, i) => {
        if (c.kind !== 'value') return;
        const k = lookupKey(c.keyword);
        if (!index.has(k)) index.set(k, i);
      });
      this.#index = index;
    }
    return this.#index;
  }

  #changed(): void {
    this.#index = undefined;
  }

  /** Position of the first value card with this keyword, or -1. */
  indexOf(keyword: string): number {
    return this.#lookup().get(lookupKey(keyword)) ?? -1;
  }

  /** True when a value card with this keyword exists. */
  has(keyword: string): boolean {
    return this.indexOf(keyword) >= 0;
  }

  /** First value card with this keyword, or undefined. */
  getCard(keyword: string): ValueCard | undefined {
    const card = this.#cards[this.indexOf(keyword)];
    return card?.kind === 'value' ? card : undefined;
  }

  /** Value of the keyword (`null` for an undefined value), or undefined when absent. */
  get(keyword: string): CardValue | undefined {
    return this.getCard(keyword)?.value;
  }

  /** Comment of the keyword, or undefined when absent. */
  getComment(keyword: string): string | undefined {
    return this.getCard(keyword)?.comment;
  }

  #require<T>(
    keyword: string,
    fallback: T | undefined,
    pick: (v: CardValue) => T | undefined,
    what: string,
  ): T {
    const card = this.getCard(keyword);
    if (card === undefined) {
      if (fallback !== undefined) return fallback;
      throw headerError(`missing keyword ${keyword}`);
    }
    const v = pick(card.value);
    if (v === undefined) {
      throw headerError(`keyword ${keyword} is not ${what}: ${describeValue(card.value)}`);
    }
    return v;
  }

  /** Value as a number (integer or float; a bigint is converted, losing precision). */
  getNumber(keyword: string, fallback?: number): number {
    return this.#require(
      keyword,
      fallback,
      (v) => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined),
      'a number',
    );
  }

  /** Value as a safe integer; throws for floats with a fraction and for bigint values. */
  getInt(keyword: string, fallback?: number): number {
    return this.#require(
      keyword,
      fallback,
      (v) => (typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined),
      'an integer within ±2^53',
    );
  }

  /** Value as a bigint (any integer card). */
  getBigInt(keyword: string, fallback?: bigint): bigint {
    return this.#require(
      keyword,
      fallback,
      (v) =>
        typeof v === 'bigint'
          ? v
          : typeof v === 'number' && Number.isInteger(v)
            ? BigInt(v)
            : undefined,
      'an integer',
    );
  }

  /** Value as a string (trailing blanks already removed). */
  getString(keyword: string, fallback?: string): string {
    return this.#require(
      keyword,
      fallback,
      (v) => (typeof v === 'string' ? v : undefined),
      'a string',
    );
  }

  /** Value as a logical. */
  getBoolean(keyword: string, fallback?: boolean): boolean {
    return this.#require(
      keyword,
      fallback,
      (v) => (typeof v === 'boolean' ? v : undefined),
      'a logical',
    );
  }

  /** Value as a complex number. */
  getComplex(keyword: string, fallback?: FitsComplex): FitsComplex {
    return this.#require(
      keyword,
      fallback,
      (v) => (v !== null && typeof v === 'object' ? v : undefined),
      'a complex number',
    );
  }

  /**
   * Sets a keyword: replaces the first card with that keyword in place (keeping its comment
   * when `comment` is undefined, and keeping a float written as float), or appends a new
   * card at the end (before nothing: END is never stored). Validates keyword and value;
   * throws PROMPTLY_E_FITS_HEADER. Returns `this`.
   */
  set(keyword: string, value: CardValue, comment?: string, options: MakeCardOptions = {}): this {
    const i = this.indexOf(keyword);
    const old = i >= 0 ? this.#cards[i] : undefined;
    if (old?.kind === 'value') {
      const card = makeValueCard(keyword, value, comment ?? old.comment, {
        previousType: old.type,
        ...options,
      });
      // Keep the keyword exactly as it was written (HIERARCH case, prefix).
      this.#cards[i] = { ...card, keyword: old.keyword, hierarch: old.hierarch };
      return this;
    }
    this.#cards.push(makeValueCard(keyword, value, comment ?? '', options));
    this.#changed();
    return this;
  }

  /**
   * Inserts a value card at `index` (0 = first; clamped to the end), or after the card with
   * keyword `after` when `index` is a string. Does not check for duplicates.
   */
  insert(index: number | { after: string }, keyword: string, value: CardValue, comment = ''): this {
    const card = makeValueCard(keyword, value, comment);
    this.insertCard(index, card);
    return this;
  }

  /** Inserts an already built card (value or commentary) at a position; see {@link insert}. */
  insertCard(index: number | { after: string }, card: Card): this {
    let at = typeof index === 'number' ? index : this.indexOf(index.after) + 1;
    if (typeof index !== 'number' && at === 0) throw headerError(`missing keyword ${index.after}`);
    at = Math.max(0, Math.min(at, this.#cards.length));
    this.#cards.splice(at, 0, card);
    this.#changed();
    return this;
  }

  /** Appends a card as is (duplicates allowed). */
  append(card: Card): this {
    this.#cards.push(card);
    this.#changed();
    return this;
  }

  /** Appends a COMMENT card (split into several when longer than 72 characters on write). */
  addComment(text: string): this {
    return this.append(makeCommentaryCard('COMMENT', text));
  }

  /** Appends a HISTORY card. */
  addHistory(text: string): this {
    return this.append(makeCommentaryCard('HISTORY', text));
  }

  /** Appends a blank-keyword card with the given text (may be empty). */
  addBlank(text = ''): this {
    return this.append(makeCommentaryCard('', text));
  }

  /** Texts of every commentary card with this keyword (`COMMENT`, `HISTORY` or `''`). */
  commentary(keyword: 'COMMENT' | 'HISTORY' | ''): string[] {
    const out: string[] = [];
    for (const c of this.#cards)
      if (c.kind === 'commentary' && c.keyword === keyword) out.push(c.text);
    return out;
  }

  /** Removes every value card with this keyword; returns how many were removed. */
  delete(keyword: string): number {
    const k = lookupKey(keyword);
    const before = this.#cards.length;
    this.#cards = this.#cards.filter((c) => c.kind !== 'value' || lookupKey(c.keyword) !== k);
    this.#changed();
    return before - this.#cards.length;
  }

  /** Removes the card at `index` (any kind). */
  deleteAt(index: number): this {
    this.#cards.splice(index, 1);
    this.#changed();
    return this;
  }

  /** Keywords of the value cards, in order (duplicates included). */
  keys(): string[] {
    const out: string[] = [];
    for (const c of this.#cards) if (c.kind === 'value') out.push(c.keyword);
    return out;
  }

  /** Plain `{ keyword: value }` of the first occurrence of every value card (for JSON output). */
  toRecord(): Record<string, CardValue> {
    const out: Record<string, CardValue> = {};
    for (const c of this.#cards)
      if (c.kind === 'value' && !(c.keyword in out)) out[c.keyword] = c.value;
    return out;
  }
}
