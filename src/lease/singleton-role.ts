import { sleepReal } from '../core/clock.js';
import { isPromptlyError, toPromptlyError } from '../core/errors.js';
import type { StatusEmitter } from '../observe/status-emitter.js';
import type { Lease, LeaseManager } from './lease.js';
import { renewIntervalMs, resolveTtlMs } from './lease-validation.js';

/** A running singleton role, as its `start` returns it. */
export interface RoleHandle {
  /** Stops the role; called at once when the lease is lost, or on shutdown. */
  stop(): Promise<void>;
}

/** Options of {@link runSingleton}. */
export interface RunSingletonOptions {
  readonly leases: LeaseManager;
  /** Lease name, e.g. `fanout-LSSTCam` (1–128 of `A–Z a–z 0–9 _ -`). */
  readonly name: string;
  /** This process's holder id, e.g. `fanout@host-a:4242`. */
  readonly holderId: string;
  /** Lease TTL, ms (default DEFAULT_LEASE_TTL_MS): a standby takes over ≲ TTL after the main dies. */
  readonly ttlMs?: number;
  /**
   * Starts the role as leader. It should use `lease.token` to fence its writes and may stop
   * early when `lease.signal` fires; it is stopped through the handle in any case.
   */
  readonly start: (lease: Lease) => Promise<RoleHandle>;
  /** Receives `lease.acquired`, `lease.lost` and `lease.error` with lease, holder and token. */
  readonly status?: Pick<StatusEmitter, 'emit'>;
  /** Shutdown: stops the role, releases the lease (standby takes over at once), returns. */
  readonly signal: AbortSignal;
  /** Pause before campaigning again after `start` failed or the backend hiccuped, ms; default TTL / 3. */
  readonly retryDelayMs?: number;
}

/**
 * Runs a singleton role as main or standby: campaigns; on winning starts the role; when the
 * lease is lost stops the role at once and campaigns again; on `signal` stops the role and
 * then releases the lease, so the standby's role never overlaps this one's. Resolves after
 * shutdown; rejects only when the lease manager closes (PROMPTLY_E_LEASE_CLOSED — e.g. its
 * connection died, so this process cannot lead any more) or the options are invalid.
 */
export async function runSingleton(options: RunSingletonOptions): Promise<void> {
  const { leases, name, holderId, start, signal } = options;
  const ttlMs = resolveTtlMs(options.ttlMs);
  const retryDelayMs = options.retryDelayMs ?? renewIntervalMs(ttlMs);
  const emit = (activity: string, detail: Record<string, unknown>): void =>
    options.status?.emit({ activity, detail: { lease: name, holder: holderId, ...detail } });
  const pause = (): Promise<void> => sleepReal(retryDelayMs, signal).catch(() => undefined);

  while (!signal.aborted) {
    // The campaign's own signal follows shutdown only until the lease is won: aborting it
    // afterwards would abandon the lease instead of releasing it after the role stops.
    const campaign = new AbortController();
    const forward = (): void => campaign.abort(signal.reason);
    signal.addEventListener('abort', forward, { once: true });
    let lease: Lease;
    try {
      lease = await leases.campaign(name, holderId, { ttlMs, signal: campaign.signal });
    } catch (err) {
      if (signal.aborted) return;
      if (
        isPromptlyError(err, 'PROMPTLY_E_LEASE_CLOSED') ||
        isPromptlyError(err, 'PROMPTLY_E_LEASE_INVALID')
      ) {
        throw err;
      }
      emit('lease.error', errorDetail(err));
      await pause();
      continue;
    } finally {
      signal.removeEventListener('abort', forward);
    }
    emit('lease.acquired', { token: lease.token });

    let role: RoleHandle;
    try {
      role = await start(lease);
    } catch (err) {
      emit('lease.error', { token: lease.token, ...errorDetail(err) });
      await lease.release();
      emit('lease.lost', { token: lease.token, reason: lease.lostReason });
      await pause();
      continue;
    }

    await firstOf(lease.signal, signal);
    try {
      await role.stop();
    } catch (err) {
      emit('lease.error', { token: lease.token, ...errorDetail(err) });
    }
    // Shutdown (lease still held): hand over only now that the role has stopped.
    await lease.release();
    emit('lease.lost', { token: lease.token, reason: lease.lostReason });
  }
}

function errorDetail(err: unknown): { code: string; message: string } {
  const e = toPromptlyError(err);
  return { code: e.code, message: e.message };
}

/** Resolves when either signal has fired. */
function firstOf(a: AbortSignal, b: AbortSignal): Promise<void> {
  if (a.aborted || b.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      a.removeEventListener('abort', done);
      b.removeEventListener('abort', done);
      resolve();
    };
    a.addEventListener('abort', done, { once: true });
    b.addEventListener('abort', done, { once: true });
  });
}
