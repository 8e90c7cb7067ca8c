import type { Bus, StreamMessage, Subscription } from '../../bus/bus.js';
import { createNatsBus } from '../../bus/nats/nats-bus.js';
import type { Config } from '../../core/config.js';
import { subjects } from '../../core/subjects.js';
import { ensureTopology, topologyNames } from '../../prompt/topology.js';

/**
 * A summit on a bus of its own, with only some of its messages passed on to the night's bus:
 * every next_visit (with its headers) at once, and each S3 event notification of its raws to
 * `onS3Event`, which decides what the night's router gets — nothing (lost notices), or
 * copies late, twice, out of order.
 */
export interface SummitRelay {
  /** The summit's bus, for `configVariant({ bus: … })`. */
  readonly servers: readonly string[];
  close(): Promise<void>;
}

export async function startSummitRelay(options: {
  /** NATS URL of the summit's own bus (a second private server). */
  summitNatsUrl: string;
  /** The night's bus. */
  to: Bus;
  config: Config;
  onS3Event: (message: StreamMessage) => void;
}): Promise<SummitRelay> {
  const from = await createNatsBus({ servers: [options.summitNatsUrl], name: 'chaos-relay' });
  await ensureTopology(from, options.config.instrument, options.config.worker);
  const names = topologyNames(options.config.instrument);
  const feeds: Subscription<StreamMessage>[] = [
    await from.readStream(names.ocsStream, {
      deliver: { kind: 'all' },
      filter: subjects.nextVisit(options.config.instrument),
    }),
    await from.readStream(names.s3EventsStream, { deliver: { kind: 'all' } }),
  ];
  const [nextVisits, s3Events] = feeds;
  const loops = [
    (async () => {
      for await (const m of nextVisits ?? [])
        await options.to.publish(m.subject, m.data, m.headers ? { headers: m.headers } : {});
    })(),
    (async () => {
      for await (const m of s3Events ?? []) options.onS3Event(m);
    })(),
  ];
  return {
    servers: [options.summitNatsUrl],
    async close() {
      for (const f of feeds) await f.close();
      await Promise.allSettled(loops);
      await from.close();
    },
  };
}
