import { afterEach, beforeEach, describe } from 'vitest';
import type { Bus, Subscription } from '../bus.js';
import { Reader, type ConformanceContext } from './conformance-helpers.js';
import { commandCases } from './conformance-commands.js';
import { pubsubCases } from './conformance-pubsub.js';
import { queueCases } from './conformance-queues.js';
import { streamCases } from './conformance-streams.js';

/** Options of {@link runBusConformance}. */
export interface BusConformanceOptions {
  /**
   * Multiplies every duration the suite uses (ack waits, delays, deadlines, quiet windows);
   * default 1. A networked backend on a busy CI host may need 2–5.
   */
  readonly timeScale?: number;
}

/**
 * The one Bus conformance suite: every backend runs it unchanged (memory in process,
 * NATS JetStream against a real server). Each test gets a fresh bus from `makeBus`, uses
 * random subject, stream and queue names (so runs never collide on a shared server),
 * closes every subscription it opens and then the bus. Timing cases use short ack waits
 * (60–150 ms × timeScale) and wait for events with deadlines; the only plain waits are
 * where time passing is the point (maxAgeMs) or where something must *not* happen
 * (`quietMs`, 100 ms × timeScale). Streams and queues are left on the server, since the
 * contract has no delete.
 */
export function runBusConformance(
  name: string,
  makeBus: () => Promise<Bus>,
  options: BusConformanceOptions = {},
): void {
  const scale = options.timeScale ?? 1;
  if (!(scale > 0) || !Number.isFinite(scale))
    throw new RangeError(`timeScale must be > 0, got ${scale}`);
  describe(`Bus conformance: ${name}`, () => {
    let current: Bus | undefined;
    let opened: Subscription<unknown>[] = [];

    beforeEach(async () => {
      current = await makeBus();
      opened = [];
    });

    afterEach(async () => {
      for (const s of opened) await s.close();
      opened = [];
      await current?.close();
      current = undefined;
    });

    const ctx: ConformanceContext = {
      bus: () => {
        if (current === undefined) throw new Error('bus used outside a test');
        return current;
      },
      track: <T>(sub: Subscription<T>) => {
        opened.push(sub);
        return new Reader(sub);
      },
      ms: (n) => Math.round(n * scale),
      waitMs: Math.round(3000 * scale),
      quietMs: Math.round(100 * scale),
    };

    describe('subjects and live subscriptions', () => pubsubCases(ctx));
    describe('streams', () => streamCases(ctx));
    describe('work queues', () => queueCases(ctx));
    describe('commands', () => commandCases(ctx));
  });
}
