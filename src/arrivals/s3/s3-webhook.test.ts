import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bus } from '../../bus/bus.js';
import { createMemoryBus } from '../../bus/memory/memory-bus.js';
import { decodeJson } from '../../bus/codec.js';
import { scaledClock } from '../../core/clock.js';
import { createStatusEmitter } from '../../observe/status-emitter.js';
import type { StatusEvent } from '../../observe/status-event.js';
import { createFsObjectStore } from '../../store/fs/fs-object-store.js';
import type { ArrivalNotice } from '../arrival-notice.js';
import { runArrivalsConformance } from '../testing/arrivals-conformance.js';
import {
  cephBody,
  fixtureOf,
  minioBody,
  type FixtureObject,
} from '../testing/s3-event-fixtures.js';
import { createS3Webhook, type S3WebhookArrivals } from './s3-webhook.js';

/**
 * Conformance through the webhook: objects land in an fs store (no S3 server needed) whose
 * notices are re-sent the way MinIO does — URL-encoded keys, `s3:` prefix, POSTed without
 * waiting for the answer, as a bucket-notification target does.
 */
runArrivalsConformance(
  'S3 webhook (MinIO-shaped posts)',
  async ({ capacity }) => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'promptly-webhook-'));
    const arrivals = createS3Webhook({ capacity });
    const bucket = `raw-${randomUUID().slice(0, 8)}`;
    const sending = new Set<Promise<unknown>>();
    const store = await createFsObjectStore({
      root,
      bucket,
      durable: false,
      onNotice: (notice: ArrivalNotice) => {
        for (const record of notice.Records) {
          const sent = arrivals.app.inject({
            method: 'POST',
            url: '/notifications',
            headers: { 'content-type': 'application/json' },
            payload: JSON.stringify(minioBody(fixtureOf(record))),
          });
          sending.add(sent);
          void sent.finally(() => sending.delete(sent));
        }
      },
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
        await Promise.allSettled([...sending]);
        await store.close();
        await rm(root, { recursive: true, force: true });
      },
    };
  },
  { putWaitsForReader: false },
);

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

function object(key: string, extra: Partial<FixtureObject> = {}): FixtureObject {
  return { bucket: 'raw', key, size: key.length, eTag: md5(key), ...extra };
}

