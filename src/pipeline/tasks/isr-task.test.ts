import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CoordSys, Dome, RotSys } from '../../core/next-visit.js';
import { imageFits } from '../../fits/index.js';
import type { Image } from '../../science/index.js';
import { plannedVisit } from '../../sim/night-plan.js';
import { SimCamera } from '../../sim/sim-camera.js';
import type { TaskContext } from '../task.js';
import { HandOffs } from '../hand-off.js';
import { EXPOSURE, isrTask } from './isr-task.js';

function median(values: Float32Array): number {
  const s = Float64Array.from(values.filter(Number.isFinite)).sort();
  return s[s.length >> 1] ?? NaN;
}

describe('the isr task on a simulated raw', () => {
  it('removes bias and dark (× DARKTIME) before the flat, leaving the sky level', async () => {
    const camera = new SimCamera({
      instrument: 'LATISS',
      seed: 3,
      scale: 0.1,
      starDensityPerDeg2: 0,
      magLimit: 20,
      transientsPerDetector: 0,
      cosmicRatePerCm2S: 0,
    });
    const visit = plannedVisit(
      {
        instrument: 'LATISS',
        firstStartMs: Date.UTC(2026, 10, 21, 3),
        visits: 1,
        cadenceS: 35,
        exposureTimeS: 30,
        snaps: 1,
        readoutS: 2,
        bands: ['r'],
        survey: 'TEST',
        seed: 3,
      },
      0,
    );
    const raw = await camera.raw(visit, 0, 0, visit.startMs, 1);
    const model = camera.model(0);
    const g = camera.focalPlane.placement(0).geometry;
    const calibs: Record<string, Uint8Array> = {
      bias: await imageFits(model.masterBiasE, g.width, g.height, []),
      dark: await imageFits(model.masterDark(), g.width, g.height, []),
      flat: await imageFits(model.flat('r'), g.width, g.height, []),
    };
    const run = async (doDark: boolean): Promise<Image> => {
      const handOffs = new HandOffs();
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
          nimages: 1,
          instrument: 'LATISS',
          survey: 'TEST',
          totalCheckpoints: 0,
          private_sndStamp: 0,
          detector: 0,
        },
        dataId: { instrument: 'LATISS', detector: 0, group: visit.groupId, band: 'r' },
        snaps: [{ snap: 0, read: () => Promise.resolve(raw.bytes) }],
        readInput: (type) => Promise.resolve(calibs[type]),
        writeOutput: () => Promise.resolve(),
        handOffs,
        workDir: () => Promise.resolve(mkdtempSync(path.join(os.tmpdir(), 'promptly-isr-'))),
        signal: new AbortController().signal,
        log: () => {},
      };
      await isrTask.run(context, isrTask.configSchema.parse({ doDark }));
      const image = handOffs.get(EXPOSURE);
      if (!image) throw new Error('isr left no exposure');
      return image;
    };
    const withDark = median((await run(true)).data);
    const withoutDark = median((await run(false)).data);
    const darkTimeS = 30.5; // the header service's DARKTIME for a 30 s exposure is at least EXPTIME
    // The flat is ≈ 1 on average, so the dark left in adds ≈ darkCurrent × DARKTIME electrons.
    expect(withoutDark - withDark).toBeGreaterThan(0.8 * model.darkCurrentE * 30);
    expect(withoutDark - withDark).toBeLessThan(1.2 * model.darkCurrentE * darkTimeS + 1);
    expect(isrTask.requires(isrTask.configSchema.parse({}))).toEqual(['bias', 'dark', 'flat']);
  });
});
