import { describe, expect, it, onTestFailed, onTestFinished } from 'vitest';
import type { StreamMessage } from '../../bus/bus.js';
import { decodeJson, encodeJson } from '../../bus/codec.js';
import { startPrivateNatsServer } from '../../testing/nats-server.js';
import { ChaosNight } from './chaos-night.js';
import { chaosSkipReason } from './chaos-skip.js';
import { startSummitRelay } from './summit-relay.js';
import { expectZeroLoss } from './zero-loss-check.js';

const skip = await chaosSkipReason();

/** ComCam's 9 science detectors × the default 2 snaps of a visit. */
const RAWS_PER_VISIT = 18;

/** A copy of the first held notice naming `key`, which is no raw's. */
function sentinelNotice(held: readonly StreamMessage[], key: string): Uint8Array {
  const first = held[0];
  if (!first) throw new Error('no notice was held');
  const notice = decodeJson(first.data) as { Records: { s3: { object: { key: string } } }[] };
  for (const r of notice.Records) r.s3.object.key = key;
  return encodeJson(notice);
}

describe.skipIf(skip !== undefined)('chaos: duplicate, reordered and late notifications', () => {
  it('ingests each snap once and records one outcome per visit-detector', async () => {
    const nats = await startPrivateNatsServer();
    const summitNats = await startPrivateNatsServer();
    const night = await ChaosNight.open({ natsUrl: nats.url });
    // The summit's notifications are held back until the visit's raws are all written, then
    // sent to the night's router newest first, each twice; once every outcome is in, all of
    // them once more.
    const held: StreamMessage[] = [];
    const send = async (messages: readonly StreamMessage[]): Promise<void> => {
      for (const m of [...messages].reverse()) await night.bus.publish(m.subject, m.data);
    };
    let sent: Promise<void> = Promise.resolve();
    const relay = await startSummitRelay({
      summitNatsUrl: summitNats.url,
      to: night.bus,
      config: night.config,
      onS3Event: (m) => {
        held.push(m);
        if (held.length === RAWS_PER_VISIT) sent = send([...held, ...held]);
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
      await sent;
      await send(held);
      // The router takes one source's notices in order: once a last, unroutable one is
      // reported ignored, the late copies before it were dealt with.
      const sentinel = `chaos-sentinel/${Date.now()}`;
      await night.bus.publish(held[0]?.subject ?? 's3.events.raw', sentinelNotice(held, sentinel));
      await night.status((e) => e.activity === 'notice.ignored' && e.detail?.['key'] === sentinel);

      const report = await expectZeroLoss(night, 1);
      expect(report.raws).toHaveLength(RAWS_PER_VISIT);
      for (const o of report.outcomes.values()) {
        expect(o.kind).toBe('processed');
        expect(o.snaps).toEqual([0, 1]);
      }
      const ingested = night.statuses
        .filter((e) => e.activity === 'snap.ingested')
        .map((e) => `${e.group}/${e.detector}/${String(e.detail?.['snap'])}`);
      expect(ingested).toHaveLength(RAWS_PER_VISIT);
      expect(new Set(ingested).size).toBe(RAWS_PER_VISIT);
    } finally {
      await cleanup();
    }
  }, 180_000);
});