describe('S3 webhook', () => {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((o) => o.close()));
  });

  function webhook(options: Parameters<typeof createS3Webhook>[0] = {}): S3WebhookArrivals {
    const w = createS3Webhook(options);
    open.push(w);
    return w;
  }

  function statusBus(): { bus: Bus; events: StatusEvent[]; ready: Promise<void> } {
    const bus = createMemoryBus();
    open.push(bus);
    const events: StatusEvent[] = [];
    const ready = bus.subscribe('status.>').then((sub) => {
      void (async () => {
        for await (const m of sub) events.push(decodeJson(m.data) as StatusEvent);
      })();
    });
    return { bus, events, ready };
  }

  /** Reads one notice from `w` and hands it on (by asking for the next). */
  async function readOne(w: S3WebhookArrivals): Promise<ArrivalNotice> {
    const sub = w.notices();
    const it = sub[Symbol.asyncIterator]();
    const first = await it.next();
    if (first.done) throw new Error('ended');
    void it.next();
    await sub.close();
    return first.value;
  }

  it('answers 200 only after a reader has handed the notice on', async () => {
    const w = webhook();
    let answered = false;
    const res = w.app
      .inject({ method: 'POST', url: '/notifications', payload: minioBody(object('a/b.fits')) })
      .then((r) => {
        answered = true;
        return r;
      });
    const sub = w.notices();
    const it = sub[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.done).toBe(false);
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(answered).toBe(false);
    void it.next();
    expect((await res).statusCode).toBe(200);
    expect((await res).json()).toEqual({ accepted: 1, ignored: [] });
    await sub.close();
  });

  it('decodes MinIO and Ceph keys with spaces, plus signs, %2B and unicode exactly once', async () => {
    const w = webhook();
    const keys = [
      'LATISS/0/g 1/0/a b.fits',
      'x/a+b.fits',
      'x/100%.fits',
      'x/a%2Bb.fits',
      'x/ü ✓ 観.fits',
    ];
    const bodies = [...keys.map((k) => minioBody(object(k))), cephBody(keys.map((k) => object(k)))];
    const got: string[] = [];
    const reading = (async () => {
      for await (const n of w.notices()) {
        for (const r of n.Records) got.push(r.s3.object.key);
        if (got.length === keys.length * 2) break;
      }
    })();
    for (const body of bodies) {
      const res = await w.app.inject({ method: 'POST', url: '/notifications', payload: body });
      expect(res.statusCode).toBe(200);
    }
    await reading;
    expect(got).toEqual([...keys, ...keys]);
  });

  it('turns encoded fixture keys into the raw key, not a second decoding of it', async () => {
    const w = webhook();
    // Sent as S3 encodes the raw key "x/a%2Bb c.fits": "x%2Fa%252Bb+c.fits".
    const body = minioBody(object('x/a%2Bb c.fits'));
    expect((body.Records as { s3: { object: { key: string } } }[])[0]!.s3.object.key).toBe(
      'x%2Fa%252Bb+c.fits',
    );
    const res = w.app.inject({ method: 'POST', url: '/notifications', payload: body });
    const notice = await readOne(w);
    expect(notice.Records[0]!.s3.object.key).toBe('x/a%2Bb c.fits');
    expect((await res).statusCode).toBe(200);
  });

  it('accepts CompleteMultipartUpload from Ceph and Put from MinIO, without the s3: prefix and with unquoted eTags', async () => {
    const w = webhook();
    const multi = object('big/raw.fits', {
      eventName: 'ObjectCreated:CompleteMultipartUpload',
      eTag: '"0123456789abcdef0123456789abcdef-3"',
    });
    const res = w.app.inject({
      method: 'POST',
      url: '/notifications',
      headers: { 'content-type': 'text/plain' }, // Ceph's content type varies; the body is JSON
      payload: JSON.stringify(cephBody([multi])),
    });
    const notice = await readOne(w);
    expect(notice.Records[0]).toMatchObject({
      eventName: 'ObjectCreated:CompleteMultipartUpload',
      eventSource: 'ceph:s3',
      s3: { bucket: { name: 'raw' }, object: { eTag: '0123456789abcdef0123456789abcdef-3' } },
    });
    expect(notice.Records[0]!.eventTime.endsWith('Z')).toBe(true);
    expect((await res).statusCode).toBe(200);

    const put = w.app.inject({
      method: 'POST',
      url: '/notifications',
      payload: minioBody(object('small/raw.fits')),
    });
    expect((await readOne(w)).Records[0]!.eventName).toBe('ObjectCreated:Put');
    expect((await put).statusCode).toBe(200);
  });

  it('ignores deletions and test events with a note and a status event, handing nothing on', async () => {
    const { bus, events, ready } = statusBus();
    await ready;
    const w = webhook({ status: createStatusEmitter(bus, scaledClock(1), 'arrivals') });
    const res = await w.app.inject({
      method: 'POST',
      url: '/notifications',
      payload: minioBody(object('x/gone.fits', { eventName: 'ObjectRemoved:Delete' })),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      accepted: 0,
      ignored: [
        { eventName: 'ObjectRemoved:Delete', key: 'x/gone.fits', note: 'not an object creation' },
      ],
    });
    const test = await w.app.inject({
      method: 'POST',
      url: '/notifications',
      payload: { Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'raw' },
    });
    expect(test.statusCode).toBe(200);
    expect(test.json().accepted).toBe(0);
    while (events.filter((e) => e.activity === 'notice.ignored').length < 2) {
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(events.find((e) => e.activity === 'notice.ignored')?.detail).toMatchObject({
      key: 'x/gone.fits',
      eventName: 'ObjectRemoved:Delete',
    });
    // Nothing was queued: a reader waiting now gets the next real notice, not the deletion.
    const next = w.app.inject({
      method: 'POST',
      url: '/notifications',
      payload: minioBody(object('x/new.fits')),
    });
    expect((await readOne(w)).Records.map((r) => r.s3.object.key)).toEqual(['x/new.fits']);
    expect((await next).statusCode).toBe(200);
  });

  it('keeps only the creation records of a body that mixes creations and deletions', async () => {
    const w = webhook();
    const res = w.app.inject({
      method: 'POST',
      url: '/notifications',
      payload: cephBody([
        object('x/kept.fits'),
        object('x/dropped.fits', { eventName: 'ObjectRemoved:Delete' }),
      ]),
    });
    expect((await readOne(w)).Records.map((r) => r.s3.object.key)).toEqual(['x/kept.fits']);
    expect((await res).json()).toMatchObject({ accepted: 1, ignored: [{ key: 'x/dropped.fits' }] });
  });

  it.each([
    ['a body that is not JSON', '{"Records": ['],
    ['an empty body', ''],
    ['JSON that is not an S3 event', '{"hello": "world"}'],
    ['an empty record list', '{"Records": []}'],
    [
      'a record without a key',
      JSON.stringify({
        Records: [
          { eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'raw' }, object: { size: 1 } } },
        ],
      }),
    ],
    [
      'a creation record without a size',
      JSON.stringify({
        Records: [
          { eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'raw' }, object: { key: 'a' } } },
        ],
      }),
    ],
    [
      'a key with a broken %-escape',
      JSON.stringify({
        Records: [
          {
            eventName: 'ObjectCreated:Put',
            s3: { bucket: { name: 'raw' }, object: { key: 'a%E0%A4', size: 1 } },
          },
        ],
      }),
    ],
    ['a negative size', JSON.stringify(cephBody([object('x/neg.fits', { size: -1 })]))],
  ])('rejects %s with 400 PROMPTLY_E_NOTICE_INVALID and queues nothing', async (_what, payload) => {
    const w = webhook();
    const res = await w.app.inject({
      method: 'POST',
      url: '/notifications',
      headers: { 'content-type': 'application/json' },
      payload,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('PROMPTLY_E_NOTICE_INVALID');
    const next = w.app.inject({
      method: 'POST',
      url: '/notifications',
      payload: minioBody(object('x/ok.fits')),
    });
    expect((await readOne(w)).Records.map((r) => r.s3.object.key)).toEqual(['x/ok.fits']);
    expect((await next).statusCode).toBe(200);
  });

  it('rejects a request without the configured bearer token with 401, over real HTTP', async () => {
    const w = webhook({ bearerToken: 's3cret' });
    const address = await w.app.listen({ host: '127.0.0.1', port: 0 });
    const url = `${address}/notifications`;
    const body = JSON.stringify(minioBody(object('x/auth.fits')));
    for (const authorization of [undefined, 'Bearer wrong', 's3cret']) {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(authorization ? { authorization } : {}),
        },
        body,
      });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { code: string }).code).toBe('PROMPTLY_E_NOTICE_UNAUTHORIZED');
    }
    const ok = fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer s3cret' },
      body,
    });
    expect((await readOne(w)).Records[0]!.s3.object.key).toBe('x/auth.fits');
    expect((await ok).status).toBe(200);
  });

  it('answers 503 PROMPTLY_E_ARRIVALS_CLOSED when closed before the notice was read', async () => {
    const w = createS3Webhook();
    const res = w.app.inject({
      method: 'POST',
      url: '/notifications',
      payload: minioBody(object('x/late.fits')),
    });
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    await w.close();
    const answer = await res;
    expect(answer.statusCode).toBe(503);
    expect(answer.json().code).toBe('PROMPTLY_E_ARRIVALS_CLOSED');
  });
});
