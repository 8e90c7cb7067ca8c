import { mkdtemp, rm, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isPromptlyError } from '../core/errors.js';
import { createFsObjectStore, type FsObjectStore } from '../store/fs/fs-object-store.js';
import type { ArrivalRecord } from './arrival-notice.js';
import {
  createListingReconciler,
  RECONCILER_EVENT_SOURCE,
  type ListingReconciler,
  type ReconcilePass,
} from './listing-reconciler.js';
import { runArrivalsConformance } from './testing/arrivals-conformance.js';

/** Objects put into an fs store with no notice sink: only the reconciler can find them. */
runArrivalsConformance(
  'listing reconciler over an fs store',
  async ({ capacity }) => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'promptly-reconciler-'));
    const store = await createFsObjectStore({ root, bucket: 'raw', durable: false });
    const arrivals = createListingReconciler({
      store,
      prefixes: ['conformance/'],
      intervalMs: 1_000,
      capacity,
    });
    return {
      arrivals,
      bucket: 'raw',
      putWaitsForReader: false,
      put: async (key, body) => {
        await store.put(key, body);
      },
      async close() {
        await arrivals.close();
        await store.close();
        await rm(root, { recursive: true, force: true });
      },
    };
  },
  { putWaitsForReader: false },
);

describe('listing reconciler', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  async function tempStore(): Promise<FsObjectStore> {
    const root = await mkdtemp(path.join(os.tmpdir(), 'promptly-reconciler-'));
    const store = await createFsObjectStore({ root, bucket: 'raw', durable: false });
    cleanup.push(async () => {
      await store.close();
      await rm(root, { recursive: true, force: true });
    });
    return store;
  }

  function reconciler(options: Parameters<typeof createListingReconciler>[0]): ListingReconciler {
    const r = createListingReconciler(options);
    cleanup.push(() => r.close());
    return r;
  }

  /** Waits (generously) for `n` completed passes. */
  function passes(n: number): {
    onPass: (p: ReconcilePass) => void;
    done: Promise<ReconcilePass[]>;
  } {
    const seen: ReconcilePass[] = [];
    let resolve!: (p: ReconcilePass[]) => void;
    const done = new Promise<ReconcilePass[]>((r) => (resolve = r));
    return {
      onPass: (p) => {
        seen.push(p);
        if (seen.length === n) resolve(seen);
      },
      done,
    };
  }

  async function drain(r: ListingReconciler, n: number): Promise<ArrivalRecord[]> {
    const out: ArrivalRecord[] = [];
    if (n === 0) return out;
    for await (const notice of r.notices()) {
      out.push(...notice.Records);
      if (out.length >= n) break;
    }
    return out;
  }

  it('finds on its first pass the objects that landed before it started, marked as its own', async () => {
    const store = await tempStore();
    await store.put('LATISS/0/g1/0/a.fits', new Uint8Array([1, 2, 3]));
    await store.put('other/b.fits', new Uint8Array([4]));
    const r = reconciler({ store, prefixes: ['LATISS/'], intervalMs: 3_600_000 });
    const [record] = await drain(r, 1);
    expect(record).toMatchObject({
      eventSource: RECONCILER_EVENT_SOURCE,
      eventName: 'ObjectCreated:Put',
      s3: { bucket: { name: 'raw' }, object: { key: 'LATISS/0/g1/0/a.fits', size: 3 } },
    });
    expect(record!.s3.object.sequencer).toMatch(/^[0-9A-F]{16}$/);
  });

  it('announces an object once, and again only when its bytes change', async () => {
    const store = await tempStore();
    await store.put('k/a.fits', new Uint8Array([1]));
    const p = passes(3);
    const r = reconciler({ store, intervalMs: 1_000, onPass: p.onPass });
    const sub = r.notices();
    const it = sub[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.done).toBe(false);
    const second = it.next(); // hands the first on, waits for more
    await store.put('k/a.fits', new Uint8Array([2]));
    const next = await second;
    expect(next.done).toBe(false);
    if (!next.done) expect(next.value.Records[0]!.s3.object.key).toBe('k/a.fits');
    const done = await p.done;
    expect(done.map((x) => x.emitted).reduce((a, b) => a + b)).toBe(2);
    await sub.close();
  });

  it('neither announces nor remembers objects older than the lookback, nor older than sinceMs', async () => {
    const store = await tempStore();
    await store.put('k/old.fits', new Uint8Array([1]));
    await store.put('k/new.fits', new Uint8Array([2]));
    await store.put('k/before-mark.fits', new Uint8Array([3]));
    const longAgo = new Date(Date.now() - 3 * 3_600_000);
    await utimes(path.join(store.root, 'k/old.fits'), longAgo, longAgo);
    const beforeMark = new Date(Date.now() - 600_000);
    await utimes(path.join(store.root, 'k/before-mark.fits'), beforeMark, beforeMark);
    const p = passes(1);
    const r = reconciler({
      store,
      intervalMs: 1_000,
      lookbackMs: 3_600_000,
      sinceMs: Date.now() - 60_000,
      onPass: p.onPass,
    });
    const [record] = await drain(r, 1);
    expect(record!.s3.object.key).toBe('k/new.fits');
    expect(await p.done).toEqual([
      expect.objectContaining({ listed: 1, emitted: 1, remembered: 1 }),
    ]);
  });

  it('starts a pass at once when asked, instead of after the interval', async () => {
    const store = await tempStore();
    const p = passes(1);
    const r = reconciler({ store, intervalMs: 3_600_000, onPass: p.onPass });
    await p.done;
    await store.put('k/now.fits', new Uint8Array([1]));
    r.reconcileNow();
    expect((await drain(r, 1))[0]!.s3.object.key).toBe('k/now.fits');
  });

  it.each([
    ['an interval under a second', { intervalMs: 999 }],
    ['an interval over an hour', { intervalMs: 3_600_001 }],
    ['a lookback shorter than two intervals', { intervalMs: 1_000, lookbackMs: 1_999 }],
  ])('refuses %s with PROMPTLY_E_CONFIG_INVALID', async (_what, bad) => {
    const store = await tempStore();
    let caught: unknown;
    try {
      reconciler({ store, ...bad });
    } catch (err) {
      caught = err;
    }
    expect(isPromptlyError(caught, 'PROMPTLY_E_CONFIG_INVALID')).toBe(true);
  });
});
