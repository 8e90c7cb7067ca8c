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
  /** The real time (ms since the Unix epoch) at which this clock reads `summitMs`. */
  toRealMs(summitMs: number): number;
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
    toRealMs: (summitMs) => performance.timeOrigin + realStart + (summitMs - startMs) / speed,
    sleep: (summitMs, signal) => sleepReal(Math.max(0, summitMs) / speed, signal),
  };
}

/** Longest delay setTimeout honours, ms. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * A clock that several processes can share: summit time equals real time at `epochMs` (real
 * ms since the Unix epoch) and runs `speed`× from there, so every process given the same
 * epoch and speed reads the same summit time.
 */
export function epochClock(speed: number, epochMs: number): Clock {
  return scaledClock(speed, epochMs + (realNowMs() - epochMs) * speed);
}

/** The summit clock of a deployment from its `sim` settings. */
export function deploymentClock(sim: {
  readonly speed: number;
  readonly clockEpochMs?: number | undefined;
}): Clock {
  return sim.clockEpochMs === undefined
    ? scaledClock(sim.speed)
    : epochClock(sim.speed, sim.clockEpochMs);
}

/** Real-time sleep that honours an AbortSignal; any length (NaN counts as 0). */
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
    // setTimeout fires at once past 2^31-1 ms (~24.8 days): longer waits go in steps.
    const end = performance.now() + Math.max(0, ms);
    let timer: ReturnType<typeof setTimeout>;
    const step = (): void => {
      const left = end - performance.now();
      if (left > 0) {
        timer = setTimeout(step, Math.min(left, MAX_TIMER_MS));
        return;
      }
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    timer = setTimeout(step, Math.min(Math.max(0, ms), MAX_TIMER_MS));
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
