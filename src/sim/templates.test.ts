import { REFERENCE_PYTHON } from '../testing/reference-python.js';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { footprint, skyToPix } from '../wcs/index.js';
import { plannedVisit } from './night-plan.js';
import { SimCamera } from './sim-camera.js';
import { starsInBox, boundingBox } from './sky-catalog.js';
import { patchesForImage, renderTemplate, templateFits, templateGrid } from './templates.js';

const PYTHON = REFERENCE_PYTHON;
const PEAKS = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'testing',
  'template-peaks.py',
);
let astropy = true;
try {
  execFileSync(PYTHON, ['-c', 'import astropy, numpy'], { stdio: 'ignore' });
} catch {
  astropy = false;
  console.warn('Debian python3 with astropy missing: template check against astropy skipped');
}

const camera = new SimCamera({
  instrument: 'LSSTComCam',
  seed: 5,
  scale: 0.1,
  starDensityPerDeg2: 30_000,
  magLimit: 22,
  transientsPerDetector: 0,
  cosmicRatePerCm2S: 0,
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
    bands: ['i'],
    survey: 'TEST',
    seed: 5,
  },
  3,
);
const g = camera.focalPlane.placement(0).geometry;
const grid = templateGrid(Math.max(g.width, g.height), 0.2);

describe('deep templates', () => {
  it('cover the corners of every detector of a visit with some patch', () => {
    for (const { detector } of camera.focalPlane.detectors) {
      const wcs = camera.wcs(visit, detector.id);
      const patches = patchesForImage(grid, wcs, g.width, g.height);
      const sky = footprint(wcs, g.width, g.height);
      for (let k = 0; k < 4; k++) {
        const inside = patches.some((p) => {
          const { x, y } = skyToPix(p.wcs, sky.ra.subarray(k, k + 1), sky.dec.subarray(k, k + 1));
          return x[0]! >= 0 && y[0]! >= 0 && x[0]! <= p.sizePx - 1 && y[0]! <= p.sizePx - 1;
        });
        expect(inside, `detector ${detector.id} corner ${k}`).toBe(true);
      }
    }
  });

  it.skipIf(!astropy)(
    'shows the catalog stars where astropy puts them with the template header WCS',
    async () => {
      const patch = patchesForImage(grid, camera.wcs(visit, 4), g.width, g.height)[0]!;
      const pixels = renderTemplate(camera.sky, patch, 'i', 0.2);
      const bytes = await templateFits('LSSTComCam', 'i', patch, pixels);
      const corners = footprint(patch.wcs, patch.sizePx, patch.sizePx);
      const cat = starsInBox(camera.sky, boundingBox(corners.ra, corners.dec, -0.002));
      const bright: { ra: number[]; dec: number[] } = { ra: [], dec: [] };
      for (let k = 0; k < cat.length; k++) {
        if (cat.mag.i![k]! < 20.5) {
          bright.ra.push(cat.ra[k]!);
          bright.dec.push(cat.dec[k]!);
        }
      }
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promptly-template-'));
      try {
        fs.writeFileSync(path.join(dir, 't.fits'), bytes);
        fs.writeFileSync(path.join(dir, 'radec.json'), JSON.stringify(bright));
        const out = JSON.parse(
          execFileSync(PYTHON, [PEAKS, path.join(dir, 't.fits'), path.join(dir, 'radec.json')], {
            encoding: 'utf8',
          }),
        ) as { shape: number[]; ctype: string[]; value: number[]; sigma: number };
        expect(out.shape).toEqual([patch.sizePx, patch.sizePx]);
        expect(out.ctype).toEqual(['RA---TAN', 'DEC--TAN']);
        const onImage = out.value.filter((v) => Number.isFinite(v));
        expect(onImage.length).toBeGreaterThan(5);
        // Every bright star has a > 20σ peak at the pixel astropy names.
        for (const v of onImage) expect(v).toBeGreaterThan(20 * out.sigma);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    30_000,
  );
});
