import { describe, expect, it, onTestFailed, onTestFinished } from 'vitest';
import { connectNatsKvLeases } from '../../lease/nats/nats-kv-lease.js';
import { startPrivateNatsServer } from '../../testing/nats-server.js';
import { ChaosNight } from './chaos-night.js';
import { chaosSkipReason } from './chaos-skip.js';
import { expectZeroLoss } from './zero-loss-check.js';

const skip = await chaosSkipReason();

describe.skipIf(skip !== undefined)('chaos: the main fan-out killed with a standby running', () => {
  it('has the standby take the lease and fan out a next_visit published after the kill', async () => {
    const nats = await startPrivateNatsServer();
    const night = await ChaosNight.open({ natsUrl: nats.url });
    const leases = await connectNatsKvLeases({ servers: [nats.url] });
    onTestFailed(() => console.log(night.describe()));
    let cleaned: Promise<void> | undefined;
    const cleanup = (): Promise<void> =>
      (cleaned ??= (async () => {
        await leases.close();
        await night.dispose();
        await nats.dispose();
      })());
    // Runs even when the test times out, unlike `finally`: no role or server outlives it.
    onTestFinished(cleanup);
    try {
      const lease = `fanout-${night.instrument}`;
      const fanouts = [night.start('fanout-a', 'fanout'), night.start('fanout-b', 'fanout')];
      const services = [
        night.start('recorder', 'recorder'),
        night.start('router', 'router'),
        night.worker(0),
        ...fanouts,
      ];
      await Promise.all(services.map((r) => r.ready));
      await night.status((e) => e.activity === 'lease.acquired' && e.detail?.['lease'] === lease);

      // First visit: fanned out by whichever fan-out holds the lease.
      const summit1 = night.start('summit-1', 'summit');
      await night.until(() => (night.expected.size >= 1 ? true : undefined));
      await summit1.exited;

      const holder = await leases.current(lease);
      const main = fanouts.find((f) => holder?.holder.endsWith(`:${f.pid}`));
      const standby = fanouts.find((f) => f !== main);
      if (!holder || !main || !standby) throw new Error(`no fan-out holds ${lease}`);
      const killedMs = Date.now();
      main.kill('SIGKILL');
      expect((await main.exited).signal).toBe('SIGKILL');
      const takeover = await night.status(
        (e) =>
          e.activity === 'lease.acquired' &&
          e.detail?.['lease'] === lease &&
          String(e.detail['holder']).endsWith(`:${standby.pid}`),
      );
      console.log(
        `fan-out takeover: ${main.name} killed, ${standby.name} acquired ${lease} ` +
          `(token ${String(takeover.detail?.['token'])}) ${Date.now() - killedMs} ms later`,
      );

      // A second summit run: its next_visit is published only now, after the kill.
      night.start('summit-2', 'summit');
      await night.allOutcomes(2);
      const report = await expectZeroLoss(night, 2);
      expect([...report.outcomes.values()].every((o) => o.kind === 'processed')).toBe(true);
      expect((await leases.current(lease))?.holder.endsWith(`:${standby.pid}`)).toBe(true);
    } finally {
      await cleanup();
    }
  }, 180_000);
});
