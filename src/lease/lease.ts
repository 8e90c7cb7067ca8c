/**
 * Fenced leases for singleton roles (the fan-out's bus reader, the reconciler, the summit):
 * one main and any number of standbys campaign for a named lease; the winner holds it while
 * it renews (every `ttlMs / 3`, automatically), a standby takes over once the holder stops
 * renewing for `ttlMs`, and every acquisition gets a fencing token larger than any before it,
 * so a demoted main that has not noticed yet is refused by {@link LeaseManager.checkToken}
 * and by {@link Lease.writeState}.
 *
 * Backends: `memory/` (in process, embedded mode and unit tests) and `nats/` (a NATS KV
 * bucket, compare-and-set on the key's revision). One conformance suite,
 * `testing/lease-conformance.ts`, runs against both.
 */

/**
 * Fencing token: strictly increasing across successive holders of one lease (and, for a
 * given backend instance, across all its leases). A safe integer; larger is newer.
 */
export type FencingToken = number;

/** Default lease TTL, ms: a standby takes over ≤ ~1.5 s after the main's last renewal. */
export const DEFAULT_LEASE_TTL_MS = 1_500;

/** Why a held lease ended (the reason carried by {@link Lease.signal}). */
export type LeaseLossReason =
  /** {@link Lease.release} was called. */
  | 'released'
  /** The holder could not renew within its TTL (slow, partitioned, or its timers starved). */
  | 'expired'
  /** Another holder owns the lease now (this one was presumed dead). */
  | 'superseded'
  /** The campaign's `signal` fired after winning: renewals stop, nothing is released. */
  | 'abandoned'
  /** The manager's connection to its backend closed. */
  | 'disconnected'
  /** {@link LeaseManager.close} was called. */
  | 'closed';

/** The holder of a lease as the backend records it. */
export interface LeaseHolder {
  readonly name: string;
  /** Holder id given to `campaign`, e.g. `fanout@host-a:1234`. */
  readonly holder: string;
  readonly token: FencingToken;
  /** TTL the holder campaigned with, ms. */
  readonly ttlMs: number;
  /**
   * Role state last written with {@link Lease.writeState} by this or an earlier holder
   * (it survives takeover and release, so a standby resumes where the main stopped).
   */
  readonly state: Uint8Array | undefined;
}

/** Options of {@link LeaseManager.campaign}. */
export interface CampaignOptions {
  /** Lease time to live, ms (default {@link DEFAULT_LEASE_TTL_MS}); renewals every `ttlMs / 3`. */
  readonly ttlMs?: number;
  /**
   * Before winning: aborts the campaign (rejects with `PROMPTLY_E_ABORTED`). After winning:
   * abandons the lease the way a killed process would — renewals stop, the lease's signal
   * fires with reason `abandoned`, nothing is released, and a standby takes over once the
   * TTL has passed. To hand over at once, call {@link Lease.release}.
   */
  readonly signal?: AbortSignal;
}

/** A lease this process holds. */
export interface Lease {
  readonly name: string;
  readonly holder: string;
  readonly token: FencingToken;
  readonly ttlMs: number;
  /**
   * Fires, once, when leadership ends for any reason; `signal.reason` is a PromptlyError
   * `PROMPTLY_E_LEASE_LOST`. Work done as leader should stop at once when it fires.
   */
  readonly signal: AbortSignal;
  /** Why the lease ended; undefined while held. */
  readonly lostReason: LeaseLossReason | undefined;
  /** State stored with the lease when it was won (see {@link LeaseHolder.state}). */
  readonly initialState: Uint8Array | undefined;
  /**
   * Stores `state` (≤ {@link MAX_LEASE_STATE_BYTES}) with the lease, atomically conditional on
   * this lease still being the current one (compare-and-set on the backend's record): a
   * demoted holder's write is refused with `PROMPTLY_E_LEASE_FENCED` and changes nothing.
   * Counts as a renewal.
   */
  writeState(state: Uint8Array, signal?: AbortSignal): Promise<void>;
  /**
   * Gives the lease up: fires `signal` (reason `released`) first, then clears the holder so a
   * standby takes over at once. Keeps the stored state. Idempotent; never throws.
   */
  release(): Promise<void>;
}

/** Largest state {@link Lease.writeState} accepts, bytes. */
export const MAX_LEASE_STATE_BYTES = 32 * 1024;

/** Campaigns for, inspects and fences named leases. One per process (it owns its connection). */
export interface LeaseManager {
  /**
   * Resolves once `holderId` holds lease `name`; waits (reacting to the holder's release or
   * silence) while someone else does. Rejects with `PROMPTLY_E_ABORTED` when `signal` fires
   * first, `PROMPTLY_E_LEASE_CLOSED` when the manager closes, `PROMPTLY_E_LEASE_INVALID` on a
   * bad name, holder id or TTL. Lease names: 1–128 of `A–Z a–z 0–9 _ -`.
   */
  campaign(name: string, holderId: string, options?: CampaignOptions): Promise<Lease>;
  /** The recorded holder, or undefined when nobody holds the lease (never held or released). */
  current(name: string, signal?: AbortSignal): Promise<LeaseHolder | undefined>;
  /**
   * Resolves when `token` is the current holder's token; otherwise rejects with
   * `PROMPTLY_E_LEASE_FENCED` (a newer holder exists, or the lease was released).
   */
  checkToken(name: string, token: FencingToken, signal?: AbortSignal): Promise<void>;
  /**
   * Rejects pending campaigns (`PROMPTLY_E_LEASE_CLOSED`), releases held leases (best
   * effort), then closes the connection the manager owns. Idempotent.
   */
  close(): Promise<void>;
}
