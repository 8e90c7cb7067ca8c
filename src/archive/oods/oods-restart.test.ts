import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { baseFixture, type BaseFixture } from '../testing/base-fixture.js';
import { testRaw } from '../testing/test-raw.js';
import { oodsRun } from './oods.js';

let f: BaseFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

describe('OODS start-up scan', () => {
  it('ingests what was staged while it was down and registers a file it moved but never registered', async () => {
    f = await baseFixture();
    const staged = 'CC_O_20261203_000021_R22_S11';
    const moved = 'CC_O_20261203_000022_R22_S11';
    await mkdir(join(f.layout.oodsStaging, 'ComCam'), { recursive: true });
    await writeFile(
      join(f.layout.oodsStaging, 'ComCam', `${staged}.fits`),
      await testRaw('LSSTComCam', 'CC_O_20261203_000021', 21),
    );
    const key = `raw/LSSTComCam/20261203/${moved}.fits`;
    await mkdir(dirname(join(f.layout.oodsDatastore, key)), { recursive: true });
    await writeFile(
      join(f.layout.oodsDatastore, key),
      await testRaw('LSSTComCam', 'CC_O_20261203_000022', 22),
    );

    await f.start();
    const refs = await f.oodsRepo.registry.queryDatasets('raw', {
      collections: [oodsRun('LSSTComCam')],
    });
    expect(refs.map((r) => r.uri).sort()).toEqual(
      [`raw/LSSTComCam/20261203/${staged}.fits`, key].sort(),
    );
    expect(refs.find((r) => r.uri === key)?.dataId).toMatchObject({ detector: 4, snap: 0 });
    expect(await f.event('ingested', staged)).toMatchObject({
      status: 'ingested',
      origin: 'ComCam',
    });
  });
});
