import { describe, expect, it, onTestFailed, onTestFinished } from 'vitest';
import { startPrivateNatsServer } from '../../testing/nats-server.js';
import { ChaosNight } from './chaos-night.js';
import { chaosSkipReason } from './chaos-skip.js';
import { expectZeroLoss } from './zero-loss-check.js';

const skip = await chaosSkipReason();

describe.skipIf(skip !== undefined)('chaos: a worker process killed mid-visit', () => {
  it('has JetStream redeliver the dead worker’s items to another worker, every outcome recorded once', async () => {
    // A bus of its own: the topology's stream and lease names are fixed per instrument.
    const nats = await startPrivateNatsServer();
    const night = await ChaosNight.open({
      natsUrl: nats.url,
      config: { worker: { ackWaitMs: 3000 } },
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
      const victim = night.worker(0);
      const services = [
        night.start('recorder', 'recorder'),
        night.start('router', 'router'),
        night.start('fanout', 'fanout'),
        victim,
      ];
      await Promise.all(services.map((r) => r.ready));
      night.start('summit', 'summit');

      const first = await night.status((e) => e.activity === 'item.started');
      victim.kill('SIGKILL');
      expect((await victim.exited).signal).toBe('SIGKILL');
      console.log(`worker-0 killed after item.started of ${first.group}/${first.detector}`);
      await night.worker(1).ready;

      await night.allOutcomes(1);
      const report = await expectZeroLoss(night, 1);
      const outcomes = [...report.outcomes.values()];
      expect(outcomes.map((o) => o.kind)).toEqual(outcomes.map(() => 'processed'));
      // The item whose start we saw was in the dead worker's hands: it took a redelivery.
      expect(report.outcomes.get(`${first.group}/${first.detector}`)?.deliveries).toBeGreaterThan(
        1,
      );
    } finally {
      await cleanup();
    }
  }, 180_000);
});
