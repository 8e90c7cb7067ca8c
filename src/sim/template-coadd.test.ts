import { beforeAll, describe, expect, it } from 'vitest';
import { MASK_NO_DATA } from '../science/warp/index.js';
import { SimCamera } from './sim-camera.js';
import { templateInputs } from './template-inputs.js';
import { renderTemplate, templateFits, templateGrid, type TemplateCoadd } from './templates.js';

/**
 * A template of a LSSTComCam-sized (1/8 scale) patch, with and without its inputs' noise:
 * their difference is the coadd's noise, which the variance plane must describe pixel by
 * pixel while the warps correlate neighbours.
 */
const camera = new SimCamera({
  instrument: 'LSSTComCam',
  seed: 21,
  scale: 0.125,
  starDensityPerDeg2: 150_000,
  magLimit: 23,
  galaxyMagLimit: 23,
  transientsPerDetector: 0,
  cosmicRatePerCm2S: 0,
});
const SCALE = 0.2;
const grid = templateGrid(509, SCALE);
const patch = grid.patch(-12, 205);
const SPEC = { visits: 6, seeingArcsec: 0.7 };

/** Median of a copy of `values`. */
function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

describe('template coadds', () => {
  let noisy: TemplateCoadd;
  let clean: TemplateCoadd;
  beforeAll(() => {
    noisy = renderTemplate(camera.sky, patch, 'r', SCALE, { spec: SPEC });
    clean = renderTemplate(camera.sky, patch, 'r', SCALE, { spec: SPEC, noise: false });
  }, 120_000);

  it('have noise whose σ the variance plane gives pixel by pixel, correlated between neighbours', () => {
    const n = noisy.sizePx;
    const z = new Float64Array(n * n);
    const finite: number[] = [];
    let noData = 0;
    for (let i = 0; i < n * n; i++) {
      if ((noisy.mask[i]! & MASK_NO_DATA) !== 0) noData++;
      z[i] = (noisy.image[i]! - clean.image[i]!) / Math.sqrt(noisy.variance[i]!);
      finite.push(z[i]!);
    }
    // every input covers the whole patch
    expect(noData).toBe(0);
    const m = median(finite);
    const robustSigma = 1.4826 * median(finite.map((v) => Math.abs(v - m)));
    // lag-1 autocorrelation along x and y of the normalised noise
    let sxx = 0;
    let sx1 = 0;
    let sy1 = 0;
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        const v = z[y * n + x]!;
        sxx += v * v;
        if (x + 1 < n) sx1 += v * z[y * n + x + 1]!;
        if (y + 1 < n) sy1 += v * z[(y + 1) * n + x]!;
      }
    }
    const rx = sx1 / sxx;
    const ry = sy1 / sxx;
    console.info(
      `coadd noise: robust σ of (coadd − noiseless)/√variance ${robustSigma.toFixed(4)}, lag-1 correlation x ${rx.toFixed(3)}, y ${ry.toFixed(3)}`,
    );
    expect(Math.abs(robustSigma - 1)).toBeLessThan(0.1);
    // white noise of this many pixels would give |r| < 0.01; Lanczos-3 warps give ~0.1
    expect(rx).toBeGreaterThan(0.05);
    expect(ry).toBeGreaterThan(0.05);
  });

  it('weigh each input by its inverse sky variance, so the sky variance is that of the weighted mean', () => {
    const inputs = noisy.inputs;
    expect(inputs).toHaveLength(6);
    expect(new Set(inputs.map((i) => i.seeingArcsec.toFixed(4))).size).toBe(6);
    let sw = 0;
    let sw2v = 0;
    for (const i of inputs) {
      expect(i.weight).toBeCloseTo(1 / i.skyE, 12);
      sw += i.weight;
      sw2v += i.weight ** 2 * i.skyE;
    }
    // where there are no sources the variance is the sky's, reduced by the warps' Σw² ≤ 1
    const expected = sw2v / (sw * sw);
    const sky = median(Array.from(clean.variance).filter((_, k) => clean.image[k]! < 0.01));
    expect(sky).toBeLessThan(expected);
    expect(sky).toBeGreaterThan(0.6 * expected);
  });

  it('carry a unit-sum coadd PSF centred on its middle pixel, as wide as its inputs', () => {
    const { psf } = noisy;
    const c = (psf.width - 1) / 2;
    let sum = 0;
    let mx = 0;
    let my = 0;
    for (let y = 0; y < psf.height; y++) {
      for (let x = 0; x < psf.width; x++) {
        const v = psf.pixels[y * psf.width + x]!;
        sum += v;
        mx += v * (x - c);
        my += v * (y - c);
      }
    }
    expect(sum).toBeCloseTo(1, 5);
    expect(Math.abs(mx)).toBeLessThan(0.05);
    expect(Math.abs(my)).toBeLessThan(0.05);
    const widths = noisy.inputs.map((i) => i.psf.fwhmPx);
    expect(noisy.psfFwhmPx).toBeGreaterThan(Math.min(...widths));
    expect(noisy.psfFwhmPx).toBeLessThan(Math.max(...widths));
  });

  it('are the same bytes for the same seed, and differ for another seed', async () => {
    const again = renderTemplate(camera.sky, patch, 'r', SCALE, { spec: SPEC });
    const a = await templateFits('LSSTComCam', 'r', patch, noisy);
    const b = await templateFits('LSSTComCam', 'r', patch, again);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const other = templateInputs(22, patch, 'r', SCALE, SPEC);
    expect(other[0]!.seeingArcsec).not.toBe(noisy.inputs[0]!.seeingArcsec);
  }, 60_000);

  it('refuses a number of input visits out of bounds', () => {
    for (const visits of [0, 65, 2.5]) {
      expect(() => templateInputs(1, patch, 'r', SCALE, { visits, seeingArcsec: 0.7 })).toThrow(
        /1–64 visits/,
      );
    }
  });
});
