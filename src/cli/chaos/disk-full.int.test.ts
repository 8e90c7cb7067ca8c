import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFailed, onTestFinished } from 'vitest';
import { startPrivateNatsServer } from '../../testing/nats-server.js';
import { ChaosNight } from './chaos-night.js';
import { chaosSkipReason } from './chaos-skip.js';
import { parseRawKey } from '../../core/raw-key.js';
import { zeroLossReport } from './zero-loss-check.js';

/** A 1 MiB tmpfs for a worker's handler-local repo, or why one cannot be mounted here. */
function tinyDisk(): { dir: string; unmount(): void } | string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'promptly-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return 'chaos disk-full test skipped: cannot mount a tmpfs here (needs root and util-linux mount)';
  }
  return {
    dir,
    unmount() {
      try {
        execFileSync('umount', [dir], { stdio: 'ignore' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Whether a tmpfs can be mounted here: tried once, and unmounted at once. */
function mountSkipReason(): string | undefined {
  const probe = tinyDisk();
  if (typeof probe === 'string') return probe;
  probe.unmount();
  return undefined;
}

const skip = (await chaosSkipReason()) ?? mountSkipReason();
if (skip) console.log(skip);

describe.skipIf(skip !== undefined)('chaos: the local repo disk is full', () => {
  it('ends every visit-detector of the worker with the full disk in one outcome, and the worker keeps serving', async () => {
    const disk = tinyDisk();
    if (typeof disk === 'string') throw new Error(disk);
    const nats = await startPrivateNatsServer();
    // Few deliveries, a short visibility timeout: items the full disk refuses reach their end.
    const night = await ChaosNight.open({
      natsUrl: nats.url,
      config: { worker: { ackWaitMs: 2000, maxDeliveries: 2 } },
    });
    onTestFailed(() => console.log(night.describe()));
    let cleaned: Promise<void> | undefined;
    const cleanup = (): Promise<void> =>
      (cleaned ??= (async () => {
        await night.dispose();
        await nats.dispose();
        disk.unmount();
      })());
    onTestFinished(cleanup);
    try {
      const worker = night.worker(0, { localRepoRoot: disk.dir });
      const services = [
        night.start('recorder', 'recorder'),
        night.start('router', 'router'),
        night.start('fanout', 'fanout'),
        worker,
      ];
      await Promise.all(services.map((r) => r.ready));
      night.start('summit', 'summit');
      await night.allOutcomes(1);
      const report = await zeroLossReport(night);
      expect(report.outcomeCounts.size).toBe(9);
      for (const [key, count] of report.outcomeCounts) expect(count, key).toBe(1);
      expect(report.unexpected).toEqual([]);
      expect(report.conflicting).toEqual([]);
      // A full disk is an infrastructure failure: redelivered, then recorded as failed, and
      // the raws it could not take stay in the store, under a failed outcome, for catch-up.
      const outcomes = [...report.outcomes.values()];
      expect(outcomes.some((o) => o.kind === 'failed')).toBe(true);
      for (const key of report.unaccounted) {
        const raw = parseRawKey(key);
        expect(report.outcomes.get(`${raw.group}/${raw.detector}`)?.kind, key).toBe('failed');
      }
      expect(worker.running()).toBe(true);
    } finally {
      await cleanup();
    }
  }, 180_000);
});
