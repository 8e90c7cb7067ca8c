import { afterEach, describe, expect, it, vi } from 'vitest';
import { isPromptlyError } from './errors.js';
import { sleepReal } from './clock.js';

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
