import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CoordSys, Dome, RotSys } from '../../core/next-visit.js';
import { imageFits } from '../../fits/index.js';
import type { SnapTruth } from '../../sim/detector-scene.js';
import { plannedVisit } from '../../sim/night-plan.js';
import { SimCamera } from '../../sim/sim-camera.js';
import {
  patchesForImage,
  renderTemplate,
  templateFits,
  templateGrid,
} from '../../sim/templates.js';
import type { TruthSource } from '../../sim/transients.js';
import { HandOffs } from '../hand-off.js';
import type { TaskContext } from '../task.js';
import { DIA_SOURCES, detectDiaTask, type DiaSources } from './detect-dia-task.js';
import { readDiaSrc } from './dia-src-fits.js';
import { loadReliabilityModel } from './reliability-model-file.js';
import { scoreReliability } from '../../science/reliability/index.js';
import { isrTask } from './isr-task.js';
import { formatNightScore, scoreNight, scoreVisitDetector } from '../../score/score-dia.js';
import { truthTracks } from '../../score/match-truth.js';
import { SCIENCE_WCS } from './science-wcs.js';
import { DIFFERENCE, subtractTask } from './subtract-task.js';

/**
 * isr → subtract → detectDia on a simulated visit-detector with stars, galaxies, variable
 * stars, supernovae on their hosts and moving objects, against deep templates rendered from
 * the same sky: the score of difference imaging on data that is not kind to it. The science
 * WCS is the true one, as a calibrate step would fit it (the header's is arcseconds off).
 */
const BAND = 'r';

