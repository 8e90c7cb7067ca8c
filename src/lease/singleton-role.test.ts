import { describe, expect, it } from 'vitest';
import { MemoryLeaseStore } from './memory/memory-lease.js';
import { runSingleton } from './singleton-role.js';
import { LeaseTimeline, within } from './testing/lease-timeline.js';
import { mainDiesStandbyTakesOver, startSingleton } from './testing/singleton-scenario.js';

const DEADLINE_MS = 20_000;
/** So long that a handover within DEADLINE_MS cannot have waited for expiry. */
const LONG_TTL_MS = 120_000;

describe('runSingleton (memory leases)', () => {
  it('starts the standby role only after the main role stopped when the main dies without releasing', async () => {
    const store = new MemoryLeaseStore();
    const [main, standby] = [store.manager(), store.manager()];
    const ttlMs = 500;
    const { takeoverMs, standby: s } = await mainDiesStandbyTakesOver({
      main,
      standby,
      kill: () => Promise.resolve(main.disconnect()),
      name: 'reconciler',
      ttlMs,
      deadlineMs: DEADLINE_MS,
    });
    console.log(
      `memory leases: standby took over ${takeoverMs.toFixed(0)} ms after the main died (TTL ${ttlMs} ms)`,
    );
    s.shutdown.abort();
    await s.run;
    await standby.close();
  });

  it('on shutdown stops the main role first, then hands the lease over at once', async () => {
    const store = new MemoryLeaseStore();
    const timeline = new LeaseTimeline();
    const main = startSingleton(timeline, 'main', store.manager(), 'fanout', {
      ttlMs: LONG_TTL_MS,
    });
    await timeline.waitFor('main role started', DEADLINE_MS);
    const standby = startSingleton(timeline, 'standby', store.manager(), 'fanout', {
      ttlMs: LONG_TTL_MS,
    });
    main.shutdown.abort();
    await within(main.run, DEADLINE_MS, 'main shuts down');
    await timeline.waitFor('standby role started', DEADLINE_MS);
    expect(timeline.events.filter((e) => e.includes(' role '))).toEqual([
      'main role started',
      'main role stopped',
      'standby role started',
    ]);
    expect(main.status.map((e) => [e.activity, e.detail?.['reason']])).toEqual([
      ['lease.acquired', undefined],
      ['lease.lost', 'released'],
    ]);
    standby.shutdown.abort();
    await standby.run;
  });

  it('gives the lease up when the role fails to start, reports it, and campaigns again', async () => {
    const store = new MemoryLeaseStore();
    const manager = store.manager();
    const shutdown = new AbortController();
    const tokens: number[] = [];
    const activities: string[] = [];
    const run = runSingleton({
      leases: manager,
      name: 'summit',
      holderId: 'only',
      ttlMs: LONG_TTL_MS,
      retryDelayMs: 1,
      signal: shutdown.signal,
      status: { emit: (e) => void activities.push(e.activity) },
      start: (lease) => {
        tokens.push(lease.token);
        if (tokens.length === 1) return Promise.reject(new Error('cannot open the feed'));
        shutdown.abort();
        return Promise.resolve({ stop: () => Promise.resolve() });
      },
    });
    await within(run, DEADLINE_MS, 'run ends');
    expect(tokens).toHaveLength(2);
    expect(tokens[1]!).toBeGreaterThan(tokens[0]!);
    expect(activities).toEqual([
      'lease.acquired',
      'lease.error',
      'lease.lost',
      'lease.acquired',
      'lease.lost',
    ]);
    await expect(manager.current('summit')).resolves.toBeUndefined();
  });

  it('returns without ever leading when shut down while still a standby', async () => {
    const store = new MemoryLeaseStore();
    const holder = await store.manager().campaign('router', 'other', { ttlMs: LONG_TTL_MS });
    const timeline = new LeaseTimeline();
    const standby = startSingleton(timeline, 'standby', store.manager(), 'router', {
      ttlMs: LONG_TTL_MS,
    });
    standby.shutdown.abort();
    await within(standby.run, DEADLINE_MS, 'standby shuts down');
    expect(timeline.events).toEqual([]);
    expect(holder.signal.aborted).toBe(false);
    await holder.release();
  });
});
