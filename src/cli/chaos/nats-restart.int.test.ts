import { describe, expect, it, onTestFailed, onTestFinished } from 'vitest';
import { startPrivateNatsServer } from '../../testing/nats-server.js';
import { ChaosNight } from './chaos-night.js';
import { chaosSkipReason } from './chaos-skip.js';
import { expectZeroLoss } from './zero-loss-check.js';

const skip = await chaosSkipReason();

describe.skipIf(skip !== undefined)('chaos: nats-server restarted mid-night', () => {
  it('completes the night with every outcome once the server is back on the same port and store', async () => {
    // Never the shared server: this one is stopped and started again.
    const nats = await startPrivateNatsServer();
    const night = await ChaosNight.open({
      natsUrl: nats.url,
      config: { arrivals: { listingIntervalMs: 1000 } },
    });
    onTestFailed(() => console.log(night.describe()));
    let cleaned: Promise<void> | undefined;
    const cleanup = (): Promise<void> =>
      (cleaned ??= (async () => {
        await night.dispose();
        await nats.dispose();
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
      await nats.stop();
      console.log('nats-server stopped during the visit');
      await nats.start();
      console.log('nats-server started again');

      await night.allOutcomesWhileRunning(1, services);
      await expectZeroLoss(night, 1);
      for (const r of services) expect(r.running(), r.name).toBe(true);
    } finally {
      await cleanup();
    }
  }, 180_000);
});
