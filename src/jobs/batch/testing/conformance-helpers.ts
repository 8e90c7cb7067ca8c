import { readFile } from 'node:fs/promises';
import { expect } from 'vitest';
import { sleepReal } from '../../../core/clock.js';
import { isPromptlyError } from '../../../core/errors.js';
import type { BatchEvent, BatchState } from '../batch-backend.js';
import { statesOf } from './batch-event-log.js';

/** Asserts that `promise` rejects with a PromptlyError of `code`. */
export async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isPromptlyError(err) ? err.code : err).toBe(code);
}

/** Whether the process `pid` has ended (gone, or a zombie waiting to be collected). */
export async function processEnded(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat === undefined || /^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
}

/** Waits for `condition` (a file, a process) checking every 50 ms; fails after `deadlineMs`. */
export async function until(
  what: string,
  condition: () => Promise<boolean>,
  deadlineMs: number,
): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${deadlineMs} ms`);
    await sleepReal(50);
  }
}

/**
 * The states a conforming job reports: optionally `queued`, then `running`, then exactly one
 * terminal state, nothing after it, with non-decreasing `atMs`.
 */
export function expectLifecycle(
  events: readonly BatchEvent[],
  batchId: string,
  end: BatchState,
): void {
  const states = statesOf(events, batchId);
  const started = states[0] === 'queued' ? states.slice(1) : states;
  expect(started, `states of ${batchId}: ${states.join(' → ')}`).toEqual(['running', end]);
  const times = events.filter((e) => e.batchId === batchId).map((e) => e.atMs);
  times.forEach((t, i) => {
    expect(Number.isFinite(t)).toBe(true);
    if (i > 0) expect(t).toBeGreaterThanOrEqual(times[i - 1]!);
  });
}
