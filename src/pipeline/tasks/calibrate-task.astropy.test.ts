import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CoordSys, Dome, RotSys } from '../../core/next-visit.js';
import { utcMsToTaiSeconds } from '../../core/time.js';
import { imageFits } from '../../fits/index.js';
import { plannedVisit } from '../../sim/night-plan.js';
import { refcatShardBytes } from '../../sim/refcat/index.js';
import { SimCamera } from '../../sim/sim-camera.js';
import {
  astropyAvailable,
  runAstropy,
  separationDeg,
} from '../../wcs/testing/astropy-reference.js';
import { pixToSky, readWcs, toKeywords, type CelestialWcs } from '../../wcs/index.js';
import { FitsFile } from '../../fits/index.js';
import { HandOffs } from '../hand-off.js';
import type { TaskContext } from '../task.js';
import { calibrateTask, PHOTO_CALIB } from './calibrate-task.js';
import { isrTask } from './isr-task.js';
import { SCIENCE_WCS } from './science-wcs.js';

const available = astropyAvailable();
if (!available)
  console.warn('skipping the astropy check of the fitted WCS: install python3-astropy');

/** Angular separation of two WCSs over a grid of the detector's pixels, mas. */
function separationsMas(a: CelestialWcs, b: CelestialWcs, w: number, h: number): number[] {
  const x: number[] = [];
  const y: number[] = [];
  for (let j = 0; j <= 8; j++)
    for (let i = 0; i <= 8; i++) {
      x.push(((w - 1) * i) / 8);
      y.push(((h - 1) * j) / 8);
    }
  const sa = pixToSky(a, Float64Array.from(x), Float64Array.from(y));
  const sb = pixToSky(b, Float64Array.from(x), Float64Array.from(y));
  return x.map((_, k) => separationDeg(sa.ra[k]!, sa.dec[k]!, sb.ra[k]!, sb.dec[k]!) * 3.6e6);
}

const rms = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);

/**
 * calibrate on a simulated visit-detector whose raw header WCS carries the simulator's
 * pointing and rotator errors, against the simulated reference catalog (Gaia-like positions
 * at J2016 with proper motions and their errors): the fitted WCS is compared with the true
 * one the detector was rendered with, and its keywords are read back by astropy.wcs.
 */
describe('calibrate: astrometry and zero point against the reference catalog', () => {
  let fitted: CelestialWcs;
  let header: CelestialWcs;
  let truth: CelestialWcs;
  let width: number;
  let height: number;
  let zeroPoint: number | undefined;
  const log: string[] = [];

  beforeAll(async () => {
    const camera = new SimCamera({
      instrument: 'LATISS',
      seed: 5,
      scale: 0.5,
      starDensityPerDeg2: 150_000,
      magLimit: 23,
      transientsPerDetector: 0,
      cosmicRatePerCm2S: 0,
    });
    const visit = plannedVisit(
      {
        instrument: 'LATISS',
        firstStartMs: Date.UTC(2026, 10, 21, 3),
        visits: 1,
        cadenceS: 40,
        exposureTimeS: 15,
        snaps: 1,
        readoutS: 2,
        bands: ['r'],
        survey: 'TEST',
        seed: 5,
      },
      0,
    );
    const raw = await camera.raw(visit, 0, 0, visit.startMs, 1);
    truth = raw.wcs;
    const primary = (await FitsFile.fromBytes(raw.bytes).hdus())[0]!;
    header = readWcs(primary.header);
    const model = camera.model(0);
    const g = camera.focalPlane.placement(0).geometry;
    width = g.width;
    height = g.height;
    const inputs: Record<string, Uint8Array> = {
      bias: await imageFits(model.masterBiasE, g.width, g.height, []),
      dark: await imageFits(model.masterDark(), g.width, g.height, []),
      flat: await imageFits(model.flat('r'), g.width, g.height, []),
    };
    const handOffs = new HandOffs();
    const context: TaskContext = {
      visit: {
        salIndex: 1,
        scriptSalIndex: 1,
        groupId: visit.groupId,
        coordinateSystem: CoordSys.ICRS,
        position: [visit.ra, visit.dec],
        startTime: utcMsToTaiSeconds(visit.startMs),
        rotationSystem: RotSys.SKY,
        cameraAngle: 0,
        filters: visit.physicalFilter,
        dome: Dome.OPEN,
        duration: 17,
        nimages: 1,
        instrument: 'LATISS',
        survey: 'TEST',
        totalCheckpoints: 0,
        private_sndStamp: 0,
        detector: 0,
      },
      dataId: { instrument: 'LATISS', detector: 0, group: visit.groupId, band: 'r' },
      snaps: [{ snap: 0, read: () => Promise.resolve(raw.bytes) }],
      readInput: async (type, asked) =>
        type === 'refcat' && asked?.htm7 !== undefined
          ? refcatShardBytes(camera.sky, asked.htm7)
          : inputs[type],
      writeOutput: () => Promise.resolve(),
      handOffs,
      workDir: () => Promise.resolve(mkdtempSync(path.join(os.tmpdir(), 'promptly-cal-'))),
      signal: new AbortController().signal,
      log: (m) => log.push(m),
    };
    await isrTask.run(context, isrTask.configSchema.parse({}));
    await calibrateTask.run(context, calibrateTask.configSchema.parse({}));
    fitted = handOffs.get(SCIENCE_WCS)!;
    zeroPoint = handOffs.get(PHOTO_CALIB)?.zeroPointMag;
    console.info(log.filter((l) => l.startsWith('calibrate')).join('\n'));
  }, 300_000);

  it('fits a WCS far closer to the truth than the header’s', () => {
    const before = separationsMas(header, truth, width, height);
    const after = separationsMas(fitted, truth, width, height);
    console.info(
      `header WCS vs truth: rms ${rms(before).toFixed(0)} mas; fitted: rms ${rms(after).toFixed(1)} mas, max ${Math.max(...after).toFixed(1)} mas`,
    );
    expect(rms(before)).toBeGreaterThan(300);
    // catalog errors, proper-motion errors to the epoch, centroid noise: tens of mas
    expect(rms(after)).toBeLessThan(50);
  });

  it('finds a zero point', () => {
    expect(zeroPoint).toBeGreaterThan(20);
    expect(zeroPoint).toBeLessThan(35);
  });

  it.skipIf(!available)(
    'writes keywords astropy.wcs reads as the same transform (≤ 0.1 mas)',
    () => {
      const header: Record<string, string | number> = {
        NAXIS: 2,
        NAXIS1: width,
        NAXIS2: height,
      };
      for (const [k, v] of toKeywords(fitted)) header[k] = v;
      const x: number[] = [];
      const y: number[] = [];
      for (let k = 0; k < 50; k++) {
        x.push(((k * 37) % 50) * ((width - 1) / 49));
        y.push(((k * 13) % 50) * ((height - 1) / 49));
      }
      const ours = pixToSky(fitted, Float64Array.from(x), Float64Array.from(y));
      const ref = runAstropy(
        [{ header, pix: { x, y }, sky: { ra: Array.from(ours.ra), dec: Array.from(ours.dec) } }],
        1e-10,
      ).cases[0]!;
      const sep = x.map(
        (_, k) =>
          separationDeg(ours.ra[k]!, ours.dec[k]!, ref.pix2world.ra[k]!, ref.pix2world.dec[k]!) *
          3.6e6,
      );
      expect(Math.max(...sep)).toBeLessThan(0.1);
    },
  );
});
