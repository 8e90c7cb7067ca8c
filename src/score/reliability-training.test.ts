import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRepo } from '../cli/backends.js';
import { reliabilityTrainCommand } from '../cli/reliability-command.js';
import { diaSrcFits, type DiaSources } from '../pipeline/tasks/dia-src-fits.js';
import { diaStamps } from '../pipeline/tasks/dia-stamps.js';
import { imageFrom } from '../science/index.js';
import { parseReliabilityModel } from '../science/reliability/index.js';
import { makeGauss, makeRng } from '../science/testing/synth.js';
import type { SnapTruth } from '../sim/detector-scene.js';
import { plannedVisit } from '../sim/night-plan.js';
import { TruthCollector } from '../sim/truth-files.js';
import { makeTanWcs, pixToSky } from '../wcs/index.js';
import { LABEL, readLabelledRun } from './labelled-sources.js';
import { splitPosition, trainReliability } from './reliability-training.js';

const SIZE = 200;
const SIGMA = 1.8;
const VISITS = 14;
const RUN = 'LATISS/prompt/output-20261121';

type Kind = 'real' | 'dipole' | 'column' | 'cosmic';

/**
 * A run on disk as `up` leaves it: per visit-detector a `diaSrc` with stamps and PSFSIGMA in
 * the central repo and a truth file. Each holds 4 transients (PSF-like, in the truth, S/N 10
 * to 80) and 4 artefacts where the truth has nothing (2 dipoles, a bad column, a cosmic ray).
 */
async function writeFixture(dir: string): Promise<void> {
  const central = await openRepo(path.join(dir, 'central'), { kind: 'sqlite' }, false);
  const truth = new TruthCollector();
  const gauss = makeGauss(makeRng(7));
  try {
    for (let v = 0; v < VISITS; v++) {
      const visit = plannedVisit(
        {
          instrument: 'LATISS',
          firstStartMs: Date.UTC(2026, 10, 21, 3),
          visits: VISITS,
          cadenceS: 40,
          exposureTimeS: 15,
          snaps: 1,
          readoutS: 2,
          bands: ['r'],
          survey: 'TEST',
          seed: 3,
        },
        v,
      );
      const wcs = makeTanWcs({
        crval: [visit.ra, visit.dec],
        crpix: [99.5, 99.5],
        scaleArcsecPerPx: 0.2,
        rotationDeg: 0,
      });
      const kinds: Kind[] = [
        'real',
        'real',
        'real',
        'real',
        'dipole',
        'dipole',
        'column',
        'cosmic',
      ];
      const x = Float64Array.from(kinds, (_, k) => 25 + 20 * k + (v % 3));
      const y = Float64Array.from(kinds, (_, k) => 30 + 17 * ((k * 5 + v) % 9));
      const flux = Float64Array.from(kinds, (_, k) => 600 + 500 * ((k + v) % 8));
      const noise = 6;
      const sky = 150;
      const diff = new Float32Array(SIZE * SIZE).map(() => noise * gauss());
      const sci = new Float32Array(SIZE * SIZE).map(() => sky + noise * gauss());
      const tpl = new Float32Array(SIZE * SIZE).map(() => sky + 2 * gauss());
      const psf = (img: Float32Array, cx: number, cy: number, f: number) => {
        for (let j = Math.floor(cy - 8); j <= cy + 8; j++)
          for (let i = Math.floor(cx - 8); i <= cx + 8; i++)
            img[j * SIZE + i]! +=
              (f / (2 * Math.PI * SIGMA ** 2)) *
              Math.exp(-((i - cx) ** 2 + (j - cy) ** 2) / (2 * SIGMA ** 2));
      };
      kinds.forEach((kind, k) => {
        const cx = x[k]!;
        const cy = y[k]!;
        if (kind === 'real') {
          psf(diff, cx, cy, flux[k]!);
          psf(sci, cx, cy, flux[k]!);
        } else if (kind === 'dipole') {
          psf(diff, cx, cy, flux[k]!);
          psf(diff, cx - 1.5, cy, -flux[k]!);
          psf(sci, cx, cy, flux[k]!);
          psf(tpl, cx - 1.5, cy, flux[k]!);
        } else if (kind === 'column') {
          for (let j = 0; j < SIZE; j++) {
            diff[j * SIZE + Math.round(cx)]! += 60;
            sci[j * SIZE + Math.round(cx)]! += 60;
          }
        } else {
          diff[Math.round(cy) * SIZE + Math.round(cx)]! += flux[k]! / 3;
          sci[Math.round(cy) * SIZE + Math.round(cx)]! += flux[k]! / 3;
        }
      });
      const sky2 = pixToSky(wcs, x, y);
      const n = kinds.length;
      const sources: DiaSources = {
        length: n,
        x,
        y,
        ra: sky2.ra,
        dec: sky2.dec,
        apFlux: flux,
        apFluxErr: flux.map(() => 40),
        snr: flux.map((f) => f / 40),
        isNegative: new Uint8Array(n),
        a: Float64Array.from(kinds, (k) =>
          k === 'real' ? SIGMA : k === 'dipole' ? 2.8 : k === 'column' ? 6 : 0.6,
        ),
        b: Float64Array.from(kinds, (k) =>
          k === 'real' ? SIGMA : k === 'dipole' ? 1.7 : k === 'column' ? 0.6 : 0.5,
        ),
        theta: new Float64Array(n),
        flags: new Int32Array(n),
      };
      const stamps = diaStamps(sources, {
        difference: imageFrom(SIZE, SIZE, diff),
        science: imageFrom(SIZE, SIZE, sci),
        template: imageFrom(SIZE, SIZE, tpl),
      });
      truth.add(visit, 0, {
        sources: kinds.flatMap((kind, k) =>
          kind === 'real'
            ? [
                {
                  kind: 'new',
                  id: `new-${v}-${k}`,
                  ra: sky2.ra[k]!,
                  dec: sky2.dec[k]!,
                  x: x[k]!,
                  y: y[k]!,
                  mag: 24,
                  fluxE: flux[k]!,
                  mjd: 61000,
                },
              ]
            : [],
        ),
      } as unknown as SnapTruth);
      const bytes = await diaSrcFits({
        sources,
        wcs,
        stamps,
        width: SIZE,
        height: SIZE,
        cards: [['PSFSIGMA', SIGMA]],
      });
      await central.put(
        'diaSrc',
        { instrument: 'LATISS', detector: 0, group: visit.groupId },
        RUN,
        bytes,
      );
    }
    await truth.write(dir, 'LATISS');
  } finally {
    await central.close();
  }
}

