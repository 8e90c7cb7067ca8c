import { randomUUID } from 'node:crypto';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { sleepReal } from '../../core/clock.js';
import { PromptlyError, throwIfAborted, toPromptlyError } from '../../core/errors.js';
import type { CampaignOptions, FencingToken, Lease, LeaseHolder, LeaseManager } from '../lease.js';
import { fencedError, leaseClosedError } from '../lease-errors.js';
import {
  renewIntervalMs,
  resolveTtlMs,
  validateHolderId,
  validateLeaseName,
} from '../lease-validation.js';
import { KeyWatch } from './key-watch.js';
import { decodeLeaseEntry, encodeLeaseRecord } from './lease-record.js';
import { NatsKvLease, type NatsKvLeaseInit } from './nats-kv-held-lease.js';
import { isWrongLastSequence } from './nats-errors.js';

/** Default KV bucket of the leases. */
export const DEFAULT_LEASE_BUCKET = 'PROMPTLY_LEASES';

/** Options of {@link NatsKvLeaseManager.open}. */
export interface NatsKvLeaseOptions {
  /** KV bucket (created with history 1 if missing); default {@link DEFAULT_LEASE_BUCKET}. */
  readonly bucket?: string;
  /** Bucket replicas when the bucket is created (1, 3 or 5); default 1. */
  readonly replicas?: number;
  /** Timeout of each KV request, ms; default 2000 (renewals use min(this, TTL / 3)). */
  readonly requestTimeoutMs?: number;
}

/** Options of {@link connectNatsKvLeases}. */
export interface NatsKvLeaseConnectOptions extends NatsKvLeaseOptions {
  /** NATS server URLs, e.g. `nats://127.0.0.1:4222`. */
  readonly servers: string | readonly string[];
  /** Connection name shown by the server (monitoring); default `promptly-leases`. */
  readonly connectionName?: string;
}

/**
 * Connects to NATS and opens the lease bucket. The manager owns the connection and closes it
 * in `close()`. Rejects with PROMPTLY_E_BUS_UNAVAILABLE when the server cannot be reached.
 */
export async function connectNatsKvLeases(
  options: NatsKvLeaseConnectOptions,
): Promise<NatsKvLeaseManager> {
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: [...(typeof options.servers === 'string' ? [options.servers] : options.servers)],
      name: options.connectionName ?? 'promptly-leases',
      maxReconnectAttempts: -1,
    });
  } catch (err) {
    throw new PromptlyError('PROMPTLY_E_BUS_UNAVAILABLE', `NATS unreachable: ${String(err)}`, {
      cause: err,
    });
  }
  try {
    return await NatsKvLeaseManager.open(nc, options, true);
  } catch (err) {
    await nc.close().catch(() => undefined);
    throw err;
  }
}

/**
 * Leases in a NATS KV bucket (key `lease.<name>`, history 1), for servers without per-key
 * TTL (nats-server 2.9): expiry is judged by each standby from how long the key's revision
 * has gone unchanged on its own monotonic clock; takeover and renewal are compare-and-set
 * on that revision; the fencing token is the KV revision of the winning write (revisions
 * grow monotonically across the whole bucket). A watch on the key lets standbys react at
 * once to a release; the TTL timer covers a holder that died silently.
 */
export class NatsKvLeaseManager implements LeaseManager {
  readonly #nc: NatsConnection;
  readonly #kv: KV;
  readonly #ownsConnection: boolean;
  readonly #requestTimeoutMs: number;
  readonly #held = new Set<NatsKvLease>();
  readonly #closing = new AbortController();

