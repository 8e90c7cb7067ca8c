import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ALL_DATASET_TYPES, DATASET_TYPES, collections } from '../registry/dataset-types.js';
import { createRepo, type Repo } from '../registry/repo.js';
import { createSqliteRegistry } from '../registry/sqlite/sqlite-registry.js';
import { createFsObjectStore } from '../store/fs/fs-object-store.js';
import { checkSkyMapSpec, SkyMap } from '../wcs/index.js';
import { plannedVisit, type NightPlanOptions } from './night-plan.js';
import { SimCamera } from './sim-camera.js';
import { ensureTemplates } from './template-ingest.js';

const roots: string[] = [];
const repos: Repo[] = [];
afterEach(async () => {
  await Promise.all(repos.splice(0).map((r) => r.close()));
});
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

async function makeRepo(): Promise<Repo> {
  const root = mkdtempSync(join(tmpdir(), 'promptly-template-repo-'));
  roots.push(root);
  const datastore = await createFsObjectStore({ root, bucket: 'repo', durable: false });
  const registry = await createSqliteRegistry({ filename: ':memory:' });
  for (const t of ALL_DATASET_TYPES) await registry.registerDatasetType(t);
  const repo = createRepo({ registry, datastore });
  repos.push(repo);
  return repo;
}

const PLAN: NightPlanOptions = {
  instrument: 'LSSTComCam',
  firstStartMs: Date.UTC(2026, 10, 21, 3),
  visits: 3,
  cadenceS: 35,
  exposureTimeS: 15,
  snaps: 2,
  readoutS: 2,
  bands: ['g', 'r'],
  survey: 'TEST',
  seed: 5,
};

describe('templates the summit writes before the night', () => {
  it('covers every detector of the first visits with templates of their bands, once', async () => {
    const camera = new SimCamera({
      instrument: 'LSSTComCam',
      seed: 5,
      scale: 0.05,
      starDensityPerDeg2: 1_000,
      magLimit: 22,
      transientsPerDetector: 0,
      cosmicRatePerCm2S: 0,
    });
    const central = await makeRepo();
    const detectors = [0, 4, 8];
    const options = {
      central,
      instrument: 'LSSTComCam',
      sky: camera.sky,
      camera,
      plan: PLAN,
      detectors,
      // two input visits per coadd: this test is about which templates, not how they are made
      coadd: { visits: 2, seeingArcsec: 0.6 },
    };
    const first = await ensureTemplates(options);
    expect(first.visits).toBe(3);
    expect(first.rendered).toBe(first.templates);
    expect(first.templates).toBeGreaterThan(0);
    // the pipeline's way to them: the sky map, then the patches under each detector's header WCS
    const run = collections.templates('LSSTComCam');
    const specRef = await central.find(DATASET_TYPES.skyMap.name, { instrument: 'LSSTComCam' }, [
      run,
    ]);
    expect(specRef).toBeDefined();
    const skyMap = new SkyMap(
      checkSkyMapSpec(JSON.parse(new TextDecoder().decode(await central.get(specRef!)))),
    );
    for (let i = 0; i < 3; i++) {
      const visit = plannedVisit(PLAN, i);
      for (const d of detectors) {
        const g = camera.focalPlane.placement(d).geometry;
        for (const p of skyMap.patchesForImage(camera.headerWcs(visit, d), g.width, g.height)) {
          const id = { instrument: 'LSSTComCam', band: visit.band, patch: p.id };
          expect(await central.find(DATASET_TYPES.template.name, id, [run])).toBeDefined();
        }
      }
    }
    // a second summit start renders nothing new
    const again = await ensureTemplates(options);
    expect(again.rendered).toBe(0);
    expect(again.templates).toBe(first.templates);
  }, 120_000);
});
