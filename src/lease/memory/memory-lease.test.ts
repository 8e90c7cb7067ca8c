import { describe, expect, it } from 'vitest';
import { scaledClock } from '../../core/clock.js';
import type { LeaseManager } from '../lease.js';
import { runLeaseConformance } from '../testing/lease-conformance.js';
import { MemoryLeaseManager, MemoryLeaseStore } from './memory-lease.js';

runLeaseConformance('memory', () => {
  const store = new MemoryLeaseStore();
  return Promise.resolve({
    open: () => Promise.resolve(store.manager()),
    cut: (manager: LeaseManager) => {
      if (!(manager instanceof MemoryLeaseManager)) throw new Error('not a memory lease manager');
      manager.disconnect();
      return Promise.resolve();
    },
  });
});

describe('MemoryLeaseStore', () => {
  it('measures the TTL on its own clock: with a 100× clock a silent holder of a 60 s lease is replaced within the test timeout', async () => {
    // 100× summit time: a 60 s TTL passes in ~0.6 s of real time.
    const store = new MemoryLeaseStore({ clock: scaledClock(100) });
    const [ma, mb] = [store.manager(), store.manager()];
    const crash = new AbortController();
    const a = await ma.campaign('role', 'A', { ttlMs: 60_000, signal: crash.signal });
    const bWon = mb.campaign('role', 'B', { ttlMs: 60_000 });
    crash.abort();
    const b = await bWon;
    expect(a.lostReason).toBe('abandoned');
    expect(b.token).toBeGreaterThan(a.token);
    await b.release();
  });
});
