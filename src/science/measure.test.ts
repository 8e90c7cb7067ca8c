import { describe, expect, it } from 'vitest';
import { detectSources } from './detect.js';
import { measureSources, SOURCE_FLAGS } from './measure.js';

const W = 64;
const H = 64;

/** Noiseless pixel-integrated elliptical Gaussian (axis-aligned then rotated by sampling). */
function addGaussian(
  data: Float32Array,
  x0: number,
  y0: number,
  flux: number,
  sx: number,
  sy: number,
  theta = 0,
): void {
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  const n = 8; // sub-samples per axis
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let acc = 0;
      for (let j = 0; j < n; j++) {
        for (let i = 0; i < n; i++) {
          const dx = x - 0.5 + (i + 0.5) / n - x0;
          const dy = y - 0.5 + (j + 0.5) / n - y0;
          const u = c * dx + s * dy;
          const v = -s * dx + c * dy;
          acc += Math.exp(-0.5 * ((u * u) / (sx * sx) + (v * v) / (sy * sy)));
        }
      }
      data[y * W + x] = data[y * W + x]! + (flux * acc) / (n * n * 2 * Math.PI * sx * sy);
    }
  }
}

function flat(v: number): { width: number; height: number; data: Float32Array } {
  return { width: W, height: H, data: new Float32Array(W * H).fill(v) };
}

function run(data: Float32Array, opts: Parameters<typeof measureSources>[3] = {}) {
  const image = { width: W, height: H, data };
  const model = { background: flat(100), rms: flat(1) };
  const det = detectSources(image, model, { nSigma: 5, minArea: 3 });
  return measureSources(image, det, model.rms, opts);
}

describe('measureSources', () => {
  it('puts the centroid of a symmetric star at its true position, 0-based', () => {
    const data = new Float32Array(W * H).fill(100);
    addGaussian(data, 30.3, 25.7, 50000, 1.5, 1.5);
    const cat = run(data);
    expect(cat.length).toBe(1);
    expect(cat.x[0]).toBeCloseTo(30.3, 2);
    expect(cat.y[0]).toBeCloseTo(25.7, 2);
    expect(cat.flags[0]).toBe(0);
    // r = 5 px = 3.33σ holds 1 − exp(−r²/2σ²) of a Gaussian's flux
    expect(cat.apFlux[0]! / (50000 * (1 - Math.exp(-25 / (2 * 1.5 * 1.5))))).toBeCloseTo(1, 2);
    expect(cat.peak[0]).toBeGreaterThan(0);
    expect(cat.npix[0]).toBeGreaterThan(20);
  });

  it('recovers the axes and position angle of an elongated source from second moments', () => {
    const data = new Float32Array(W * H).fill(100);
    const theta = 0.5;
    addGaussian(data, 32, 32, 1e6, 4, 2, theta);
    const cat = run(data);
    expect(cat.length).toBe(1);
    // isophotal moments are truncated at the threshold, so a and b come out a little small
    expect(cat.a[0]! / 4).toBeGreaterThan(0.9);
    expect(cat.a[0]! / 4).toBeLessThan(1.01);
    expect(cat.b[0]! / 2).toBeGreaterThan(0.9);
    expect(cat.b[0]! / 2).toBeLessThan(1.01);
    expect(cat.theta[0]).toBeCloseTo(theta, 2);
  });

  it('gives flux errors from the RMS map plus a Poisson term when a gain is set', () => {
    const data = new Float32Array(W * H).fill(100);
    addGaussian(data, 32, 32, 10000, 1.5, 1.5);
    const noGain = run(data, { apertureRadiusPx: 4 });
    expect(noGain.apFluxErr[0]).toBeCloseTo(Math.sqrt(Math.PI * 16), 6);
    expect(noGain.fluxErr[0]).toBeCloseTo(Math.sqrt(noGain.npix[0]!), 6);
    const withGain = run(data, { apertureRadiusPx: 4, gain: 2 });
    expect(withGain.apFluxErr[0]).toBeCloseTo(Math.sqrt(Math.PI * 16 + withGain.apFlux[0]! / 2), 6);
  });

  it('flags edge, saturated, non-finite and truncated-aperture sources', () => {
    const data = new Float32Array(W * H).fill(100);
    addGaussian(data, 1, 40, 20000, 1.2, 1.2); // at the left edge
    addGaussian(data, 30, 30, 200000, 1.2, 1.2); // bright: saturates below
    addGaussian(data, 45, 10, 20000, 1.2, 1.2);
    data[10 * W + 47] = NaN; // next to the third star
    const cat = run(data, { saturation: 5000 });
    expect(cat.length).toBe(3);
    const at = (x: number): number => {
      let best = 0;
      for (let k = 1; k < cat.length; k++)
        if (Math.abs(cat.x[k]! - x) < Math.abs(cat.x[best]! - x)) best = k;
      return cat.flags[best]!;
    };
    expect(at(1) & SOURCE_FLAGS.EDGE).toBeTruthy();
    expect(at(1) & SOURCE_FLAGS.APERTURE_TRUNCATED).toBeTruthy();
    expect(at(30)).toBe(SOURCE_FLAGS.SATURATED);
    expect(at(45)).toBe(SOURCE_FLAGS.NON_FINITE);
  });
});
