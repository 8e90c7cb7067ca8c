import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../../core/errors.js';
import { createFsObjectStore } from '../../store/fs/fs-object-store.js';
import { runArrivalsConformance } from '../testing/arrivals-conformance.js';
import { createFsArrivals } from './fs-arrivals.js';

runArrivalsConformance(
  'fs store notices',
  async ({ capacity }) => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'promptly-fs-arrivals-'));
    const arrivals = createFsArrivals({ capacity });
    const bucket = `raw-${path.basename(root)}`;
    const store = await createFsObjectStore({
      root,
      bucket,
      durable: false,
      onNotice: arrivals.sink,
    });
    return {
      arrivals,
      bucket,
      putWaitsForReader: true,
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
  { putWaitsForReader: true },
);

describe('fs arrivals', () => {
  it('makes a put wait until its notice is handed on when asked to, and reject if closed first', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'promptly-fs-arrivals-'));
    const arrivals = createFsArrivals({ awaitHandedOn: true });
    const store = await createFsObjectStore({
      root,
      bucket: 'raw',
      durable: false,
      onNotice: arrivals.sink,
    });
    try {
      const sub = arrivals.notices();
      const it = sub[Symbol.asyncIterator]();
      let resolved = false;
      const put = store.put('a/b.fits', new Uint8Array([1, 2, 3])).then(() => (resolved = true));
      const first = await it.next();
      expect(first.done).toBe(false);
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
      expect(resolved).toBe(false); // taken, but the reader has not asked for the next yet
      const second = it.next(); // hands the first on
      await put;
      expect(resolved).toBe(true);

      const orphan = store.put('a/c.fits', new Uint8Array([4]));
      // `second` takes the notice of a/c.fits; closing before asking again hands it on…
      expect((await second).done).toBe(false);
      await sub.close();
      await orphan;
      // …while a notice nobody took when the arrivals close makes its put reject.
      const lost = store.put('a/d.fits', new Uint8Array([5])).then(
        () => undefined,
        (err: unknown) => err,
      );
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
      await arrivals.close();
      expect(isPromptlyError(await lost, 'PROMPTLY_E_ARRIVALS_CLOSED')).toBe(true);
    } finally {
      await arrivals.close();
      await store.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