describe('difference imaging of a simulated visit-detector', () => {
  let truth: SnapTruth;
  /** Each moving object's place in the second snap (it moves between snaps). */
  let secondSnap: Map<string, TruthSource>;
  let dia: DiaSources;
  let outputs: Map<string, Uint8Array>;

  beforeAll(async () => {
    const camera = new SimCamera({
      instrument: 'LATISS',
      seed: 11,
      scale: 0.25,
      starDensityPerDeg2: 150_000,
      magLimit: 23,
      galaxyMagLimit: 24,
      supernovaRatePerDeg2Yr: 60_000,
      transientsPerDetector: 3,
      cosmicRatePerCm2S: 0,
    });
    const visit = plannedVisit(
      {
        instrument: 'LATISS',
        firstStartMs: Date.UTC(2026, 10, 21, 3),
        visits: 1,
        cadenceS: 40,
        exposureTimeS: 15,
        snaps: 2,
        readoutS: 2,
        bands: [BAND],
        survey: 'TEST',
        seed: 11,
      },
      0,
    );
    const raws = [
      await camera.raw(visit, 0, 0, visit.startMs, 1),
      await camera.raw(visit, 0, 1, visit.startMs + 17_000, 2),
    ];
    truth = raws[0]!.truth;
    secondSnap = new Map(raws[1]!.truth.sources.map((t) => [t.id, t]));
    const model = camera.model(0);
    const g = camera.focalPlane.placement(0).geometry;
    const scale = camera.focalPlane.pixelScaleArcsec;
    const grid = templateGrid(Math.max(g.width, g.height), scale);
    const templates = new Map<number, Uint8Array>();
    for (const p of patchesForImage(grid, raws[0]!.wcs, g.width, g.height)) {
      templates.set(
        p.id,
        await templateFits('LATISS', BAND, p, renderTemplate(camera.sky, p, BAND, scale)),
      );
    }
    const inputs: Record<string, Uint8Array> = {
      bias: await imageFits(model.masterBiasE, g.width, g.height, []),
      dark: await imageFits(model.masterDark(), g.width, g.height, []),
      flat: await imageFits(model.flat(BAND), g.width, g.height, []),
      skyMap: new TextEncoder().encode(JSON.stringify(grid.spec)),
    };
    const handOffs = new HandOffs();
    handOffs.set(SCIENCE_WCS, raws[0]!.wcs);
    outputs = new Map();
    const context: TaskContext = {
      visit: {
        salIndex: 1,
        scriptSalIndex: 1,
        groupId: visit.groupId,
        coordinateSystem: CoordSys.ICRS,
        position: [visit.ra, visit.dec],
        startTime: 0,
        rotationSystem: RotSys.SKY,
        cameraAngle: 0,
        filters: visit.physicalFilter,
        dome: Dome.OPEN,
        duration: 32,
        nimages: 2,
        instrument: 'LATISS',
        survey: 'TEST',
        totalCheckpoints: 0,
        private_sndStamp: 0,
        detector: 0,
      },
      dataId: { instrument: 'LATISS', detector: 0, group: visit.groupId, band: BAND },
      snaps: raws.map((r, snap) => ({ snap, read: () => Promise.resolve(r.bytes) })),
      readInput: (type, asked) =>
        Promise.resolve(type === 'template' ? templates.get(asked?.patch ?? -1) : inputs[type]),
      writeOutput: (type, bytes) => {
        outputs.set(type, bytes);
        return Promise.resolve();
      },
      handOffs,
      workDir: () => Promise.resolve(mkdtempSync(path.join(os.tmpdir(), 'promptly-dia-'))),
      signal: new AbortController().signal,
      log: () => undefined,
    };
    await isrTask.run(context, isrTask.configSchema.parse({}));
    await subtractTask.run(context, subtractTask.configSchema.parse({}));
    await detectDiaTask.run(context, detectDiaTask.configSchema.parse({}));
    dia = handOffs.get(DIA_SOURCES)!;
    const q = handOffs.get(DIFFERENCE)!.quality;
    console.info(
      `difference: ${q.stampsUsed} stamps, residual rms ${q.residualRmsMedian.toFixed(2)}σ, kernel sum ${q.kernelSum.toFixed(3)}; ${dia.length} DIA sources`,
    );
  }, 600_000); // six input visits warped per template patch; slow on a loaded machine

  /** The truth score of this visit-detector (src/score: the one `up` and `score` report). */
  function score() {
    const tracks = truthTracks([truth.sources, [...secondSnap.values()]]);
    return { tracks, score: scoreVisitDetector(dia, tracks) };
  }

  it('finds the bright transients: supernovae on their hosts, new sources and moving objects', () => {
    const { score: s } = score();
    const bright = s.transients.filter((t) => t.kind !== 'variable' && t.mag < 22);
    const missed = bright.filter((t) => !t.found).map((t) => `${t.id} ${t.mag.toFixed(1)}`);
    console.info(
      `transients brighter than 22: ${bright.length - missed.length}/${bright.length} found; missed ${missed.join(', ')}`,
    );
    console.info(formatNightScore(scoreNight([s])));
    expect(bright.filter((t) => t.kind === 'supernova').length).toBeGreaterThan(0);
    expect((bright.length - missed.length) / bright.length).toBeGreaterThanOrEqual(0.9);
  });

  it('puts few DIA sources where the sky did not change', () => {
    // false: no truth source that differs from the template (transients, variables) under it
    const { score: s } = score();
    console.info(`DIA sources with no change under them: ${s.falseSources} of ${dia.length}`);
    expect(s.falseSources).toBeLessThan(Math.max(10, 0.2 * dia.length));
  });

  it('scores every source with the shipped reliability model, and the cut keeps the found transients', async () => {
    const catalog = await readDiaSrc(outputs.get('diaSrc')!);
    expect(catalog.psfSigmaPx).toBeGreaterThan(0.5);
    const reliability = catalog.sources.reliability!;
    expect(reliability).toHaveLength(dia.length);
    for (const r of reliability) expect(r >= 0 && r <= 1).toBe(true);
    // what training computes from the file is what the task computed from the frames
    const offline = scoreReliability(
      await loadReliabilityModel(),
      catalog.sources,
      catalog.stamps!,
      catalog.psfSigmaPx!,
    );
    expect(Array.from(offline)).toEqual(Array.from(reliability));
    const { score: s } = score();
    const cut = scoreVisitDetector(
      catalog.sources,
      truthTracks([truth.sources, [...secondSnap.values()]]),
    );
    const found = s.transients.filter((t) => t.found && t.expectedSnr >= 10);
    const kept = cut.transients.filter(
      (t) => t.found && t.expectedSnr >= 10 && t.reliability! >= 0.5,
    );
    console.info(
      `reliability ≥ 0.5 keeps ${kept.length}/${found.length} found transients at S/N ≥ 10 and ${cut.reliable!.falseKept}/${s.falseSources} false sources`,
    );
    expect(kept.length).toBeGreaterThanOrEqual(0.9 * found.length);
    expect(cut.reliable!.falseKept).toBeLessThanOrEqual(Math.max(2, 0.5 * s.falseSources));
  });

  it('writes the difference exposure and the DIA source table', () => {
    expect(outputs.get('differenceExp')?.length).toBeGreaterThan(0);
    expect(outputs.get('diaSrc')?.length).toBeGreaterThan(0);
    for (let k = 0; k < dia.length; k++) {
      expect(Number.isFinite(dia.ra[k]!)).toBe(true);
      expect(dia.snr[k]!).toBeGreaterThan(0);
    }
  });
});
