import type { KV } from '@nats-io/kv';
import { sleepReal } from '../../core/clock.js';
import { throwIfAborted, toPromptlyError } from '../../core/errors.js';
import type { FencingToken, Lease, LeaseLossReason } from '../lease.js';
import { fencedError } from '../lease-errors.js';
import { renewIntervalMs, validateLeaseState } from '../lease-validation.js';
import { LossLatch } from '../loss-latch.js';
import type { KeyWatch } from './key-watch.js';
import { decodeLeaseEntry, encodeLeaseRecord } from './lease-record.js';
import { isWrongLastSequence } from './nats-errors.js';

/**
 * Fraction of the TTL after its last successful renewal's *send* time at which a holder
 * gives up. A standby starts counting the TTL only when it sees that write (later), so the
 * holder always steps down first; the 10 % covers clock-rate drift between hosts.
 */
export const HOLDER_TTL_FRACTION = 0.9;

/** What a won campaign hands its lease. */
export interface NatsKvLeaseInit {
  readonly kv: KV;
  readonly key: string;
  readonly name: string;
  readonly holder: string;
  readonly claim: string;
  readonly token: FencingToken;
  readonly ttlMs: number;
  /** `performance.now()` when the winning write was sent. */
  readonly sentAtMs: number;
  readonly state: Uint8Array | undefined;
  /** The campaign's watch of the key; the lease owns and closes it. */
  readonly watch: KeyWatch;
  readonly campaignSignal: AbortSignal | undefined;
  /** Per-request timeout, ms. */
  readonly requestTimeoutMs: number;
  readonly onEnd: (lease: NatsKvLease) => void;
}

/**
 * A lease held in a NATS KV bucket. Renewals are compare-and-set updates on the revision
 * this holder last wrote (so two holders can never both renew); `writeState` is one more
 * such update. The lease ends — signal first — when a renewal finds another holder, when the
 * watch shows one, when no renewal succeeded for {@link HOLDER_TTL_FRACTION} × TTL, when
 * the connection closes, or on release.
 */
export class NatsKvLease implements Lease {
  readonly name: string;
  readonly holder: string;
  readonly token: FencingToken;
  readonly ttlMs: number;
  readonly initialState: Uint8Array | undefined;
  readonly #init: NatsKvLeaseInit;
  readonly #latch: LossLatch;
  readonly #stopRenewing = new AbortController();
  #revision: number;
  #state: Uint8Array | undefined;
  #deadline: ReturnType<typeof setTimeout> | undefined;
  /** Writes (renewals, state, release) run one at a time, in order. */
  #chain: Promise<unknown> = Promise.resolve();
  readonly #unwatch: () => void;

  constructor(init: NatsKvLeaseInit) {
    this.#init = init;
    this.name = init.name;
    this.holder = init.holder;
    this.token = init.token;
    this.ttlMs = init.ttlMs;
    this.initialState = init.state?.slice();
    this.#state = init.state;
    this.#revision = init.token;
    this.#latch = new LossLatch(init.name);
    this.#armDeadline(init.sentAtMs);
    this.#unwatch = init.watch.onChange(() => this.#checkWatch());
    const campaignSignal = init.campaignSignal;
    if (campaignSignal !== undefined) {
      const abandon = (): void => void this.end('abandoned', false);
      campaignSignal.addEventListener('abort', abandon, { once: true });
      this.signal.addEventListener('abort', () =>
        campaignSignal.removeEventListener('abort', abandon),
      );
      if (campaignSignal.aborted) abandon();
    }
    void this.#renewLoop();
  }

  get signal(): AbortSignal {
    return this.#latch.signal;
  }

  get lostReason(): LeaseLossReason | undefined {
    return this.#latch.reason;
  }

  async writeState(state: Uint8Array, signal?: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    validateLeaseState(state);
    const copy = state.slice();
    await this.#serialized(() => this.#write(copy));
  }

  async release(): Promise<void> {
    await this.end('released', true);
  }

