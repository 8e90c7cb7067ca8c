import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { isPromptlyError } from '../../core/errors.js';
import {
  privateNatsSkipReason,
  startPrivateNatsServer,
  type PrivateNatsServer,
} from '../../testing/nats-server.js';
import { natsSkipReason, natsUrl } from '../../testing/servers.js';
import type { Bus, Delivery, StreamMessage, Subscription } from '../bus.js';
import { runBusConformance } from '../testing/bus-conformance.js';
import { Reader, TIMEOUT, bytes, text, unique } from '../testing/conformance-helpers.js';
import { createNatsBus } from './nats-bus.js';

const skip = await natsSkipReason();
if (skip) console.log(skip);
const privateSkip = privateNatsSkipReason();
if (privateSkip) console.log(privateSkip);

/** Deadline for anything that must happen (generous: a loaded host is not a failure). */
const WAIT_MS = 10_000;

/** Streams and queues created on the shared server by this file, deleted in afterAll. */
const created = new Set<string>();

/** The bus, recording every stream and queue it creates so afterAll can delete them. */
async function openBus(servers: string[] = [natsUrl()]): Promise<Bus> {
  const bus = await createNatsBus({ servers, name: 'promptly-test' });
  return {
    publish: (s, d, o) => bus.publish(s, d, o),
    subscribe: (f, o) => bus.subscribe(f, o),
    ensureStream: async (c) => {
      created.add(c.name);
      await bus.ensureStream(c);
    },
    readStream: (s, o) => bus.readStream(s, o),
    ensureQueue: async (c) => {
      created.add(c.name);
      await bus.ensureQueue(c);
    },
    consume: (q, o) => bus.consume(q, o),
    queueInfo: (q) => bus.queueInfo(q),
    streamInfo: (s) => bus.streamInfo(s),
    request: (s, d, o) => bus.request(s, d, o),
    serve: (s, o) => bus.serve(s, o),
    close: () => bus.close(),
  };
}

/** Waits until `check` holds, polling every 50 ms, or fails after WAIT_MS. */
async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${WAIT_MS} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A queue plus a stream capturing its dead letters, on `bus`. */
async function queueWithDeadLetters(
  bus: Bus,
  settings: { ackWaitMs: number; maxDeliveries: number },
): Promise<{ name: string; subject: string; dead: string; deadStream: string }> {
  const t = unique();
  const q = {
    name: `q_${t}`,
    subject: `work.${t}`,
    dead: `dead.${t}`,
    deadStream: `dl_${t}`,
  };
  await bus.ensureQueue({
    name: q.name,
    subjects: [q.subject],
    deadLetterSubject: q.dead,
    ...settings,
  });
  await bus.ensureStream({ name: q.deadStream, subjects: [q.dead] });
  return q;
}

/** Messages stored in stream `name` (read through a separate connection). */
async function storedCount(url: string, name: string): Promise<number> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    return (await jsm.streams.info(name)).state.messages;
  } finally {
    await nc.close();
  }
}

/** Reads all of `sub` into `into` in the background until it ends. */
function collect<T>(sub: Subscription<T>, into: T[], onEach?: (v: T) => unknown): void {
  void (async () => {
    for await (const v of sub) {
      into.push(v);
      await onEach?.(v);
    }
  })();
}

