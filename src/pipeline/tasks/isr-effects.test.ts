import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CoordSys, Dome, RotSys } from '../../core/next-visit.js';
import { getInstrument } from '../../core/instruments.js';
import { detectSources, estimateBackground, maskBit } from '../../science/index.js';
import { calibrationProducts, calibrationValidity } from '../../sim/calibrations.js';
import { ALL_EFFECTS } from '../../sim/instrument-effects.js';
import { plannedVisit } from '../../sim/night-plan.js';
import { SimCamera } from '../../sim/sim-camera.js';
import { HandOffs } from '../hand-off.js';
import type { TaskContext } from '../task.js';
import { readRawAmps } from './exposure-io.js';
import { EXPOSURE, ISR_EXPOSURE, isrTask, type IsrExposure } from './isr-task.js';

const INSTRUMENT = 'LSSTComCam';
const DETECTOR = 4;

describe('the isr task on a raw with every instrument effect', () => {
  // no stars: anything detected is an artefact
  const camera = new SimCamera({
    instrument: INSTRUMENT,
    seed: 21,
    scale: 0.1,
    starDensityPerDeg2: 0,
    magLimit: 20,
    transientsPerDetector: 0,
    cosmicRatePerCm2S: 0.03,
    effects: ALL_EFFECTS,
  });
  const visit = plannedVisit(
    {
      instrument: INSTRUMENT,
      firstStartMs: Date.UTC(2026, 10, 21, 3),
      visits: 1,
      cadenceS: 35,
      exposureTimeS: 30,
      snaps: 2,
      readoutS: 2,
      bands: ['r'],
      survey: 'TEST',
      seed: 21,
    },
    0,
  );
  const g = camera.focalPlane.placement(DETECTOR).geometry;
  const model = camera.model(DETECTOR);
  const setup = (async () => {
    const raws = [
      await camera.raw(visit, DETECTOR, 0, visit.startMs, 1),
      await camera.raw(visit, DETECTOR, 1, visit.startMs + 32_000, 2),
    ];
    const products = await calibrationProducts({
      instrument: getInstrument(INSTRUMENT),
      detector: DETECTOR,
      bands: ['r'],
      geometry: g,
      model,
      validity: calibrationValidity(visit.startMs),
      masters: { exposures: 3, seed: 21, cosmicRatePerCm2S: 0.03 },
    });
    const calibs = new Map(products.map((p) => [p.datasetType, p.bytes]));
    return { raws, calibs };
  })();

  const run = async (
    config: Record<string, unknown>,
    omit: readonly string[] = [],
  ): Promise<{ exposure: IsrExposure; log: string[] }> => {
    const { raws, calibs } = await setup;
    const handOffs = new HandOffs();
    const log: string[] = [];
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
        duration: 64,
        nimages: 2,
        instrument: INSTRUMENT,
        survey: 'TEST',
        totalCheckpoints: 0,
        private_sndStamp: 0,
        detector: DETECTOR,
      },
      dataId: { instrument: INSTRUMENT, detector: DETECTOR, group: visit.groupId, band: 'r' },
      snaps: raws.map((r, snap) => ({ snap, read: () => Promise.resolve(r.bytes) })),
      readInput: (type) =>
        Promise.resolve(omit.includes(type) ? undefined : calibs.get(type as never)),
      writeOutput: () => Promise.resolve(),
      handOffs,
      workDir: () => Promise.resolve(mkdtempSync(path.join(os.tmpdir(), 'promptly-isr-fx-'))),
      signal: new AbortController().signal,
      log: (line) => log.push(line),
    };
    await isrTask.run(context, isrTask.configSchema.parse(config));
    const exposure = handOffs.get(ISR_EXPOSURE);
    if (!exposure) throw new Error('isr left no exposure');
    expect(handOffs.get(EXPOSURE)).toBe(exposure.image);
    return { exposure, log };
  };

  /** Footprint pixels (of detections at 5σ, ≥ 3 px) that fall on a defect. */
  const detectedOnDefects = (exposure: IsrExposure): number => {
    const bg = estimateBackground(exposure.image);
    const found = detectSources(exposure.image, bg, { nSigma: 5, minArea: 3 });
    const defect = new Uint8Array(g.width * g.height);
    for (const b of model.defects())
      for (let y = b.y0; y < b.y0 + b.height; y++)
        for (let x = b.x0; x < b.x0 + b.width; x++) defect[y * g.width + x] = 1;
    let n = 0;
    for (const p of found.footprints.pixels) n += defect[p]!;
    return n;
  };

  it('reads SATURATE from every amp of the raw', async () => {
    const { raws } = await setup;
    const { amps } = await readRawAmps(raws[0]!.bytes);
    expect(amps).toHaveLength(16);
    for (const a of amps) expect(a.saturationAdu).toBeGreaterThan(50_000);
  });

  it('masks every defect of the defects calibration BAD, and none of them is detected', async () => {
    const { exposure, log } = await run({});
    const bad = maskBit('BAD');
    const boxes = model.defects();
    expect(boxes.length).toBeGreaterThan(3);
    let pixels = 0;
    for (const b of boxes)
      for (let y = b.y0; y < b.y0 + b.height; y++)
        for (let x = b.x0; x < b.x0 + b.width; x++) {
          expect(exposure.mask[y * g.width + x]! & bad).toBe(bad);
          pixels++;
        }
    expect(log.join('\n')).toMatch(/corrected crosstalk, linearity, \d+ defects/);
    const onDefects = detectedOnDefects(exposure);
    // without the defect list the dead clusters and bad columns are detected
    const unmasked = await run({ doDefect: false });
    const before = detectedOnDefects(unmasked.exposure);
    console.log(
      `defects: ${boxes.length} boxes, ${pixels} px masked BAD; detected pixels on defects ${onDefects} (without the defects calibration ${before})`,
    );
    expect(onDefects).toBe(0);
    expect(before).toBeGreaterThan(0);
  });

  it('skips a missing crosstalk, linearizer or defects calibration with a log line', async () => {
    const { exposure, log } = await run({}, ['crosstalk', 'linearizer', 'defects']);
    const text = log.join('\n');
    for (const type of ['crosstalk', 'linearizer', 'defects'])
      expect(text).toContain(`no ${type} calibration for this detector, step skipped`);
    expect(text).toContain('corrected no crosstalk, linearity or defects');
    expect(exposure.width).toBe(g.width);
    expect(isrTask.uses?.(isrTask.configSchema.parse({}))).toEqual([
      'crosstalk',
      'linearizer',
      'defects',
    ]);
  });
});