describe('training the reliability model on a labelled run', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'promptly-reliability-'));
    await writeFixture(dir);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('labels the matched transients real and the artefacts bogus', async () => {
    const central = await openRepo(path.join(dir, 'central'), { kind: 'sqlite' }, false);
    try {
      const run = await readLabelledRun({ central, truthDir: dir });
      expect(run.visitDetectors).toHaveLength(VISITS);
      expect(run.skippedNoStamps + run.skippedNoTruth).toBe(0);
      for (const v of run.visitDetectors) {
        expect(Array.from(v.labels)).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
        expect(v.features).toHaveLength(8);
      }
      // the split is by visit-detector and the same every time
      const trained = trainReliability(run.visitDetectors, { testFraction: 0.3 });
      const test = run.visitDetectors.filter((v) => splitPosition(v.key) < 0.3).length;
      expect(trained.model.training.visitDetectors).toEqual({ train: VISITS - test, test });
      expect(trained.model.training.sources.ambiguous).toBe(0);
      expect(trained).toEqual(trainReliability(run.visitDetectors, { testFraction: 0.3 }));
      expect(LABEL.real).toBe(1);
    } finally {
      await central.close();
    }
  });

  it('trains from the command, reports held-out numbers and writes a model that loads', async () => {
    const out = path.join(dir, 'model.json');
    const trained = await reliabilityTrainCommand({
      workDir: [dir],
      out,
      testFraction: '0.3',
      dataCommand: ['promptly up -c train.yaml -i LATISS -n 14'],
      commandLine: 'promptly reliability train --work-dir D --out model.json',
    });
    const h = trained.heldOut;
    expect(h.rocAuc).toBeGreaterThan(0.95);
    expect(h.purity).toBeGreaterThan(0.9);
    expect(h.completeness).toBeGreaterThan(0.9);
    // as the truth score counts: 4 artefacts per visit-detector before the cut, few after
    expect(h.falsePerVisitDetectorBefore).toBe(4);
    expect(h.falsePerVisitDetector).toBeLessThan(1);
    expect(h.completenessSnr10).toBeGreaterThan(0.9);
    const model = parseReliabilityModel(JSON.parse(await readFile(out, 'utf8')));
    expect(model).toEqual(trained.model);
    expect(model.training.commands).toEqual([
      'promptly up -c train.yaml -i LATISS -n 14',
      'promptly reliability train --work-dir D --out model.json',
    ]);
  });
});
