import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bus } from '../../bus/bus.js';
import { decodeJson, encodeJson } from '../../bus/codec.js';
import { createMemoryBus } from '../../bus/memory/memory-bus.js';
import { scaledClock } from '../../core/clock.js';
import { createStatusEmitter } from '../../observe/status-emitter.js';
import type { StatusEvent } from '../../observe/status-event.js';
import { createFsObjectStore } from '../../store/fs/fs-object-store.js';
import type { ArrivalNotice } from '../arrival-notice.js';
import type { Arrivals } from '../arrivals.js';
import { runArrivalsConformance } from '../testing/arrivals-conformance.js';
import { cephBody, fixtureOf, type FixtureObject } from '../testing/s3-event-fixtures.js';
import { createS3BusNotices, s3EventsSubject } from './s3-bus-notices.js';

/**
 * Conformance through a bus subject: objects land in an fs store whose notices are
 * published as Ceph RGW pushes them to a broker (records only, URL-encoded keys).
 */
runArrivalsConformance(
  'S3 events from a bus subject (Ceph-shaped)',
  async ({ capacity }) => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'promptly-bus-notices-'));
    const bus = createMemoryBus();
    const bucket = `raw-${randomUUID().slice(0, 8)}`;
    const subject = s3EventsSubject(bucket);
    const arrivals = await createS3BusNotices({ bus, subject, capacity });
    const store = await createFsObjectStore({
      root,
      bucket,
      durable: false,
      onNotice: (notice: ArrivalNotice) =>
        bus.publish(subject, encodeJson(cephBody(notice.Records.map(fixtureOf)))),
    });
    return {
      arrivals,
      bucket,
      putWaitsForReader: false,
      put: async (key, body) => {
        await store.put(key, body);
      },
      async close() {
        await arrivals.close();
        await store.close();
        await bus.close();
        await rm(root, { recursive: true, force: true });
      },
    };
  },
  { putWaitsForReader: false },
);

function object(key: string): FixtureObject {
  return { bucket: 'raw', key, size: 3, eTag: 'abc' };
}

async function firstKeys(arrivals: Arrivals, n: number): Promise<string[]> {
  const keys: string[] = [];
  for await (const notice of arrivals.notices()) {
    keys.push(...notice.Records.map((r) => r.s3.object.key));
    if (keys.length >= n) break;
  }
  return keys;
}

describe('S3 events from a bus subject', () => {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const o of open.splice(0).reverse()) await o.close();
  });
  const bus = (): Bus => {
    const b = createMemoryBus();
    open.push(b);
    return b;
  };

  it('skips messages that are not S3 event JSON, reports them, and keeps reading', async () => {
    const b = bus();
    const events: StatusEvent[] = [];
    const statusSub = await b.subscribe('status.>');
    void (async () => {
      for await (const m of statusSub) events.push(decodeJson(m.data) as StatusEvent);
    })();
    const subject = s3EventsSubject(`raw-${randomUUID().slice(0, 8)}`);
    const arrivals = await createS3BusNotices({
      bus: b,
      subject,
      status: createStatusEmitter(b, scaledClock(1), 'arrivals'),
    });
    open.push(arrivals);
    await b.publish(subject, new TextEncoder().encode('not json'));
    await b.publish(subject, encodeJson({ Records: [{ eventName: 'ObjectCreated:Put' }] }));
    await b.publish(subject, encodeJson(cephBody([object('x/a+b%2B.fits')])));
    expect(await firstKeys(arrivals, 1)).toEqual(['x/a+b%2B.fits']); // the raw key, decoded once
    while (events.filter((e) => e.activity === 'notice.invalid').length < 2) {
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(
      events.filter((e) => e.activity === 'notice.invalid').map((e) => e.detail?.subject),
    ).toEqual([subject, subject]);
  });

  it('reads events published before it started from a durable stream', async () => {
    const b = bus();
    const id = randomUUID().slice(0, 8);
    const subject = s3EventsSubject(`raw-${id}`);
    await b.ensureStream({ name: `S3_EVENTS_${id}`, subjects: [subject], maxMsgs: 1000 });
    await b.publish(subject, encodeJson(cephBody([object('x/before.fits')])));
    const arrivals = await createS3BusNotices({
      bus: b,
      subject,
      stream: { name: `S3_EVENTS_${id}`, deliver: { kind: 'all' } },
    });
    open.push(arrivals);
    await b.publish(subject, encodeJson(cephBody([object('x/after.fits')])));
    expect(await firstKeys(arrivals, 2)).toEqual(['x/before.fits', 'x/after.fits']);
  });
});
