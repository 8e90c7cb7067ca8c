import { describe, expect, it } from 'vitest';
import { makeRng } from '../testing/synth.js';
import { createFftPlan, fft2d } from './fft.js';

describe('fft2d', () => {
  it('equals the direct 2-D DFT and inverts to the input', () => {
    const n = 16;
    const rng = makeRng(3);
    const re = Float64Array.from({ length: n * n }, () => rng() - 0.5);
    const im = Float64Array.from({ length: n * n }, () => rng() - 0.5);
    const r0 = re.slice();
    const i0 = im.slice();
    const plan = createFftPlan(n);
    fft2d(plan, re, im, false);
    for (const [k, l] of [
      [0, 0],
      [1, 3],
      [7, 15],
      [8, 8],
      [15, 2],
    ] as const) {
      let sr = 0;
      let si = 0;
      for (let v = 0; v < n; v++) {
        for (let u = 0; u < n; u++) {
          const a = (-2 * Math.PI * (k * u + l * v)) / n;
          const xr = r0[v * n + u]!;
          const xi = i0[v * n + u]!;
          sr += xr * Math.cos(a) - xi * Math.sin(a);
          si += xr * Math.sin(a) + xi * Math.cos(a);
        }
      }
      expect(re[l * n + k]).toBeCloseTo(sr, 10);
      expect(im[l * n + k]).toBeCloseTo(si, 10);
    }
    fft2d(plan, re, im, true);
    for (let i = 0; i < n * n; i++) {
      expect(re[i]).toBeCloseTo(r0[i]!, 12);
      expect(im[i]).toBeCloseTo(i0[i]!, 12);
    }
  });

  it('rejects sizes that are not powers of two', () => {
    expect(() => createFftPlan(12)).toThrow(/2\^k/);
  });
});
