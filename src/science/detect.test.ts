import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../core/errors.js';
import { detectSources } from './detect.js';
import { convolveSeparable, gaussianKernel1d, separableNoiseFactor } from './smooth.js';
import { makeGauss, makeRng } from './testing/synth.js';

const img = (w: number, h: number, v: number) => ({
  width: w,
  height: h,
  data: new Float32Array(w * h).fill(v),
});

describe('detectSources', () => {
  it('thresholds at nSigma times the local RMS and honours minArea', () => {
    const image = img(20, 10, 50);
    // a 2×2 block at 6σ and a lone pixel at 100σ
    for (const i of [22, 23, 42, 43]) image.data[i] = 50 + 6;
    image.data[150] = 50 + 100;
    const model = { background: img(20, 10, 50), rms: img(20, 10, 1) };
    const det = detectSources(image, model, { nSigma: 5, minArea: 2 });
    expect(det.footprints.count).toBe(1);
    expect(det.noiseFactor).toBe(1);
    expect(Array.from(det.footprints.pixels)).toEqual([22, 23, 42, 43]);
    expect(detectSources(image, model, { nSigma: 7, minArea: 1 }).footprints.count).toBe(1);
  });

  it('never detects NaN pixels', () => {
    const image = img(8, 8, NaN);
    const det = detectSources(
      image,
      { background: img(8, 8, 0), rms: img(8, 8, 1) },
      { minArea: 1 },
    );
    expect(det.footprints.count).toBe(0);
  });

  it('scales the threshold by the smoothing kernel noise so white noise stays below 5σ', () => {
    const w = 512;
    const gauss = makeGauss(makeRng(5));
    const image = {
      width: w,
      height: w,
      data: Float32Array.from({ length: w * w }, () => 10 * gauss()),
    };
    const model = { background: img(w, w, 0), rms: img(w, w, 10) };
    const det = detectSources(image, model, { psfFwhmPx: 3, minArea: 1 });
    // measured σ of the smoothed noise agrees with the analytic factor
    let ss = 0;
    for (const v of det.detection.data) ss += v * v;
    const measured = Math.sqrt(ss / (w * w)) / 10;
    expect(Math.abs(measured / det.noiseFactor - 1)).toBeLessThan(0.05);
    // 262k correlated pixels at 5σ: a handful of peaks at most
    expect(det.footprints.count).toBeLessThan(5);
  });

  it('rejects maps of another size and a non-positive threshold', () => {
    const image = img(4, 4, 0);
    const errs: unknown[] = [];
    for (const f of [
      () => detectSources(image, { background: img(4, 5, 0), rms: img(4, 4, 1) }),
      () => detectSources(image, { background: img(4, 4, 0), rms: img(4, 4, 1) }, { nSigma: 0 }),
    ]) {
      try {
        f();
      } catch (e) {
        errs.push(e);
      }
    }
    expect(isPromptlyError(errs[0], 'PROMPTLY_E_IMAGE_GEOMETRY')).toBe(true);
    expect(isPromptlyError(errs[1], 'PROMPTLY_E_SCIENCE_OPTION_INVALID')).toBe(true);
  });
});

describe('convolveSeparable', () => {
  it('matches a direct 2-D convolution with zero padding', () => {
    const w = 13;
    const h = 9;
    const rng = makeRng(9);
    const data = Float32Array.from({ length: w * h }, () => rng());
    const k = gaussianKernel1d(2.5);
    const half = (k.length - 1) / 2;
    const out = convolveSeparable(data, w, h, k);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let s = 0;
        for (let j = -half; j <= half; j++) {
          for (let i = -half; i <= half; i++) {
            const xx = x + i;
            const yy = y + j;
            if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
            s += k[i + half]! * k[j + half]! * data[yy * w + xx]!;
          }
        }
        expect(out[y * w + x]).toBeCloseTo(s, 5);
      }
    }
  });

  it('writes into a given output and handles a kernel taller than the image', () => {
    const w = 7;
    const h = 3;
    const rng = makeRng(10);
    const data = Float32Array.from({ length: w * h }, () => rng());
    data[9] = NaN;
    const k = gaussianKernel1d(4); // 11 taps, 5 each side > h
    const half = (k.length - 1) / 2;
    const out = new Float32Array(w * h);
    expect(convolveSeparable(data, w, h, k, undefined, out)).toBe(out);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let s = 0;
        for (let j = -half; j <= half; j++) {
          for (let i = -half; i <= half; i++) {
            const v = data[(y + j) * w + x + i];
            if (x + i < 0 || y + j < 0 || x + i >= w || y + j >= h || Number.isNaN(v)) continue;
            s += k[i + half]! * k[j + half]! * v!;
          }
        }
        expect(out[y * w + x]).toBeCloseTo(s, 5);
      }
    }
  });

  it('has a normalised kernel whose noise factor is Σk² of the 1-D taps', () => {
    const k = gaussianKernel1d(3);
    expect(k.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(k.length).toBe(9);
    // continuous limit: sqrt(Σw²) of a 2-D Gaussian = sqrt(1 / (4πσ²)) = 1 / (2√π σ)
    const sigma = 3 / (2 * Math.sqrt(2 * Math.LN2));
    expect(separableNoiseFactor(k) * 2 * Math.sqrt(Math.PI) * sigma).toBeCloseTo(1, 2);
  });
});
