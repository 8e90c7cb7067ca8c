import { describe, expect, it, onTestFailed, onTestFinished } from 'vitest';
import { startPrivateNatsServer } from '../../testing/nats-server.js';
import { ChaosNight } from './chaos-night.js';
import { chaosSkipReason } from './chaos-skip.js';
import { privatePostgresSkipReason, startPrivatePostgres } from './private-postgres.js';
import { expectZeroLoss } from './zero-loss-check.js';

const skip = (await chaosSkipReason({ postgres: false })) ?? privatePostgresSkipReason();
if (skip) console.log(skip);

describe.skipIf(skip !== undefined)('chaos: PostgreSQL restarted mid-night', () => {
  it('completes the night with every outcome once the database is back', async () => {
    // Never the shared server: a cluster of this test's own is restarted.
    const postgres = await startPrivatePostgres();
    const nats = await startPrivateNatsServer();
    const night = await ChaosNight.open({ natsUrl: nats.url, postgresUrl: postgres.url });
    onTestFailed(() => console.log(night.describe()));
    let cleaned: Promise<void> | undefined;
    const cleanup = (): Promise<void> =>
      (cleaned ??= (async () => {
        await night.dispose();
        await nats.dispose();
        await postgres.dispose();
      })());
    // Runs even when the test times out, unlike `finally`: no role or server outlives it.
    onTestFinished(cleanup);
    try {
      const services = [
        night.start('recorder', 'recorder'),
        night.start('router', 'router'),
        night.start('fanout', 'fanout'),
        night.worker(0),
      ];
      await Promise.all(services.map((r) => r.ready));
      night.start('summit', 'summit');

      await night.status((e) => e.activity === 'item.started');
      await postgres.restart();
      console.log('PostgreSQL restarted during the visit');

      await night.allOutcomesWhileRunning(1, services);
      await expectZeroLoss(night, 1);
      for (const r of services) expect(r.running(), r.name).toBe(true);
    } finally {
      await cleanup();
    }
  }, 180_000);
});