  private constructor(
    nc: NatsConnection,
    kv: KV,
    ownsConnection: boolean,
    requestTimeoutMs: number,
  ) {
    this.#nc = nc;
    this.#kv = kv;
    this.#ownsConnection = ownsConnection;
    this.#requestTimeoutMs = requestTimeoutMs;
    void nc.closed().then(() => this.#connectionClosed());
  }

  /**
   * Opens (creating if needed) the bucket on an existing connection. With `ownsConnection`
   * false the caller keeps the connection and closes it; closing it still ends every lease
   * of this manager (`disconnected`).
   */
  static async open(
    nc: NatsConnection,
    options: NatsKvLeaseOptions = {},
    ownsConnection = false,
  ): Promise<NatsKvLeaseManager> {
    const requestTimeoutMs = options.requestTimeoutMs ?? 2_000;
    if (!Number.isInteger(requestTimeoutMs) || requestTimeoutMs <= 0) {
      throw new PromptlyError(
        'PROMPTLY_E_LEASE_INVALID',
        `requestTimeoutMs must be a positive integer, got ${requestTimeoutMs}`,
      );
    }
    let kv: KV;
    try {
      kv = await new Kvm(nc).create(options.bucket ?? DEFAULT_LEASE_BUCKET, {
        history: 1,
        replicas: options.replicas ?? 1,
      });
    } catch (err) {
      throw toPromptlyError(err, 'PROMPTLY_E_BUS_UNAVAILABLE');
    }
    return new NatsKvLeaseManager(nc, kv, ownsConnection, requestTimeoutMs);
  }

  async campaign(name: string, holderId: string, options: CampaignOptions = {}): Promise<Lease> {
    validateLeaseName(name);
    validateHolderId(holderId);
    const ttlMs = resolveTtlMs(options.ttlMs);
    const signal = options.signal;
    this.#throwIfClosed(`campaign for ${name}`);
    throwIfAborted(signal);
    const key = leaseKey(name);
    const claim = randomUUID();
    const requestTimeoutMs = Math.min(this.#requestTimeoutMs, renewIntervalMs(ttlMs));
    const wake = AbortSignal.any(
      signal === undefined ? [this.#closing.signal] : [signal, this.#closing.signal],
    );
    const watch = await KeyWatch.open(this.#kv, key).catch((err: unknown) => {
      throw this.#closing.signal.aborted
        ? leaseClosedError(`campaign for ${name}`)
        : toPromptlyError(err, 'PROMPTLY_E_BUS_UNAVAILABLE');
    });
    const base = { name, holder: holderId, claim, ttlMs, watch, requestTimeoutMs };
    const withSignal = { ...base, campaignSignal: signal };
    /** Send time of the first write whose outcome we never learned (it may have won). */
    let unsureSentAtMs: number | undefined;
    try {
      for (;;) {
        this.#throwIfClosed(`campaign for ${name}`);
        throwIfAborted(signal);
        const seen = watch.latest;
        const rec = decodeLeaseEntry(seen.entry, ttlMs);
        if (rec.claim === claim && rec.token !== undefined) {
          // A write whose reply was lost did win: hold from its (earliest possible) send time.
          const sentAtMs = unsureSentAtMs ?? seen.seenAtMs;
          return this.#won({ ...withSignal, token: rec.token, sentAtMs, state: rec.state });
        }
        if (rec.holder !== undefined) {
          const expiresAtMs = seen.seenAtMs + rec.ttlMs;
          if (performance.now() < expiresAtMs) {
            await watch.changed(seen.revision, expiresAtMs, wake);
            continue;
          }
        }
        // Vacant, or its holder went silent for a whole TTL: take it by compare-and-set.
        const value = encodeLeaseRecord({
          holder: holderId,
          claim,
          token: undefined,
          ttlMs,
          state: rec.state,
        });
        const sentAtMs = performance.now();
        try {
          const token =
            seen.entry === null
              ? await this.#kv.create(key, value)
              : await this.#kv.update(key, value, seen.revision, requestTimeoutMs);
          return this.#won({ ...withSignal, token, sentAtMs, state: rec.state });
        } catch (err) {
          if (!isWrongLastSequence(err)) {
            unsureSentAtMs ??= sentAtMs;
            this.#throwIfClosed(`campaign for ${name}`);
            // A transient failure (timeout, reconnecting): try again after a short pause.
            await sleepReal(renewIntervalMs(ttlMs), wake).catch(() => undefined);
          }
        }
        await watch.refresh().catch(() => undefined);
      }
    } catch (err) {
      watch.close();
      throw err;
    }
  }

  async current(name: string, signal?: AbortSignal): Promise<LeaseHolder | undefined> {
    validateLeaseName(name);
    this.#throwIfClosed(`current(${name})`);
    throwIfAborted(signal);
    let entry;
    try {
      entry = await this.#kv.get(leaseKey(name));
    } catch (err) {
      this.#throwIfClosed(`current(${name})`);
      throw toPromptlyError(err, 'PROMPTLY_E_BUS_UNAVAILABLE');
    }
    const rec = decodeLeaseEntry(entry, 1);
    if (rec.holder === undefined || rec.token === undefined) return undefined;
    return { name, holder: rec.holder, token: rec.token, ttlMs: rec.ttlMs, state: rec.state };
  }

  async checkToken(name: string, token: FencingToken, signal?: AbortSignal): Promise<void> {
    const now = await this.current(name, signal);
    if (now?.token !== token) throw fencedError(name, token, now?.token);
  }

  async close(): Promise<void> {
    if (this.#closing.signal.aborted) return;
    this.#closing.abort(leaseClosedError('closed'));
    await Promise.all([...this.#held].map((lease) => lease.end('closed', true)));
    if (this.#ownsConnection) await this.#nc.close().catch(() => undefined);
  }

  #won(init: Omit<NatsKvLeaseInit, 'kv' | 'key' | 'onEnd'>): Lease {
    const lease = new NatsKvLease({
      ...init,
      kv: this.#kv,
      key: leaseKey(init.name),
      onEnd: (l) => this.#held.delete(l),
    });
    if (lease.lostReason === undefined) this.#held.add(lease);
    return lease;
  }

  #connectionClosed(): void {
    if (!this.#closing.signal.aborted) this.#closing.abort(leaseClosedError('connection closed'));
    for (const lease of [...this.#held]) void lease.end('disconnected', false);
  }

  #throwIfClosed(what: string): void {
    if (this.#closing.signal.aborted || this.#nc.isClosed()) throw leaseClosedError(what);
  }
}

function leaseKey(name: string): string {
  return `lease.${name}`;
}
