import { expect } from 'vitest';
import type { StatusEvent } from '../../observe/status-event.js';
import type { LeaseManager } from '../lease.js';
import { runSingleton, type RunSingletonOptions } from '../singleton-role.js';
import { LeaseTimeline, within } from './lease-timeline.js';

/** Status events of one singleton, as its emitter received them. */
type Emitted = Omit<StatusEvent, 'component' | 'timeMs'>;

/** One singleton of a scenario: its run, its status events and its shutdown switch. */
export interface ScenarioSingleton {
  readonly run: Promise<void>;
  readonly status: Emitted[];
  readonly shutdown: AbortController;
}

/**
 * Starts `runSingleton` for `id` on `leases`; its role logs `<id> role started (token N)`
 * and `<id> role stopped` on `timeline`.
 */
export function startSingleton(
  timeline: LeaseTimeline,
  id: string,
  leases: LeaseManager,
  name: string,
  extra: Partial<RunSingletonOptions> = {},
): ScenarioSingleton {
  const status: Emitted[] = [];
  const shutdown = new AbortController();
  const run = runSingleton({
    leases,
    name,
    holderId: id,
    signal: shutdown.signal,
    status: { emit: (e) => void status.push(e) },
    start: (lease) => {
      timeline.mark(`${id} role started`);
      timeline.mark(`${id} token ${lease.token}`);
      return Promise.resolve({
        stop: () => {
          timeline.mark(`${id} role stopped`);
          return Promise.resolve();
        },
      });
    },
    ...extra,
  });
  // Whoever checks the outcome awaits `run` later; until then a rejection is expected, not stray.
  run.catch(() => undefined);
  return { run, status, shutdown };
}

/**
 * The main dies without releasing (`kill`), the standby's role starts: returns the real time
 * from the kill to the standby's start (for the test's output, never asserted) after
 * checking the order — main role started, main role stopped, standby role started — and
 * that the standby's token is the larger.
 */
export async function mainDiesStandbyTakesOver(args: {
  main: LeaseManager;
  standby: LeaseManager;
  kill: () => Promise<void>;
  name: string;
  ttlMs: number;
  deadlineMs: number;
}): Promise<{ takeoverMs: number; main: ScenarioSingleton; standby: ScenarioSingleton }> {
  const timeline = new LeaseTimeline();
  const main = startSingleton(timeline, 'main', args.main, args.name, { ttlMs: args.ttlMs });
  await timeline.waitFor('main role started', args.deadlineMs);
  const standby = startSingleton(timeline, 'standby', args.standby, args.name, {
    ttlMs: args.ttlMs,
  });
  const killedAt = performance.now();
  await args.kill();
  await timeline.waitFor('standby role started', args.deadlineMs);
  const takeoverMs = performance.now() - killedAt;
  // The main's manager is gone: its singleton cannot campaign again and says so.
  await expect(within(main.run, args.deadlineMs, 'main run ends')).rejects.toMatchObject({
    code: 'PROMPTLY_E_LEASE_CLOSED',
  });
  const order = ['main role started', 'main role stopped', 'standby role started'];
  expect(timeline.events.filter((e) => e.includes(' role '))).toEqual(order);
  const token = (id: string): number =>
    Number(timeline.events.find((e) => e.startsWith(`${id} token `))?.split(' ')[2]);
  expect(token('standby')).toBeGreaterThan(token('main'));
  expect(main.status.map((e) => e.activity)).toEqual(['lease.acquired', 'lease.lost']);
  expect(main.status[1]?.detail).toMatchObject({ reason: 'disconnected', token: token('main') });
  expect(standby.status.map((e) => e.activity)).toEqual(['lease.acquired']);
  expect(standby.status[0]?.detail).toMatchObject({
    lease: args.name,
    holder: 'standby',
    token: token('standby'),
  });
  return { takeoverMs, main, standby };
}
