import { PromptlyError } from './errors.js';

/**
 * Time as the summit sees it. The simulator may run its clock faster than real time;
 * everything that waits on summit time (deadlines, cadence) goes through a Clock so a
 * night in miniature keeps its proportions.
 */
export interface Clock {
  /** Summit time, ms since the Unix epoch. */
  now(): number;
  /** Resolves after `summitMs` of summit time; rejects with PROMPTLY_E_ABORTED on abort. */
  sleep(summitMs: number, signal?: AbortSignal): Promise<void>;
  /** How many summit ms pass per real ms (1 = real time). */
  readonly speed: number;
}

/** A clock that starts at `startMs` (default: now) and runs `speed`× real time. */
export function scaledClock(speed = 1, startMs: number = Date.now()): Clock {
  if (!(speed > 0) || !Number.isFinite(speed)) {
    throw new PromptlyError('PROMPTLY_E_CONFIG_INVALID', `clock speed must be > 0, got ${speed}`);
  }
  const realStart = performance.now();
  return {
    speed,
    now: () => startMs + (performance.now() - realStart) * speed,
    sleep: (summitMs, signal) => sleepReal(Math.max(0, summitMs) / speed, signal),
  };
}

/** Real-time sleep that honours an AbortSignal. */
export function sleepReal(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new PromptlyError('PROMPTLY_E_ABORTED', 'sleep aborted', { cause: signal.reason }));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new PromptlyError('PROMPTLY_E_ABORTED', 'sleep aborted', { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Real wall-clock time, ms since the Unix epoch, with sub-ms resolution. Latency marks use
 * it (they measure promptly, whatever the summit clock's speed); schedules and deadlines use
 * the summit Clock.
 */
export function realNowMs(): number {
  return performance.timeOrigin + performance.now();
}
