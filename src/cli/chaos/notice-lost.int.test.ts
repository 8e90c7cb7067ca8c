import { describe, expect, it, onTestFailed, onTestFinished } from 'vitest';
import { RECONCILER_EVENT_SOURCE } from '../../arrivals/listing-reconciler.js';
import { startPrivateNatsServer } from '../../testing/nats-server.js';
import { ChaosNight } from './chaos-night.js';
import { chaosSkipReason } from './chaos-skip.js';
import { startSummitRelay } from './summit-relay.js';
import { expectZeroLoss } from './zero-loss-check.js';

const skip = await chaosSkipReason();

describe.skipIf(skip !== undefined)('chaos: S3 notifications lost', () => {
  it('has the router’s listing reconciler find every raw written with no notice', async () => {
    const nats = await startPrivateNatsServer();
    // The summit publishes on a bus of its own; only its next_visits reach the night's bus,
    // so its raws land in the shared store and their notifications are lost.
    const summitNats = await startPrivateNatsServer();
    const night = await ChaosNight.open({
      natsUrl: nats.url,
      config: { arrivals: { listingIntervalMs: 1000 } },
    });
    let dropped = 0;
    const relay = await startSummitRelay({
      summitNatsUrl: summitNats.url,
      to: night.bus,
      config: night.config,
      onS3Event: () => {
        dropped++;
        night.wake();
      },
    });
    onTestFailed(() => console.log(night.describe()));
    let cleaned: Promise<void> | undefined;
    const cleanup = (): Promise<void> =>
      (cleaned ??= (async () => {
        await relay.close();
        await night.dispose();
        await summitNats.dispose();
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
      night.start('summit', 'summit', {
        configFile: night.configVariant('summit', {
          bus: { kind: 'nats', servers: relay.servers },
        }),
      });

      await night.allOutcomes(1);
      const report = await expectZeroLoss(night, 1);
      expect([...report.outcomes.values()].every((o) => o.kind === 'processed')).toBe(true);
      // Each raw's notification was published, and dropped on its way.
      await night.until(() => (dropped >= report.raws.length ? true : undefined));
      expect(dropped).toBe(report.raws.length);
      const routed = night.statuses.filter((e) => e.activity === 'raw.arrived');
      const sources = new Set(routed.map((e) => e.detail?.['source']));
      expect([...sources]).toEqual([RECONCILER_EVENT_SOURCE]);
      expect(new Set(routed.map((e) => e.detail?.['key'])).size).toBe(report.raws.length);
    } finally {
      await cleanup();
    }
  }, 180_000);
});
