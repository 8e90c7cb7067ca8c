import { PromptlyError } from '../core/errors.js';

/**
 * Lets at most `permits` pipelines run at once in a worker process, however many slots wait
 * for snaps: a slot is cheap while it waits, but pipelines are CPU-bound, and more of them
 * at once than the process has cores only makes each one slower (and every detector late).
 * Waiters are served in arrival order.
 */
export class CpuGate {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(readonly permits: number) {
    if (!Number.isInteger(permits) || permits < 1)
      throw new PromptlyError('PROMPTLY_E_CONFIG_INVALID', `permits must be ≥ 1, got ${permits}`);
    this.#free = permits;
  }

  /** Pipelines running now. */
  get running(): number {
    return this.permits - this.#free;
  }

  /** Runs `task` once a permit is free (rejects with PROMPTLY_E_ABORTED if `signal` fires first). */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.#free > 0) this.#free--;
    else
      await new Promise<void>((resolve, reject) => {
        const take = (): void => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = (): void => {
          const i = this.#waiting.indexOf(take);
          if (i >= 0) this.#waiting.splice(i, 1);
          reject(new PromptlyError('PROMPTLY_E_ABORTED', 'aborted while waiting for a CPU'));
        };
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        this.#waiting.push(take);
      });
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    }
  }
}
