import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { primaryHdu, writeFits } from '../fits/index.js';
import { readRawAmps } from '../pipeline/tasks/exposure-io.js';
import { imageFrom, runIsr } from '../science/index.js';
import {
  runSourceExtractor,
  sourceExtractorAvailable,
  SYSTEM_PYTHON,
} from '../science/testing/source-extractor.js';
import { starsOnDetector } from './detector-scene.js';
import { plannedVisit } from './night-plan.js';
import { SimCamera } from './sim-camera.js';

const SKY_TO_PIX = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'testing',
  'sky-to-pix.py',
);
const haveTools = sourceExtractorAvailable();
if (!haveTools) console.warn('source-extractor or Debian python3 with astropy missing: skipped');

/** Median-offset tolerance of the acceptance criterion, pixels. */
const TOLERANCE_PX = 0.3;

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

describe.skipIf(!haveTools)('a simulated detector against source-extractor and astropy', () => {
  it(`finds the catalog stars where the true WCS puts them (median offset ≤ ${TOLERANCE_PX} px), and the raw's header WCS a pointing error away`, async () => {
    const camera = new SimCamera({
      instrument: 'LSSTComCam',
      seed: 11,
      scale: 0.25,
      starDensityPerDeg2: 40_000,
      magLimit: 22,
      transientsPerDetector: 0,
      cosmicRatePerCm2S: 0.03,
    });
    const visit = plannedVisit(
      {
        instrument: 'LSSTComCam',
        firstStartMs: Date.UTC(2026, 10, 21, 3),
        visits: 1,
        cadenceS: 35,
        exposureTimeS: 15,
        snaps: 1,
        readoutS: 2,
        bands: ['r'],
        survey: 'TEST',
        seed: 11,
      },
      0,
    );
    const detector = 4;
    const raw = await camera.raw(visit, detector, 0, visit.startMs, 1);
    const g = camera.focalPlane.placement(detector).geometry;
    const model = camera.model(detector);
    const isr = runIsr({
      amps: (await readRawAmps(raw.bytes)).amps,
      bias: imageFrom(g.width, g.height, model.masterBiasE),
      flat: imageFrom(g.width, g.height, model.flat(visit.band)),
    });
    expect([isr.image.width, isr.image.height]).toEqual([g.width, g.height]);
    const found = runSourceExtractor(isr.image.data, g.width, g.height, {
      detectThresh: 5,
      minArea: 5,
      apertureDiameterPx: 8,
      backSize: 64,
      backFilterSize: 3,
    });

    // The catalog, placed by astropy (not by our WCS code) with the true WCS the truth keeps,
    // and with the raw's own header WCS (the reported pointing).
    const { catalog } = starsOnDetector(camera.sky, raw.wcs, g.width, g.height, 0.2);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promptly-sim-sex-'));
    const place = (file: string): { x: number[]; y: number[] } =>
      JSON.parse(
        execFileSync(SYSTEM_PYTHON, [SKY_TO_PIX, file, path.join(dir, 'radec.json')], {
          encoding: 'utf8',
        }),
      ) as { x: number[]; y: number[] };
    let ax: number[];
    let ay: number[];
    let hx: number[];
    let hy: number[];
    try {
      const rawFile = path.join(dir, 'raw.fits');
      const truthFile = path.join(dir, 'truth-wcs.fits');
      fs.writeFileSync(rawFile, raw.bytes);
      fs.writeFileSync(
        truthFile,
        await writeFits([primaryHdu(Object.entries(raw.truth.wcs!).map(([k, v]) => [k, v]))]),
      );
      fs.writeFileSync(
        path.join(dir, 'radec.json'),
        JSON.stringify({ ra: [...catalog.ra], dec: [...catalog.dec] }),
      );
      ({ x: ax, y: ay } = place(truthFile));
      ({ x: hx, y: hy } = place(rawFile));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const mags = catalog.mag.r!;
    const offsets: number[] = [];
    const headerShifts: number[] = [];
    let candidates = 0;
    for (let k = 0; k < catalog.length; k++) {
      const x = ax[k]!;
      const y = ay[k]!;
      if (!(x > 12 && y > 12 && x < g.width - 13 && y < g.height - 13)) continue;
      if (!(mags[k]! > 16 && mags[k]! < 21)) continue; // unsaturated, well detected
      // Isolated: no other catalog star within 8 px.
      let crowded = false;
      for (let j = 0; j < catalog.length && !crowded; j++) {
        if (j !== k && Math.hypot(ax[j]! - x, ay[j]! - y) < 8) crowded = true;
      }
      if (crowded) continue;
      candidates++;
      headerShifts.push(Math.hypot(hx[k]! - x, hy[k]! - y));
      let best = Infinity;
      for (const s of found) best = Math.min(best, Math.hypot(s.x - 1 - x, s.y - 1 - y));
      if (best < 2) offsets.push(best);
    }
    console.info(
      `sim vs source-extractor: ${offsets.length}/${candidates} matched, median offset ${median(offsets).toFixed(3)} px`,
    );
    expect(candidates).toBeGreaterThan(20);
    expect(offsets.length).toBeGreaterThan(0.9 * candidates);
    expect(median(offsets)).toBeLessThanOrEqual(TOLERANCE_PX);
    // The header is off by the pointing error: 0.5–3″ at the boresight (2.5–15 px), plus the
    // rotator error's share this near the centre of the field.
    const shiftArcsec = median(headerShifts) * 0.2;
    console.info(
      `header WCS vs truth: ${shiftArcsec.toFixed(2)}″ (pointing error ` +
        `${raw.truth.pointing!.error.offsetArcsec.toFixed(2)}″, rotator ` +
        `${raw.truth.pointing!.error.rotationArcmin.toFixed(2)}′)`,
    );
    expect(shiftArcsec).toBeGreaterThan(0.4);
    expect(shiftArcsec).toBeLessThan(3.5);
  }, 60_000);
});
