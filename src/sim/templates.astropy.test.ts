import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REFERENCE_PYTHON, pythonHas } from '../testing/reference-python.js';
import { imageFits } from '../fits/index.js';
import { footprint } from '../wcs/index.js';
import { SimCamera } from './sim-camera.js';
import { boundingBox, starsInBox } from './sky-catalog.js';
import { renderTemplate, templateFits, templateGrid } from './templates.js';

const CHECK = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'testing',
  'template-coadd-check.py',
);
const astropy = pythonHas('astropy', 'numpy', 'scipy');
if (!astropy) {
  console.warn(
    'Debian python3 with astropy/scipy missing (python3-astropy): template coadd check skipped',
  );
}

interface Checked {
  hdus: Array<[string, string, number[]]>;
  primary: { NSTACK: number; PSFMODEL: string; PSFFWHM: number; PSFHDU: number };
  ctype: Record<string, string[]>;
  inputs: Array<Record<string, number>>;
  mask_planes: Record<string, number>;
  psf_sum: number;
  psf_fwhm_px: number;
  star_fwhm_px: number | null;
  stars: number;
  noise_sigma: number;
  lag1_x: number;
  lag1_y: number;
}

describe('a template coadd file', () => {
  it.skipIf(!astropy)(
    'opens in astropy with IMAGE, MASK, VARIANCE, PSF and INPUTS; its PSF is the stars’ to 5 %, its variance its noise',
    async () => {
      const camera = new SimCamera({
        instrument: 'LSSTComCam',
        seed: 8,
        scale: 0.125,
        starDensityPerDeg2: 400_000,
        magLimit: 22,
        transientsPerDetector: 0,
        cosmicRatePerCm2S: 0,
      });
      const patch = templateGrid(509, 0.2).patch(-40, 77);
      const coadd = renderTemplate(camera.sky, patch, 'i', 0.2, {
        spec: { visits: 6, seeingArcsec: 0.7 },
      });
      const bytes = await templateFits('LSSTComCam', 'i', patch, coadd);
      const noiseless = renderTemplate(camera.sky, patch, 'i', 0.2, {
        spec: { visits: 6, seeingArcsec: 0.7 },
        noise: false,
      });
      const corners = footprint(patch.wcs, patch.sizePx, patch.sizePx);
      const cat = starsInBox(camera.sky, boundingBox(corners.ra, corners.dec, 0));
      const bright = { ra: [] as number[], dec: [] as number[] };
      for (let k = 0; k < cat.length; k++) {
        if (cat.mag.i![k]! < 20) {
          bright.ra.push(cat.ra[k]!);
          bright.dec.push(cat.dec[k]!);
        }
      }
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promptly-coadd-'));
      try {
        fs.writeFileSync(path.join(dir, 't.fits'), bytes);
        fs.writeFileSync(path.join(dir, 'stars.json'), JSON.stringify(bright));
        fs.writeFileSync(
          path.join(dir, 'noiseless.fits'),
          await imageFits(noiseless.image, patch.sizePx, patch.sizePx, []),
        );
        const out = JSON.parse(
          execFileSync(
            REFERENCE_PYTHON,
            [
              CHECK,
              path.join(dir, 't.fits'),
              path.join(dir, 'stars.json'),
              path.join(dir, 'noiseless.fits'),
            ],
            { encoding: 'utf8' },
          ),
        ) as Checked;
        const n = patch.sizePx;
        expect(out.hdus.map(([name]) => name)).toEqual([
          'PRIMARY',
          'IMAGE',
          'MASK',
          'VARIANCE',
          'PSF',
          'INPUTS',
        ]);
        for (const [name, , shape] of out.hdus.slice(1, 4)) expect(shape, name).toEqual([n, n]);
        expect(out.hdus[4]![2]).toEqual([coadd.psf.height, coadd.psf.width]);
        for (const name of ['IMAGE', 'MASK', 'VARIANCE']) {
          expect(out.ctype[name]).toEqual(['RA---TAN', 'DEC--TAN']);
        }
        expect(out.primary).toMatchObject({ NSTACK: 6, PSFMODEL: 'PIXEL', PSFHDU: 1 });
        expect(out.mask_planes.NO_DATA).toBe(8);
        expect(out.inputs).toHaveLength(6);
        for (const row of out.inputs) expect(row.seeing).toBeGreaterThan(0.5);
        expect(out.psf_sum).toBeCloseTo(1, 5);
        console.info(
          `coadd PSF FWHM: card ${out.primary.PSFFWHM.toFixed(3)} px, astropy Moffat fit ${out.psf_fwhm_px.toFixed(3)} px; median of ${out.stars} stars ${out.star_fwhm_px?.toFixed(3)} px; (coadd − noiseless)/√variance: robust σ ${out.noise_sigma.toFixed(3)}, lag-1 correlation x ${out.lag1_x.toFixed(3)} y ${out.lag1_y.toFixed(3)}`,
        );
        expect(out.stars).toBeGreaterThanOrEqual(5);
        expect(Math.abs(out.star_fwhm_px! / out.psf_fwhm_px - 1)).toBeLessThan(0.05);
        expect(Math.abs(out.primary.PSFFWHM / out.psf_fwhm_px - 1)).toBeLessThan(0.05);
        // the variance plane as read by astropy describes the noise (quantisation adds ~0.5 %)
        expect(Math.abs(out.noise_sigma - 1)).toBeLessThan(0.1);
        expect(out.lag1_x).toBeGreaterThan(0.05);
        expect(out.lag1_y).toBeGreaterThan(0.05);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    180_000,
  );
});
