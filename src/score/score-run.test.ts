import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRepo } from '../cli/backends.js';
import { diaSrcFits } from '../pipeline/tasks/dia-src-fits.js';
import type { Repo } from '../registry/repo.js';
import type { SnapTruth } from '../sim/detector-scene.js';
import { plannedVisit } from '../sim/night-plan.js';
import { TruthCollector } from '../sim/truth-files.js';
import { makeTanWcs, pixToSky } from '../wcs/index.js';
import { scoreRun } from './score-run.js';

describe('scoring a run from the central repo and the truth files', () => {
  let dir: string;
  let central: Repo;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'promptly-score-'));
    central = await openRepo(path.join(dir, 'central'), { kind: 'sqlite' }, false);
  });
  afterEach(async () => {
    await central.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("matches each exported diaSrc with its visit-detector's truth, and skips what has none", async () => {
    const visit = plannedVisit(
      {
        instrument: 'LATISS',
        firstStartMs: Date.UTC(2026, 10, 21, 3),
        visits: 2,
        cadenceS: 40,
        exposureTimeS: 15,
        snaps: 1,
        readoutS: 2,
        bands: ['r'],
        survey: 'TEST',
        seed: 3,
      },
      0,
    );
    const wcs = makeTanWcs({
      crval: [visit.ra, visit.dec],
      crpix: [99.5, 99.5],
      scaleArcsecPerPx: 0.2,
      rotationDeg: 0,
    });
    // two transients; the DIA sources find the first, 0.1 px off, and one where nothing changed
    const tx = [30, 120];
    const ty = [40, 150];
    const t = pixToSky(wcs, Float64Array.from(tx), Float64Array.from(ty));
    const snap = {
      sources: tx.map((x, k) => ({
        kind: 'new',
        id: `new-${k}`,
        ra: t.ra[k]!,
        dec: t.dec[k]!,
        x,
        y: ty[k]!,
        mag: 21,
        fluxE: 5000,
        mjd: 61000,
      })),
    } as unknown as SnapTruth;
    const truth = new TruthCollector();
    truth.add(visit, 0, snap);
    await truth.write(dir, 'LATISS');

    const x = Float64Array.of(30.1, 180);
    const y = Float64Array.of(40, 20);
    const sky = pixToSky(wcs, x, y);
    const n = 2;
    const bytes = await diaSrcFits({
      sources: {
        length: n,
        x,
        y,
        ra: sky.ra,
        dec: sky.dec,
        apFlux: Float64Array.of(4800, 900),
        apFluxErr: Float64Array.of(100, 100),
        snr: Float64Array.of(48, 9),
        isNegative: new Uint8Array(n),
        a: new Float64Array(n).fill(1),
        b: new Float64Array(n).fill(1),
        theta: new Float64Array(n),
        flags: new Int32Array(n),
      },
      wcs,
      width: 200,
      height: 200,
      cards: [],
    });
    const run = 'LATISS/prompt/output-20261121';
    await central.put(
      'diaSrc',
      { instrument: 'LATISS', detector: 0, group: visit.groupId },
      run,
      bytes,
    );
    // a visit-detector with DIA sources but no truth is not scored
    await central.put('diaSrc', { instrument: 'LATISS', detector: 0, group: 'other' }, run, bytes);

    const score = await scoreRun({ central, instrument: 'LATISS', truthDir: dir });
    expect(score).toMatchObject({ visitDetectors: 1, transients: 2, found: 1 });
    expect(score?.falsePerVisitDetector).toBe(1);
    expect(score?.medianOffsetPx).toBeCloseTo(0.1, 6);
    expect(score?.medianOffsetMas).toBeCloseTo(20, 3); // 0.1 px of 0.2″
    expect(score?.photometricBiasMag).toBeCloseTo(-2.5 * Math.log10(4800 / 5000), 6);
    expect(score?.completenessSnr10).toBe(0.5);

    expect(await scoreRun({ central, instrument: 'LSSTCam', truthDir: dir })).toBeUndefined();
  });
});
