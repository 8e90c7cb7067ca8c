import type { KvEntry } from '@nats-io/kv';
import type { FencingToken } from '../lease.js';

/**
 * The JSON value of a lease key. `token: null` on the write that won the lease: the token is
 * that entry's KV revision (unknown before the write), and later renewals repeat it.
 * `claim` is random per campaign, so a holder recognises its own entries even when another
 * process uses the same holder id or a write's reply was lost. `holder: null` = vacant.
 */
interface StoredLease {
  readonly v: 1;
  readonly holder: string | null;
  readonly claim: string | null;
  readonly token: FencingToken | null;
  readonly ttlMs: number;
  /** Holder's wall clock at the write, ms since the epoch: for operators, never for expiry. */
  readonly renewedAtMs: number;
  /** Base64 of the role state, or null. */
  readonly state: string | null;
}

/** A lease key's entry, decoded. `holder` undefined = vacant (never held, released, deleted). */
export interface LeaseRecord {
  readonly holder: string | undefined;
  readonly claim: string | undefined;
  readonly token: FencingToken | undefined;
  readonly ttlMs: number;
  readonly state: Uint8Array | undefined;
}

/** What a writer puts under a lease key. */
export interface LeaseRecordInput {
  readonly holder: string | undefined;
  readonly claim: string | undefined;
  readonly token: FencingToken | undefined;
  readonly ttlMs: number;
  readonly state: Uint8Array | undefined;
}

/** Encodes a lease record as the key's JSON value. */
export function encodeLeaseRecord(input: LeaseRecordInput): Uint8Array {
  const stored: StoredLease = {
    v: 1,
    holder: input.holder ?? null,
    claim: input.claim ?? null,
    token: input.token ?? null,
    ttlMs: input.ttlMs,
    renewedAtMs: Date.now(),
    state: input.state === undefined ? null : Buffer.from(input.state).toString('base64'),
  };
  return new TextEncoder().encode(JSON.stringify(stored));
}

function isStoredLease(value: unknown): value is StoredLease {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v['v'] === 1 &&
    (v['holder'] === null || typeof v['holder'] === 'string') &&
    (v['claim'] === null || typeof v['claim'] === 'string') &&
    (v['token'] === null || Number.isSafeInteger(v['token'])) &&
    typeof v['ttlMs'] === 'number' &&
    Number.isFinite(v['ttlMs']) &&
    v['ttlMs'] > 0 &&
    (v['state'] === null || typeof v['state'] === 'string')
  );
}

/**
 * Decodes an entry (null = key never written). Deletes and purges read as vacant. A value
 * that is not a lease record (someone else wrote the key) reads as held by an unknown
 * holder with `fallbackTtlMs`, so it is taken over only after that long without change.
 */
export function decodeLeaseEntry(entry: KvEntry | null, fallbackTtlMs: number): LeaseRecord {
  const vacant: LeaseRecord = {
    holder: undefined,
    claim: undefined,
    token: undefined,
    ttlMs: fallbackTtlMs,
    state: undefined,
  };
  if (entry === null || entry.operation !== 'PUT') return vacant;
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(entry.value));
  } catch {
    parsed = undefined;
  }
  if (!isStoredLease(parsed)) {
    return { ...vacant, holder: '(unreadable record)', token: entry.revision };
  }
  const state =
    parsed.state === null ? undefined : new Uint8Array(Buffer.from(parsed.state, 'base64'));
  if (parsed.holder === null) return { ...vacant, ttlMs: parsed.ttlMs, state };
  return {
    holder: parsed.holder,
    claim: parsed.claim ?? undefined,
    token: parsed.token ?? entry.revision,
    ttlMs: parsed.ttlMs,
    state,
  };
}
