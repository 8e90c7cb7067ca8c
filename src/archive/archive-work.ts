import type { Bus, Delivery } from '../bus/bus.js';
import { decodeJson } from '../bus/codec.js';
import { isPromptlyError } from '../core/errors.js';

/** A running consumer of one archive queue. */
export interface ArchiveWork {
  /** Stops taking work; unsettled deliveries go back to the queue. Resolves once in-flight work ended. */
  close(): Promise<void>;
}

export interface ArchiveWorkOptions<T> {
  readonly bus: Bus;
  readonly queue: string;
  /** Deliveries worked on at once. */
  readonly prefetch: number;
  /** What a message holds, for the dead-letter reason of one that does not decode. */
  readonly what: string;
  /** Does the work; resolving acks it. */
  readonly handle: (item: T) => Promise<unknown>;
  /** Redelivery delay after a failure, ms. */
  readonly nakDelayMs: number;
  /** Failures no redelivery can mend: dead-lettered at once (default none). */
  readonly terminal?: (err: unknown) => boolean;
  readonly log?: (line: string) => void;
}

/**
 * The loop of every archive step (archive controller, OODS, DBB): takes deliveries from its
 * queue, works on up to `prefetch` at once, acks each once `handle` resolves. An undecodable
 * message is dead-lettered with its reason; a failure is logged and the work redelivered after
 * `nakDelayMs` (or dead-lettered when `terminal`), so after `maxDeliveries` it lands in
 * ARCHIVE_DEAD; an abort leaves the delivery unsettled (it comes back when the consumer closes).
 */
export async function consumeArchiveWork<T extends { readonly image: string }>(
  o: ArchiveWorkOptions<T>,
): Promise<ArchiveWork> {
  const sub = await o.bus.consume(o.queue, { prefetch: o.prefetch });
  const settle = async (d: Delivery): Promise<void> => {
    let item: T;
    try {
      item = decodeJson(d.data) as T;
    } catch (err) {
      await d.term(`undecodable ${o.what}: ${String(err)}`).catch(() => undefined);
      return;
    }
    try {
      await o.handle(item);
      await d.ack();
    } catch (err) {
      if (isPromptlyError(err, 'PROMPTLY_E_ABORTED')) return;
      o.log?.(`${item.image}: ${err instanceof Error ? err.message : String(err)}`);
      if (o.terminal?.(err)) {
        await d.term(err instanceof Error ? err.message : String(err)).catch(() => undefined);
        return;
      }
      await d.nak(o.nakDelayMs).catch(() => undefined);
    }
  };
  const loop = (async () => {
    const inFlight = new Set<Promise<void>>();
    for await (const d of sub) {
      const p = settle(d).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.allSettled(inFlight);
  })();
  return {
    async close() {
      await sub.close();
      await loop;
    },
  };
}
