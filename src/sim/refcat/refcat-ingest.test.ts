import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.js';
import { activeDetectors, getInstrument } from '../../core/instruments.js';
import { isPromptlyError } from '../../core/errors.js';
import { ALL_DATASET_TYPES, DATASET_TYPES, collections } from '../../registry/dataset-types.js';
import { createRepo, type Repo } from '../../registry/repo.js';
import { createSqliteRegistry } from '../../registry/sqlite/sqlite-registry.js';
import { createFsObjectStore } from '../../store/fs/fs-object-store.js';
import { footprint } from '../../wcs/index.js';
import { imageFits } from '../../fits/index.js';
import { SimCamera } from '../sim-camera.js';
import { simCameraOptions, simPlanOptions } from '../sim-options.js';
import { htmId } from './htm.js';
import { readRefcatShard } from './refcat-fits.js';
import {
  ensureRefcat,
  refcatPlanVisits,
  refcatShardBytes,
  shardsForVisits,
  writeRefcatShards,
} from './refcat-ingest.js';
import { shardsForPolygon } from './shard-region.js';

const roots: string[] = [];
const repos: Repo[] = [];
afterEach(async () => {
  await Promise.all(repos.splice(0).map((r) => r.close()));
});
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

async function makeRepo(): Promise<Repo> {
  const root = mkdtempSync(join(tmpdir(), 'promptly-refcat-repo-'));
  roots.push(root);
  const datastore = await createFsObjectStore({ root, bucket: 'repo', durable: false });
  const registry = await createSqliteRegistry({ filename: ':memory:' });
  for (const t of ALL_DATASET_TYPES) await registry.registerDatasetType(t);
  const repo = createRepo({ registry, datastore });
  repos.push(repo);
  return repo;
}

const SKY = { seed: 11, densityPerDeg2: 20_000, magLimit: 24 };

describe('refcat shards in a repo', () => {
  it('are the same bytes for the same seed and other bytes for another seed', async () => {
    const shard = htmId(7, 210.5, -12.25);
    const a = await refcatShardBytes(SKY, shard);
    const b = await refcatShardBytes({ ...SKY }, shard);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const c = await refcatShardBytes({ ...SKY, seed: 12 }, shard);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
  });

  it('are put once as dataset refcat {instrument, htm7} and read back whole', async () => {
    const repo = await makeRepo();
    const shards = [htmId(7, 150, -30), htmId(7, 151.5, -30)];
    expect(shards[0]).not.toBe(shards[1]);
    const first = await writeRefcatShards(repo, { instrument: 'LSSTComCam', sky: SKY, shards });
    expect(first).toMatchObject({ built: 2, present: 0 });
    const again = await writeRefcatShards(repo, { instrument: 'LSSTComCam', sky: SKY, shards });
    expect(again).toMatchObject({ built: 0, present: 2 });
    const forced = await writeRefcatShards(repo, {
      instrument: 'LSSTComCam',
      sky: SKY,
      shards,
      skipPresent: false,
    });
    expect(forced.refs.map((r) => r.id)).toEqual(first.refs.map((r) => r.id));

    const ref = await repo.find(
      DATASET_TYPES.refcat.name,
      { instrument: 'LSSTComCam', htm7: shards[0]! },
      [collections.refcats('LSSTComCam')],
    );
    expect(ref?.uri).toMatch(/refcat_LSSTComCam_\d+\.fits$/);
    const rows = await readRefcatShard(await repo.get(ref!));
    expect(rows.shard).toBe(shards[0]);
    expect(rows.length).toBeGreaterThan(100);
    for (let k = 0; k < rows.length; k++)
      expect(htmId(7, rows.ra[k]!, rows.dec[k]!)).toBe(rows.shard);
  });

  it('refuses bytes that are not a refcat shard with PROMPTLY_E_REFCAT_INVALID', async () => {
    const image = await imageFits(new Float32Array(4), 2, 2, [['OBSTYPE', 'BIAS']]);
    const err = await readRefcatShard(image).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isPromptlyError(err, 'PROMPTLY_E_REFCAT_INVALID')).toBe(true);
  });
});

describe('the summit refcat step', () => {
  const sim = loadConfig({ overrides: { sim: { visits: 3, scale: 0.05, seed: 5 } } }).sim;
  const instrument = getInstrument('LSSTComCam');
  const detectors = activeDetectors(instrument, ['science']).map((d) => d.id);
  const camera = new SimCamera(simCameraOptions(instrument.name, sim));
  const plan = simPlanOptions(instrument.name, sim);

  it("writes the shards under every detector of the night's visits once, and nothing on a second run", async () => {
    const repo = await makeRepo();
    const options = {
      central: repo,
      instrument: instrument.name,
      sky: camera.sky,
      camera,
      plan,
      detectors,
    };
    const first = await ensureRefcat(options);
    expect(first.shards).toBeGreaterThan(0);
    expect(first.written).toBe(first.shards);
    expect(await ensureRefcat(options)).toEqual({ visits: 3, shards: first.shards, written: 0 });

    // Every detector footprint's shards are in the repo.
    const run = [collections.refcats(instrument.name)];
    for (const v of refcatPlanVisits(plan))
      for (const d of detectors) {
        const g = camera.focalPlane.placement(d).geometry;
        const fp = footprint(camera.wcs(v, d), g.width, g.height);
        const corners = [...fp.ra].map((ra, k) => ({ ra, dec: fp.dec[k]! }));
        for (const s of shardsForPolygon(corners)) {
          const ref = await repo.find(
            DATASET_TYPES.refcat.name,
            { instrument: instrument.name, htm7: s },
            run,
          );
          expect(ref, `visit ${v.index} detector ${d} shard ${s}`).toBeDefined();
        }
      }
  });

  it('takes only the shards near the pointings', () => {
    const visits = refcatPlanVisits(plan);
    const shards = shardsForVisits(camera, visits, detectors);
    const fields = new Set(visits.map((v) => `${v.ra},${v.dec}`)).size;
    // A 0.05-scale ComCam field is ~2′ across: a few level-7 trixels per field at most.
    expect(shards.length).toBeLessThanOrEqual(4 * fields);
  });
});
