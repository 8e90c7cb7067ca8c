import { afterEach, describe, expect, it, vi } from 'vitest';
import { isPromptlyError } from './errors.js';
import { epochClock, realNowMs, sleepReal } from './clock.js';

describe('sleepReal', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits the whole of a delay longer than setTimeout can hold instead of firing at once', async () => {
    vi.useFakeTimers();
    const thirtyDaysMs = 30 * 86_400_000;
    let done = false;
    const sleeping = sleepReal(thirtyDaysMs).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(2_147_483_647);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(thirtyDaysMs - 2_147_483_647 + 1);
    await sleeping;
    expect(done).toBe(true);
  });

  it('ends an endless sleep only by abort, with PROMPTLY_E_ABORTED', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const sleeping = sleepReal(Number.POSITIVE_INFINITY, controller.signal);
    await vi.advanceTimersByTimeAsync(3 * 2_147_483_647);
    controller.abort();
    await expect(sleeping).rejects.toSatisfy((e) => isPromptlyError(e, 'PROMPTLY_E_ABORTED'));
  });

  it('treats a NaN delay as no delay', async () => {
    await expect(sleepReal(Number.NaN)).resolves.toBeUndefined();
  });
});

describe('epochClock', () => {
  it('gives two clocks made at different moments with one epoch and speed the same summit time', async () => {
    const epoch = realNowMs() - 5000;
    const a = epochClock(10, epoch);
    await sleepReal(20);
    const b = epochClock(10, epoch);
    const before = realNowMs();
    const ta = a.now();
    const tb = b.now();
    const after = realNowMs();
    // They differ only by the real time between the two reads, × speed (however slow the machine).
    expect(Math.abs(tb - ta)).toBeLessThanOrEqual((after - before) * 10 + 1);
    expect(ta).toBeGreaterThan(epoch + 10 * 5000 - 1);
  });
});
