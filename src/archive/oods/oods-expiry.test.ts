import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OodsPins } from './oods-pins.js';
import { oodsRun } from './oods.js';
import { baseFixture, type BaseFixture } from '../testing/base-fixture.js';
import { testRaw } from '../testing/test-raw.js';

let f: BaseFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

const DAY_MS = 86_400_000;

describe('OODS expiry', () => {
  it('removes only unpinned files past the age; pinned ones and open visits stay', async () => {
    f = await baseFixture({ archive: { oodsMaxAgeMs: 2 * DAY_MS } });
    const open = new Set<string>();
    const base = await f.start({ openGroups: () => Promise.resolve(open) });
    const names = ['000001', '000002', '000003', '000004'].map((s) => `CC_O_20261203_${s}_R22_S11`);
    for (const [i, name] of names.entries()) {
      await f.complete(name, await testRaw('LSSTComCam', name.slice(0, 20), i + 1));
      await f.event('ingested', name);
    }
    const [oldFree, oldPinned, oldOpen, young] = names as [string, string, string, string];
    const age = async (name: string, days: number): Promise<void> => {
      const t = (Date.now() - days * DAY_MS) / 1000;
      await utimes(join(f!.layout.oodsDatastore, 'raw/LSSTComCam/20261203', `${name}.fits`), t, t);
    };
    await age(oldFree, 3);
    await age(oldPinned, 3);
    await age(oldOpen, 3);
    await age(young, 1);
    await new OodsPins(f.layout.oodsPins).pin(
      oldPinned,
      'night-ops',
      'keep for the ticket',
      f.clock.now(),
    );
    open.add(`group-${oldOpen.slice(0, 20)}`);

    const listed = await base.oods.list();
    expect(listed.find((x) => x.image === oldPinned)?.pinned).toBe(
      'by night-ops: keep for the ticket',
    );
    expect(listed.find((x) => x.image === oldOpen)?.pinned).toBe('open visit');

    expect((await base.oods.expire(true)).map((x) => x.image)).toEqual([oldFree]);
    expect((await base.oods.list()).length).toBe(4); // a dry run removes nothing
    expect((await base.oods.expire()).map((x) => x.image)).toEqual([oldFree]);
    const left = await f.oodsRepo.registry.queryDatasets('raw', {
      collections: [oodsRun('LSSTComCam')],
    });
    expect(left.map((r) => r.uri.split('/').pop()).sort()).toEqual(
      [oldPinned, oldOpen, young].map((n) => `${n}.fits`).sort(),
    );
    expect(
      await f.oodsRepo.datastore.head(`raw/LSSTComCam/20261203/${oldFree}.fits`),
    ).toBeUndefined();

    // unpinned and its visit closed, the next expiry takes them
    expect(await new OodsPins(f.layout.oodsPins).unpin(oldPinned)).toBe(true);
    open.clear();
    expect((await base.oods.expire()).map((x) => x.image).sort()).toEqual(
      [oldPinned, oldOpen].sort(),
    );
    // the DBB keeps everything: expiry is the OODS's alone
    for (const n of names) expect(await f.event('archived', n)).toBeDefined();
  });
});
