import { PromptlyError } from '../core/errors.js';
import type { Timespan } from './registry.js';

/** Largest |ms| a Date can hold (±100 000 000 days); also the bound of finite validity ranges. */
export const MAX_TIME_MS = 8.64e15;
/** How an unbounded begin is stored (SQL has no infinities). */
export const UNBOUNDED_BEGIN_MS = -Number.MAX_SAFE_INTEGER;
/** How an unbounded end is stored. */
export const UNBOUNDED_END_MS = Number.MAX_SAFE_INTEGER;

function invalid(message: string): never {
  throw new PromptlyError('PROMPTLY_E_REGISTRY_INVALID', message);
}

/**
 * Validates a validity range and returns it as stored: integer ms, with -Infinity and
 * Infinity mapped to {@link UNBOUNDED_BEGIN_MS} / {@link UNBOUNDED_END_MS}. Throws
 * PROMPTLY_E_REGISTRY_INVALID unless both ends are integers within ±{@link MAX_TIME_MS}
 * (or the matching infinity) and beginMs < endMs.
 */
export function encodeTimespan(t: Timespan): { beginMs: number; endMs: number } {
  const { beginMs, endMs } = t;
  const ok = (v: number): boolean => Number.isSafeInteger(v) && Math.abs(v) <= MAX_TIME_MS;
  if (!(beginMs === -Infinity || ok(beginMs)))
    invalid(`validity beginMs must be an integer or -Infinity, got ${beginMs}`);
  if (!(endMs === Infinity || ok(endMs)))
    invalid(`validity endMs must be an integer or Infinity, got ${endMs}`);
  if (!(beginMs < endMs)) invalid(`validity range is empty: [${beginMs}, ${endMs})`);
  return {
    beginMs: beginMs === -Infinity ? UNBOUNDED_BEGIN_MS : beginMs,
    endMs: endMs === Infinity ? UNBOUNDED_END_MS : endMs,
  };
}

/** The inverse of {@link encodeTimespan}. */
export function decodeTimespan(beginMs: number, endMs: number): Timespan {
  return {
    beginMs: beginMs <= UNBOUNDED_BEGIN_MS ? -Infinity : beginMs,
    endMs: endMs >= UNBOUNDED_END_MS ? Infinity : endMs,
  };
}

/**
 * A lookup time as the integer ms to compare with stored bounds. Flooring keeps the
 * half-open semantics exact for integer bounds (begin <= t  ⇔  begin <= ⌊t⌋; t < end ⇔
 * ⌊t⌋ < end). Throws PROMPTLY_E_REGISTRY_INVALID for a non-finite time.
 */
export function lookupTimeMs(timeMs: number): number {
  if (typeof timeMs !== 'number' || !Number.isFinite(timeMs) || Math.abs(timeMs) > MAX_TIME_MS) {
    invalid(`lookup time must be a finite ms timestamp, got ${timeMs}`);
  }
  return Math.floor(timeMs);
}
