import type { JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';

/** KV bucket where live queue consumers register (entries expire unless refreshed). */
export const CONSUMERS_BUCKET = 'PROMPTLY_CONSUMERS';
const TTL_MS = 30_000;
const REFRESH_MS = 10_000;

/** One registered consumer. */
export interface RegisteredConsumer {
  /** Records how many unsettled deliveries it holds; resolves once stored. */
  update(inFlight: number): Promise<void>;
  unregister(): Promise<void>;
}

/**
 * Who consumes which queue, across processes: each `consume()` puts `<queue>.<id>` in a KV
 * bucket whose entries live 30 s, refreshes it every 10 s and deletes it on close, so a
 * crashed process drops out within 30 s. The value is the unsettled deliveries it holds:
 * JetStream counts a message nak'ed with a delay as still pending acknowledgement, while the
 * Bus contract counts it as waiting, so `queueInfo` takes in-flight numbers from here.
 */
export class ConsumerRegistry {
  private constructor(
    private readonly kv: KV,
    private readonly jsm: JetStreamManager,
  ) {}

  static async open(nc: NatsConnection, jsm: JetStreamManager): Promise<ConsumerRegistry> {
    const kv = await new Kvm(nc).create(CONSUMERS_BUCKET, { history: 1, ttl: TTL_MS });
    return new ConsumerRegistry(kv, jsm);
  }

  /** Registers one consumer of `queue`, holding `inFlight` unsettled deliveries. */
  async register(queue: string): Promise<RegisteredConsumer> {
    const key = `${queue}.${randomUUID().replace(/-/g, '')}`;
    let inFlight = 0;
    let gone = false;
    let writing: Promise<void> | undefined;
    let dirty = false;
    const put = (): Promise<unknown> =>
      gone ? Promise.resolve() : this.kv.put(key, String(inFlight)).catch(() => undefined);
    await put();
    const timer = setInterval(() => void put(), REFRESH_MS);
    timer.unref();
    return {
      // Coalesced: one put at a time, always of the latest count; a caller's promise
      // resolves once a put that started after its call is stored. A burst of deliveries
      // costs one or two round trips, not one each.
      update: (n) => {
        inFlight = n;
        if (!writing) {
          writing = (async () => {
            try {
              do {
                dirty = false;
                await put();
              } while (dirty);
            } finally {
              writing = undefined; // synchronously after the last check of `dirty`
            }
          })();
        } else dirty = true;
        return writing;
      },
      unregister: async () => {
        gone = true;
        clearInterval(timer);
        await this.kv.delete(key).catch(() => undefined);
      },
    };
  }

  /**
   * Live consumers of `queue` and the unsettled deliveries they hold. The keys come from one
   * stream-info request filtered to the queue's subjects (paged by the client), not from
   * `kv.keys()`: that listing runs an ordered push consumer which, with entries being
   * refreshed and expiring while it runs, could wait forever for a message that was gone (seen
   * as an archive drain that never ended). Every call here is a request with a timeout.
   */
  async census(queue: string): Promise<{ consumers: number; inFlight: number }> {
    const si = await this.jsm.streams.info(`KV_${CONSUMERS_BUCKET}`, {
      subjects_filter: `$KV.${CONSUMERS_BUCKET}.${queue}.*`,
    });
    let consumers = 0;
    let inFlight = 0;
    const prefix = `$KV.${CONSUMERS_BUCKET}.`;
    for (const subject of Object.keys(si.state.subjects ?? {})) {
      // a key deleted or expired since the listing reads as absent or as a DEL marker
      const entry = await this.kv.get(subject.slice(prefix.length));
      if (!entry || entry.operation !== 'PUT') continue;
      consumers++;
      inFlight += Number(entry.string()) || 0;
    }
    return { consumers, inFlight };
  }
}