  /**
   * Ends the lease (signal first). With `vacate`, waits for the write in flight and then
   * clears the holder by compare-and-set, keeping the state; a failure there only means the
   * standby waits out the TTL.
   */
  async end(reason: LeaseLossReason, vacate: boolean): Promise<void> {
    if (!this.#latch.lose(reason)) return;
    this.#stopRenewing.abort();
    clearTimeout(this.#deadline);
    this.#unwatch();
    this.#init.watch.close();
    this.#init.onEnd(this);
    if (!vacate) return;
    await this.#chain.catch(() => undefined);
    await this.#vacate();
  }

  #armDeadline(sentAtMs: number): void {
    clearTimeout(this.#deadline);
    const dueMs = sentAtMs + this.ttlMs * HOLDER_TTL_FRACTION - performance.now();
    this.#deadline = setTimeout(() => void this.end('expired', false), Math.max(0, dueMs));
  }

  /** The watch saw a change: anything after our token that is not ours means a successor. */
  #checkWatch(): void {
    const watch = this.#init.watch;
    if (watch.ended) {
      // The connection closing ends the watch; the manager reports `disconnected` for that.
      return;
    }
    const seen = watch.latest;
    if (seen.revision < this.token) return;
    const rec = decodeLeaseEntry(seen.entry, this.ttlMs);
    if (rec.claim !== this.#init.claim || rec.token !== this.token)
      void this.end('superseded', false);
  }

  #serialized<T>(op: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(op, op);
    this.#chain = next.catch(() => undefined);
    return next;
  }

  /** One compare-and-set write of the record with `state`; FENCED when another holds it. */
  async #write(state: Uint8Array | undefined): Promise<void> {
    const { kv, key, claim, requestTimeoutMs } = this.#init;
    for (let attempt = 0; ; attempt++) {
      if (this.#latch.reason !== undefined) throw fencedError(this.name, this.token, undefined);
      const sentAtMs = performance.now();
      const value = encodeLeaseRecord({
        holder: this.holder,
        claim,
        token: this.token,
        ttlMs: this.ttlMs,
        state,
      });
      let revision: number;
      try {
        revision = await kv.update(key, value, this.#revision, requestTimeoutMs);
      } catch (err) {
        if (!isWrongLastSequence(err) || attempt > 0) {
          if (isWrongLastSequence(err)) await this.end('superseded', false);
          throw isWrongLastSequence(err)
            ? fencedError(this.name, this.token, undefined)
            : toPromptlyError(err, 'PROMPTLY_E_BUS_UNAVAILABLE');
        }
        // Our previous write may have landed though its reply was lost: adopt it if so.
        const entry = await kv.get(key).catch(() => null);
        const rec = decodeLeaseEntry(entry, this.ttlMs);
        if (entry === null || rec.claim !== claim || rec.token !== this.token) {
          await this.end('superseded', false);
          throw fencedError(this.name, this.token, rec.token);
        }
        this.#revision = entry.revision;
        continue;
      }
      this.#revision = revision;
      if (this.#latch.reason === 'expired') {
        // We gave up while this write was in flight and it landed: clear it so the standby
        // need not wait another TTL.
        await this.#vacate();
        throw fencedError(this.name, this.token, undefined);
      }
      if (this.#latch.reason !== undefined) throw fencedError(this.name, this.token, undefined);
      this.#state = state;
      this.#armDeadline(sentAtMs);
      return;
    }
  }

  async #vacate(): Promise<void> {
    const { kv, key, requestTimeoutMs } = this.#init;
    const value = encodeLeaseRecord({
      holder: undefined,
      claim: undefined,
      token: undefined,
      ttlMs: this.ttlMs,
      state: this.#state,
    });
    await kv.update(key, value, this.#revision, requestTimeoutMs).catch(() => undefined);
  }

  async #renewLoop(): Promise<void> {
    const interval = renewIntervalMs(this.ttlMs);
    while (this.#latch.reason === undefined) {
      try {
        await sleepReal(interval, this.#stopRenewing.signal);
      } catch {
        return; // ended
      }
      // A failed renewal is retried at the next tick; the deadline timer ends the lease if
      // none succeeds in time, and a successor found by the write ends it at once.
      await this.#serialized(() => this.#write(this.#state)).catch(() => undefined);
    }
  }
}
