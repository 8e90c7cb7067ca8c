import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../files/durable-file.js';
import { baseFixture, type BaseFixture } from '../testing/base-fixture.js';
import { testRaw } from '../testing/test-raw.js';
import type { ObjectStore } from '../../store/object-store.js';
import { readReceipt } from './dbb-receipt.js';

let f: BaseFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

describe('Data Backbone audit', () => {
  it('detects a corrupted copy by its checksum and repairs it from the source', async () => {
    f = await baseFixture();
    const base = await f.start();
    const name = 'CC_O_20261203_000042_R22_S11';
    const bytes = await testRaw('LSSTComCam', 'CC_O_20261203_000042', 42);
    await f.complete(name, bytes);
    await f.event('archived', name);
    await f.event('ingested', name);
    const receipt = (await readReceipt(f.dbbStore, 'LSSTComCam', name))!;
    expect(receipt.sha256).toBe(sha256Hex(bytes));
    expect(await base.dbb.audit()).toEqual({ checked: 1, repaired: [], unrepairable: [] });

    // a bit flips in long-term storage
    const stored = join(f.layout.dbbStore, receipt.key);
    const bad = new Uint8Array(bytes);
    bad[bad.length - 100]! ^= 0x10;
    await writeFile(stored, bad);
    expect(sha256Hex(await f.dbbStore.get(receipt.key))).not.toBe(receipt.sha256);

    expect(await base.dbb.audit()).toEqual({ checked: 1, repaired: [name], unrepairable: [] });
    expect(sha256Hex(await f.dbbStore.get(receipt.key))).toBe(receipt.sha256);
    expect((await f.event('repaired', name)).repaired).toBe(true);

    // with the OODS's copy gone too, the damage is reported, not hidden
    await rm(join(f.layout.oodsDatastore, receipt.key));
    await writeFile(stored, bad);
    expect(await base.dbb.audit()).toEqual({ checked: 1, repaired: [], unrepairable: [name] });
  });

  it('retries a copy that reads back wrong, then archives it', async () => {
    f = await baseFixture();
    let failures = 1;
    const real = f.dbbStore;
    // the first read-back of the copy comes back short (a torn transfer)
    const flaky: ObjectStore = {
      bucket: real.bucket,
      put: (k, b, o) => real.put(k, b, o),
      get: async (key, o) => {
        const b = await real.get(key, o);
        return key.startsWith('raw/') && failures-- > 0 ? b.subarray(1) : b;
      },
      getRange: (k, s, e, o) => real.getRange(k, s, e, o),
      head: (k, o) => real.head(k, o),
      list: (p, o) => real.list(p, o),
      delete: (k, o) => real.delete(k, o),
      move: (a, b, o) => real.move(a, b, o),
      close: () => Promise.resolve(),
    };
    const { startBaseArchive } = await import('../base-archive.js');
    f.base = await startBaseArchive({
      config: f.config,
      bus: f.bus,
      clock: f.clock,
      oodsRepo: f.oodsRepo,
      dbbStore: flaky,
    });
    const name = 'CC_O_20261203_000043_R22_S11';
    await f.complete(name, await testRaw('LSSTComCam', 'CC_O_20261203_000043', 43));
    const archived = await f.event('archived', name);
    expect(archived.attempts).toBe(2);
  });
});
