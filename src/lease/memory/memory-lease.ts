import { scaledClock, type Clock } from '../../core/clock.js';
import { PromptlyError, throwIfAborted } from '../../core/errors.js';
import type {
  CampaignOptions,
  FencingToken,
  Lease,
  LeaseHolder,
  LeaseLossReason,
  LeaseManager,
} from '../lease.js';
import { fencedError, leaseClosedError } from '../lease-errors.js';
import {
  renewIntervalMs,
  resolveTtlMs,
  validateHolderId,
  validateLeaseName,
  validateLeaseState,
} from '../lease-validation.js';
import { LossLatch } from '../loss-latch.js';

/** One lease's record. `holder` undefined = vacant (released); state survives. */
interface LeaseRecord {
  holder: string | undefined;
  token: FencingToken;
  ttlMs: number;
  /** Clock time at which the holder is presumed dead unless it renews, ms. */
  expiresAtMs: number;
  state: Uint8Array | undefined;
  /** The in-process lease object of the holder, told at once when it is superseded. */
  owner: MemoryLease | undefined;
}

/** Options of {@link MemoryLeaseStore}. */
export interface MemoryLeaseStoreOptions {
  /** Time source for expiry and renewals (default: real time). TTLs are in its ms. */
  readonly clock?: Clock;
}

/**
 * The lease table of one process (embedded mode) or one test: the in-memory stand-in for a
 * lease server. Each participant gets its own {@link MemoryLeaseManager} from
 * {@link MemoryLeaseStore.manager}, as each process would have its own connection. Every
 * change happens synchronously in one turn of the event loop, so compare-and-set is trivial
 * and a superseded holder's signal fires before its successor's campaign resolves.
 */
export class MemoryLeaseStore {
  readonly clock: Clock;
  readonly #records = new Map<string, LeaseRecord>();
  readonly #listeners = new Map<string, Set<() => void>>();
  #lastToken = 0;

  constructor(options: MemoryLeaseStoreOptions = {}) {
    this.clock = options.clock ?? scaledClock();
  }

  /** A new manager (one "connection") on this store. */
  manager(): MemoryLeaseManager {
    return new MemoryLeaseManager(this);
  }

  /** The live record of `name`: held and not expired; undefined otherwise. */
  live(name: string): LeaseRecord | undefined {
    const rec = this.#records.get(name);
    if (rec?.holder === undefined || this.clock.now() >= rec.expiresAtMs) return undefined;
    return rec;
  }

  /**
   * Takes `name` for `holder` if it is vacant or expired: returns the new record, or the
   * clock time at which the current holder expires unless it renews.
   */
  tryAcquire(
    name: string,
    holder: string,
    ttlMs: number,
  ): { record: LeaseRecord } | { expiresAtMs: number } {
    const now = this.clock.now();
    const prev = this.#records.get(name);
    if (prev?.holder !== undefined && now < prev.expiresAtMs)
      return { expiresAtMs: prev.expiresAtMs };
    const record: LeaseRecord = {
      holder,
      token: ++this.#lastToken,
      ttlMs,
      expiresAtMs: now + ttlMs,
      state: prev?.state,
      owner: undefined,
    };
    this.#records.set(name, record);
    // The previous holder let its lease expire; tell it before anyone acts as the new leader.
    prev?.owner?.lose('superseded');
    this.#notify(name);
    return { record };
  }

  /** Extends `token`'s lease by its TTL; its loss reason when it no longer holds. */
  renew(name: string, token: FencingToken): 'ok' | 'superseded' | 'expired' {
    const rec = this.#records.get(name);
    if (rec === undefined || rec.token !== token || rec.holder === undefined) return 'superseded';
    const now = this.clock.now();
    if (now >= rec.expiresAtMs) return 'expired';
    rec.expiresAtMs = now + rec.ttlMs;
    return 'ok';
  }

  /** Stores `state` iff `token` holds `name` now (and renews), else PROMPTLY_E_LEASE_FENCED. */
  writeState(name: string, token: FencingToken, state: Uint8Array): void {
    if (this.renew(name, token) !== 'ok') throw fencedError(name, token, this.live(name)?.token);
    const rec = this.#records.get(name);
    if (rec !== undefined) rec.state = state.slice();
  }

  /** Clears the holder of `name` if it is `token`, keeping the state. */
  vacate(name: string, token: FencingToken): void {
    const rec = this.#records.get(name);
    if (rec === undefined || rec.token !== token || rec.holder === undefined) return;
    rec.holder = undefined;
    rec.owner = undefined;
    this.#notify(name);
  }