describe.skipIf(skip !== undefined)('NATS JetStream bus', () => {
  afterAll(async () => {
    const nc = await connect({ servers: natsUrl() });
    try {
      const jsm = await jetstreamManager(nc);
      for (const name of created) await jsm.streams.delete(name).catch(() => false);
    } finally {
      await nc.close();
    }
  });

  // timeScale 1: the suite passed unchanged at 1 with five runs of it in parallel on this
  // 2-core host (load average 6.5), so no slack is added; raise it for a slower CI host.
  runBusConformance('nats', () => openBus(), { timeScale: 1 });

  describe('several processes on one server', () => {
    it('delivers each message of a queue shared by two processes to exactly one of them', async () => {
      const a = await openBus();
      const b = await openBus();
      try {
        const q = await queueWithDeadLetters(a, { ackWaitMs: 60_000, maxDeliveries: 3 });
        const total = 60;
        for (let i = 0; i < total; i++) await a.publish(q.subject, bytes(`m${i}`));
        const got: Delivery[] = [];
        const ack = (d: Delivery): Promise<void> => d.ack();
        collect(await a.consume(q.name, { prefetch: 4 }), got, ack);
        collect(await b.consume(q.name, { prefetch: 4 }), got, ack);
        await eventually('every message delivered', () => Promise.resolve(got.length >= total));
        expect(await b.queueInfo(q.name)).toMatchObject({ pending: 0, consumers: 2 });
        await new Promise((r) => setTimeout(r, 300)); // nothing more may come
        expect(got.length).toBe(total);
        expect(new Set(got.map((d) => d.seq)).size).toBe(total);
        expect(got.map((d) => text(d.data)).sort()).toEqual(
          Array.from({ length: total }, (_, i) => `m${i}`).sort(),
        );
        expect(got.every((d) => d.deliveryCount === 1)).toBe(true);
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('publishes exactly one dead letter per message when two processes see it die', async () => {
      const a = await openBus();
      const b = await openBus();
      try {
        // a naks every delivery (so it dead-letters on the last one itself), b never settles
        // (so the server's max-deliveries advisory reaches both processes): both race.
        const q = await queueWithDeadLetters(a, { ackWaitMs: 250, maxDeliveries: 2 });
        const total = 20;
        for (let i = 0; i < total; i++)
          await a.publish(q.subject, bytes(`p${i}`), { headers: { 'x-n': String(i) } });
        const seenA: Delivery[] = [];
        const seenB: Delivery[] = [];
        collect(await a.consume(q.name, { prefetch: 3 }), seenA, (d) => d.nak());
        collect(await b.consume(q.name, { prefetch: 3 }), seenB);
        const dead: StreamMessage[] = [];
        collect(await a.readStream(q.deadStream, { deliver: { kind: 'all' } }), dead);
        await eventually('every message dead-lettered', () =>
          Promise.resolve(dead.length >= total),
        );
        // Late duplicates would come from the other process within a delivery or two.
        await new Promise((r) => setTimeout(r, 1_000));
        expect(await storedCount(natsUrl(), q.deadStream)).toBe(total);
        expect(dead.map((m) => text(m.data)).sort()).toEqual(
          Array.from({ length: total }, (_, i) => `p${i}`).sort(),
        );
        for (const m of dead) {
          expect(m.headers).toMatchObject({
            'promptly-dead-reason': 'max-deliveries',
            'promptly-dead-subject': q.subject,
            'x-n': text(m.data).slice(1),
          });
          expect(['1', '2']).toContain(m.headers?.['promptly-dead-deliveries']);
        }
        expect(await storedCount(natsUrl(), q.name)).toBe(0);
        expect(await a.queueInfo(q.name)).toMatchObject({ pending: 0, inFlight: 0 });
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('dead-letters a delivery whose consumer closes on its last allowed delivery', async () => {
      const bus = await openBus();
      try {
        const q = await queueWithDeadLetters(bus, { ackWaitMs: 60_000, maxDeliveries: 1 });
        await bus.publish(q.subject, bytes('last'));
        const dead = new Reader(await bus.readStream(q.deadStream, { deliver: { kind: 'all' } }));
        const c = new Reader(await bus.consume(q.name));
        const d = await c.next(WAIT_MS);
        expect(d.deliveryCount).toBe(1);
        await c.sub.close(); // no consumer is left to hear the server's advisory
        const m = await dead.next(WAIT_MS);
        expect(text(m.data)).toBe('last');
        expect(m.headers).toMatchObject({
          'promptly-dead-reason': 'max-deliveries',
          'promptly-dead-deliveries': '1',
        });
        await eventually(
          'the queue emptied',
          async () => (await storedCount(natsUrl(), q.name)) === 0,
        );
      } finally {
        await bus.close();
      }
    });
  });
});

describe.skipIf(skip !== undefined || privateSkip !== undefined)(
  'NATS JetStream bus across a server restart',
  () => {
    let server: PrivateNatsServer | undefined;
    afterAll(async () => {
      await server?.dispose();
    });

    it('refuses durable publishes while the server is down and resumes every subscription after', async () => {
      server = await startPrivateNatsServer();
      const bus = await openBus([server.url]);
      try {
        const t = unique();
        await bus.ensureQueue({
          name: `q_${t}`,
          subjects: [`work.${t}`],
          ackWaitMs: 30_000,
          maxDeliveries: 3,
          deadLetterSubject: `dead.${t}`,
        });
        await bus.ensureStream({ name: `s_${t}`, subjects: [`log.${t}`] });
        const live = new Reader(await bus.subscribe(`live.${t}`));
        const work = new Reader(await bus.consume(`q_${t}`));
        const log = new Reader(await bus.readStream(`s_${t}`, { deliver: { kind: 'all' } }));
        await bus.publish(`work.${t}`, bytes('before'));
        await bus.publish(`log.${t}`, bytes('before'));
        await (await work.next(WAIT_MS)).ack();
        expect(text((await log.next(WAIT_MS)).data)).toBe('before');

        await server.stop();
        const refused = await bus.publish(`log.${t}`, bytes('during')).then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(isPromptlyError(refused, 'PROMPTLY_E_BUS_UNAVAILABLE')).toBe(true);
        await server.start();

        // Back once a durable publish is accepted again (the client reconnects on its own).
        await eventually('the bus reconnected', () =>
          bus.publish(`log.${t}`, bytes('after')).then(
            () => true,
            () => false,
          ),
        );
        await bus.publish(`work.${t}`, bytes('after'));
        const d = await work.next(WAIT_MS);
        expect(text(d.data)).toBe('after');
        await d.ack();
        // A publish refused during the outage may still have been sent on reconnect (it sat
        // in the client's buffer): the stream holds 'during' or repeats at most, never a gap.
        let logged = '';
        while (logged !== 'after') logged = text((await log.next(WAIT_MS)).data);
        // A core subscription is re-registered on reconnect; publish until it hears one.
        await eventually('the live subscription resumed', async () => {
          await bus.publish(`live.${t}`, bytes('after'));
          return (await live.poll(100)) !== TIMEOUT;
        });
      } finally {
        await bus.close();
      }
    });
  },
);
