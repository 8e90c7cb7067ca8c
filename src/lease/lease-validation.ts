import { PromptlyError } from '../core/errors.js';
import { DEFAULT_LEASE_TTL_MS, MAX_LEASE_STATE_BYTES } from './lease.js';

/** Shortest TTL accepted, ms: below this, timer jitter alone would cost leadership. */
export const MIN_LEASE_TTL_MS = 50;
/** Longest TTL accepted, ms (one hour). */
export const MAX_LEASE_TTL_MS = 3_600_000;

const NAME_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
const MAX_HOLDER_CHARS = 256;

function invalid(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_LEASE_INVALID', message);
}

/** Throws PROMPTLY_E_LEASE_INVALID unless `name` is 1–128 of `A–Z a–z 0–9 _ -`. */
export function validateLeaseName(name: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw invalid(`lease name must be 1-128 of A-Z a-z 0-9 _ -, got ${JSON.stringify(name)}`);
  }
}

/** Throws PROMPTLY_E_LEASE_INVALID unless `holderId` is 1–256 characters. */
export function validateHolderId(holderId: string): void {
  if (holderId.length === 0 || holderId.length > MAX_HOLDER_CHARS) {
    throw invalid(`holder id must be 1-${MAX_HOLDER_CHARS} characters, got ${holderId.length}`);
  }
}

/** The TTL to use, ms: `ttlMs` or the default; an integer in [MIN, MAX] or PROMPTLY_E_LEASE_INVALID. */
export function resolveTtlMs(ttlMs: number | undefined): number {
  const value = ttlMs ?? DEFAULT_LEASE_TTL_MS;
  if (!Number.isInteger(value) || value < MIN_LEASE_TTL_MS || value > MAX_LEASE_TTL_MS) {
    throw invalid(
      `lease ttlMs must be an integer in [${MIN_LEASE_TTL_MS}, ${MAX_LEASE_TTL_MS}], got ${value}`,
    );
  }
  return value;
}

/** Throws PROMPTLY_E_LEASE_INVALID when `state` is larger than MAX_LEASE_STATE_BYTES. */
export function validateLeaseState(state: Uint8Array): void {
  if (state.byteLength > MAX_LEASE_STATE_BYTES) {
    throw invalid(`lease state is ${state.byteLength} bytes, max ${MAX_LEASE_STATE_BYTES}`);
  }
}

/** Interval between automatic renewals for a TTL, ms. */
export function renewIntervalMs(ttlMs: number): number {
  return Math.max(1, Math.floor(ttlMs / 3));
}
