import { PromptlyError } from '../core/errors.js';

/** A value as a FITS header holds it (integers beyond 2^53 as bigint). */
export type KeywordValue = string | number | boolean | bigint;

/**
 * The little the WCS reader needs from a header: a keyword's value (string, number,
 * boolean or bigint), or undefined when the keyword is absent. Keys are upper-case FITS
 * keywords (`CRPIX1`, `A_2_0`). The return type is `unknown` so that any header whose
 * `get` returns more kinds of value (the FITS `Header` also returns `null` for an
 * undefined value and complex numbers) satisfies it as it is; the reader checks types
 * and rejects the wrong kind with PROMPTLY_E_WCS_INVALID.
 */
export interface KeywordSource {
  get(key: string): unknown;
}

/** A {@link KeywordSource} over a plain record or Map (keys matched upper-cased). */
export function keywordSourceFrom(
  values: Readonly<Record<string, KeywordValue>> | ReadonlyMap<string, KeywordValue>,
): KeywordSource {
  const map = new Map<string, KeywordValue>();
  const entries: Iterable<readonly [string, KeywordValue]> =
    values instanceof Map
      ? (values as ReadonlyMap<string, KeywordValue>).entries()
      : Object.entries(values as Readonly<Record<string, KeywordValue>>);
  for (const [key, value] of entries) map.set(key.toUpperCase(), value);
  return { get: (key) => map.get(key.toUpperCase()) };
}

function invalid(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_WCS_INVALID', message);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'object' && value !== null) return 'a complex or structured value';
  return String(value);
}

/** A numeric keyword as a finite number, or undefined when absent. */
export function readNumber(source: KeywordSource, key: string): number | undefined {
  const value = source.get(key);
  if (value === undefined) return undefined;
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    throw invalid(`${key} must be a finite number, got ${describe(value)}`);
  }
  return n;
}

/** An integer keyword, or undefined when absent. */
export function readInteger(source: KeywordSource, key: string): number | undefined {
  const n = readNumber(source, key);
  if (n !== undefined && !Number.isInteger(n)) throw invalid(`${key} must be an integer, got ${n}`);
  return n;
}

/** A string keyword with trailing blanks removed (FITS pads strings), or undefined. */
export function readString(source: KeywordSource, key: string): string | undefined {
  const value = source.get(key);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(`${key} must be a string, got ${describe(value)}`);
  return value.trimEnd();
}