  /** Calls `listener` on every change of `name`'s holder; returns the unsubscribe. */
  onChange(name: string, listener: () => void): () => void {
    let set = this.#listeners.get(name);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(name, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  #notify(name: string): void {
    for (const listener of [...(this.#listeners.get(name) ?? [])]) listener();
  }
}

/** A {@link LeaseManager} on a {@link MemoryLeaseStore}; see the contract for semantics. */
export class MemoryLeaseManager implements LeaseManager {
  readonly #store: MemoryLeaseStore;
  readonly #held = new Set<MemoryLease>();
  /** Fires when the manager closes or disconnects: pending campaigns stop waiting. */
  readonly #closing = new AbortController();

  constructor(store: MemoryLeaseStore) {
    this.#store = store;
  }

  async campaign(name: string, holderId: string, options: CampaignOptions = {}): Promise<Lease> {
    validateLeaseName(name);
    validateHolderId(holderId);
    const ttlMs = resolveTtlMs(options.ttlMs);
    const signal = options.signal;
    const store = this.#store;
    for (;;) {
      if (this.#closing.signal.aborted) throw leaseClosedError(`campaign for ${name}`);
      throwIfAborted(signal);
      const got = store.tryAcquire(name, holderId, ttlMs);
      if ('record' in got) {
        const lease = new MemoryLease(store, name, holderId, got.record, signal, (l) =>
          this.#held.delete(l),
        );
        got.record.owner = lease;
        this.#held.add(lease);
        return lease;
      }
      await this.#waitForChange(name, got.expiresAtMs - store.clock.now(), signal);
    }
  }

  current(name: string): Promise<LeaseHolder | undefined> {
    return settle(() => this.#currentNow(name));
  }

  #currentNow(name: string): LeaseHolder | undefined {
    validateLeaseName(name);
    if (this.#closing.signal.aborted) throw leaseClosedError(`current(${name})`);
    const rec = this.#store.live(name);
    if (rec?.holder === undefined) return undefined;
    return {
      name,
      holder: rec.holder,
      token: rec.token,
      ttlMs: rec.ttlMs,
      state: rec.state?.slice(),
    };
  }

  async checkToken(name: string, token: FencingToken): Promise<void> {
    const now = await this.current(name);
    if (now?.token !== token) throw fencedError(name, token, now?.token);
  }

  close(): Promise<void> {
    if (!this.#closing.signal.aborted) {
      this.#closing.abort(leaseClosedError('closed'));
      for (const lease of [...this.#held]) lease.end('closed', true);
    }
    return Promise.resolve();
  }

  /**
   * Cuts this manager off the way a crash or a network loss would: held leases fire their
   * signals (`disconnected`) and stop renewing but are not released, so the others take
   * over only once the TTL has passed. Pending campaigns reject; the manager is closed.
   */
  disconnect(): void {
    if (this.#closing.signal.aborted) return;
    this.#closing.abort(leaseClosedError('disconnected'));
    for (const lease of [...this.#held]) lease.end('disconnected', false);
  }

  /** Resolves on a change of `name`, after `waitMs` of clock time, or rejects on abort/close. */
  async #waitForChange(
    name: string,
    waitMs: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const stop = new AbortController();
    const abort = (): void => stop.abort();
    const unsubscribe = this.#store.onChange(name, abort);
    signal?.addEventListener('abort', abort, { once: true });
    this.#closing.signal.addEventListener('abort', abort, { once: true });
    try {
      await this.#store.clock.sleep(Math.max(0, waitMs), stop.signal);
    } catch {
      // Woken early: the loop re-reads the record and the signals.
    } finally {
      unsubscribe();
      signal?.removeEventListener('abort', abort);
      this.#closing.signal.removeEventListener('abort', abort);
    }
  }
}

/** A lease held through a {@link MemoryLeaseManager}. */
class MemoryLease implements Lease {
  readonly token: FencingToken;
  readonly ttlMs: number;
  readonly initialState: Uint8Array | undefined;
  readonly #latch: LossLatch;
  readonly #stopRenewing = new AbortController();

  constructor(
    private readonly store: MemoryLeaseStore,
    readonly name: string,
    readonly holder: string,
    record: LeaseRecord,
    campaignSignal: AbortSignal | undefined,
    private readonly onEnd: (lease: MemoryLease) => void,
  ) {
    this.token = record.token;
    this.ttlMs = record.ttlMs;
    this.initialState = record.state?.slice();
    this.#latch = new LossLatch(name);
    if (campaignSignal !== undefined) {
      const abandon = (): void => this.end('abandoned', false);
      campaignSignal.addEventListener('abort', abandon, { once: true });
      this.#latch.signal.addEventListener('abort', () =>
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

  writeState(state: Uint8Array, signal?: AbortSignal): Promise<void> {
    return settle(() => {
      throwIfAborted(signal);
      validateLeaseState(state);
      if (this.#latch.reason !== undefined) {
        throw fencedError(this.name, this.token, this.store.live(this.name)?.token);
      }
      this.store.writeState(this.name, this.token, state);
    });
  }

  release(): Promise<void> {
    this.end('released', true);
    return Promise.resolve();
  }

  /** Called by the store when a successor took over. */
  lose(reason: LeaseLossReason): void {
    this.end(reason, false);
  }

  /** Ends the lease: signal first, then (when `vacate`) the record is cleared. */
  end(reason: LeaseLossReason, vacate: boolean): void {
    if (!this.#latch.lose(reason)) return;
    this.#stopRenewing.abort();
    this.onEnd(this);
    if (vacate) this.store.vacate(this.name, this.token);
  }

  async #renewLoop(): Promise<void> {
    const interval = renewIntervalMs(this.ttlMs);
    while (this.#latch.reason === undefined) {
      try {
        await this.store.clock.sleep(interval, this.#stopRenewing.signal);
      } catch (err) {
        if (err instanceof PromptlyError && err.code === 'PROMPTLY_E_ABORTED') return;
        throw err;
      }
      const outcome = this.store.renew(this.name, this.token);
      if (outcome !== 'ok') this.end(outcome, false);
    }
  }
}

/** Runs `fn` now and returns its result as a promise; a throw becomes a rejection. */
function settle<T>(fn: () => T): Promise<T> {
  return new Promise((resolve) => resolve(fn()));
}
