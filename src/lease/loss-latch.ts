import type { LeaseLossReason } from './lease.js';
import { leaseLostError } from './lease-errors.js';

/**
 * The end of one held lease, set once: the first reason wins and fires the signal (with a
 * PROMPTLY_E_LEASE_LOST reason); later calls are no-ops. Shared by the backends so every
 * lease reports its loss the same way.
 */
export class LossLatch {
  readonly #controller = new AbortController();
  #reason: LeaseLossReason | undefined;

  constructor(private readonly name: string) {}

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get reason(): LeaseLossReason | undefined {
    return this.#reason;
  }

  /** Records `reason` and fires the signal; false when the lease had already ended. */
  lose(reason: LeaseLossReason): boolean {
    if (this.#reason !== undefined) return false;
    this.#reason = reason;
    this.#controller.abort(leaseLostError(this.name, reason));
    return true;
  }
}
