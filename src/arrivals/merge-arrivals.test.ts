import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ArrivalNotice } from './arrival-notice.js';
import type { Arrivals } from './arrivals.js';
import { createFsArrivals, type FsArrivals } from './fs/fs-arrivals.js';
import { createListingReconciler } from './listing-reconciler.js';
import { mergeArrivals } from './merge-arrivals.js';
import { createS3Webhook } from './s3/s3-webhook.js';
import { createFsObjectStore } from '../store/fs/fs-object-store.js';
import { runArrivalsConformance } from './testing/arrivals-conformance.js';
import { fixtureOf, minioBody } from './testing/s3-event-fixtures.js';

/**
 * The deployment shape for S3: bucket notifications (webhook) merged with a listing
 * reconciler over the same bucket. Every object is announced by both; the merge's window
 * drops the second announcement.
 */
runArrivalsConformance(
  'merge of S3 webhook and listing reconciler',
  async ({ capacity }) => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'promptly-merge-'));
    const webhook = createS3Webhook({ capacity });
    const sending = new Set<Promise<unknown>>();
    const store = await createFsObjectStore({
      root,
      bucket: 'raw',
      durable: false,
      onNotice: (notice: ArrivalNotice) => {
        for (const record of notice.Records) {
          const sent = webhook.app.inject({
            method: 'POST',
            url: '/notifications',
            payload: minioBody(fixtureOf(record)),
          });
          sending.add(sent);
          void sent.finally(() => sending.delete(sent));
        }
      },
    });
    const reconciler = createListingReconciler({
      store,
      prefixes: ['conformance/'],
      intervalMs: 1_000,
      capacity,
    });
    const arrivals = mergeArrivals([webhook, reconciler], { capacity });
    return {
      arrivals,
      bucket: 'raw',
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

function notice(key: string, eTag = 'e1'): ArrivalNotice {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'test',
        eventTime: new Date().toISOString(),
        eventName: 'ObjectCreated:Put',
        s3: { bucket: { name: 'raw' }, object: { key, size: 1, eTag, sequencer: '' } },
      },
    ],
  };
}

async function keysOf(arrivals: Arrivals, until: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const n of arrivals.notices()) {
    for (const r of n.Records) keys.push(`${r.s3.object.key}@${r.s3.object.eTag}`);
    if (keys.includes(until)) break;
  }
  return keys;
}

describe('mergeArrivals', () => {
  const open: Arrivals[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((a) => a.close()));
  });
  function sources(n: number): FsArrivals[] {
    return Array.from({ length: n }, () => createFsArrivals());
  }

  it('drops an exact duplicate from another source within the window, but not a new version', async () => {
    const [a, b] = sources(2) as [FsArrivals, FsArrivals];
    const merged = mergeArrivals([a, b]);
    open.push(merged);
    await a.sink(notice('x/1.fits'));
    await b.sink(notice('x/1.fits')); // the same object, announced again
    await b.sink(notice('x/1.fits', 'e2')); // new bytes under the same key
    await a.sink(notice('x/end.fits'));
    const keys = await keysOf(merged, 'x/end.fits@e1');
    expect(keys.filter((k) => k === 'x/1.fits@e1')).toHaveLength(1);
    expect(keys).toContain('x/1.fits@e2');
  });

  it('keeps every duplicate with a window of zero (at least once, nothing dropped)', async () => {
    const [a, b] = sources(2) as [FsArrivals, FsArrivals];
    const merged = mergeArrivals([a, b], { dedupeWindowMs: 0 });
    open.push(merged);
    await a.sink(notice('x/1.fits'));
    await b.sink(notice('x/1.fits'));
    await a.sink(notice('x/1.fits'));
    await b.sink(notice('x/end.fits'));
    const keys = await keysOf(merged, 'x/end.fits@e1');
    expect(keys.filter((k) => k === 'x/1.fits@e1')).toHaveLength(3);
  });

  it('forgets the oldest identities beyond its bound, letting their duplicates through', async () => {
    const [a] = sources(1) as [FsArrivals];
    const merged = mergeArrivals([a], { dedupeMaxEntries: 2 });
    open.push(merged);
    for (const k of ['x/1.fits', 'x/2.fits', 'x/3.fits', 'x/1.fits', 'x/3.fits', 'x/end.fits']) {
      await a.sink(notice(k));
    }
    const keys = await keysOf(merged, 'x/end.fits@e1');
    expect(keys).toEqual([
      'x/1.fits@e1',
      'x/2.fits@e1',
      'x/3.fits@e1',
      'x/1.fits@e1',
      'x/end.fits@e1',
    ]);
  });

  it('tells a source its notice was handed on only once the merged reader moved past it', async () => {
    const a = createFsArrivals({ awaitHandedOn: true });
    const merged = mergeArrivals([a]);
    open.push(merged);
    let handedOn = false;
    const put = Promise.resolve(a.sink(notice('x/0.fits'))).then(() => (handedOn = true));
    const sub = merged.notices();
    const it = sub[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(handedOn).toBe(false);
    const next = it.next(); // the merged reader is done with x/0.fits
    await put;
    expect(handedOn).toBe(true);
    const put1 = Promise.resolve(a.sink(notice('x/1.fits')));
    expect((await next).done).toBe(false);
    await sub.close(); // closing after taking x/1.fits hands it on
    await put1;
  });

  it('closes its sources when closed', async () => {
    const [a, b] = sources(2) as [FsArrivals, FsArrivals];
    const merged = mergeArrivals([a, b]);
    await merged.close();
    const it = a.notices()[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(true);
    await expect(b.sink(notice('x/late.fits'))).rejects.toMatchObject({
      code: 'PROMPTLY_E_ARRIVALS_CLOSED',
    });
  });
});
