import { describe, expect, it } from 'vitest';
import { runIsrExposure } from './isr-exposure.js';
import { maskBits } from './mask-planes.js';
import { makeSyntheticDetector, type DetectorSpec } from './testing/synthetic-detector.js';

const SPEC: DetectorSpec = {
  width: 1024,
  height: 1024,
  seed: 31,
  snaps: 1,
  skyE: 1500,
  gain: 1.6,
  readNoiseE: 7,
  fullWellE: 100_000,
  fwhmPx: 2.2,
  nStars: 600,
  fluxMin: 2_000,
  fluxMax: 400_000,
  saturatingFluxes: [5e6],
  nCosmicRays: 300,
};

const CR = maskBits('CR');
const SAT = maskBits('SAT');

describe('Laplacian (L.A.Cosmic) cosmic rays on one snap of a Moffat star field', () => {
  const det = makeSyntheticDetector(SPEC);
  const t0 = performance.now();
  const { exposure, stats } = runIsrExposure({ snaps: det.snaps, options: { background: false } });
  const ms = performance.now() - t0;
  const { width: W, height: H, mask } = exposure;
  const img = exposure.image.data;
  const variance = exposure.variance.data;

  it('finds ≥ 95 % of injected cosmic-ray pixels, flags no star and ≤ 1 false pixel per 10⁶', () => {
    let usable = 0;
    let found = 0;
    for (const i of det.crPixels.keys()) {
      if ((mask[i]! & SAT) !== 0) continue;
      usable++;
      if ((mask[i]! & CR) !== 0) found++;
    }
    let falsePx = 0;
    let halo = 0;
    const flaggedNear = (
      x: number,
      y: number,
      r: number,
      test: (j: number) => boolean,
    ): boolean => {
      for (let yy = Math.max(0, y - r); yy <= Math.min(H - 1, y + r); yy++)
        for (let xx = Math.max(0, x - r); xx <= Math.min(W - 1, x + r); xx++)
          if (test(yy * W + xx)) return true;
      return false;
    };
    for (let i = 0; i < mask.length; i++) {
      if ((mask[i]! & CR) === 0 || det.crPixels.has(i)) continue;
      const x = i % W;
      if (flaggedNear(x, (i - x) / W, 1, (j) => det.crPixels.has(j))) halo++;
      else falsePx++;
    }
    let onStars = 0;
    for (const s of det.stars) {
      const x = Math.round(s.x);
      const y = Math.round(s.y);
      if (
        flaggedNear(
          x,
          y,
          2,
          (j) =>
            (mask[j]! & CR) !== 0 &&
            !flaggedNear(j % W, Math.floor(j / W), 1, (k) => det.crPixels.has(k)),
        )
      )
        onStars++;
    }
    console.log(
      `L.A.Cosmic: ${found}/${usable} found (${((100 * found) / usable).toFixed(2)} %), false ${falsePx}, halo ${halo}, stars flagged ${onStars}/${det.stars.length}, ${stats.crPixels} CR px, ${ms.toFixed(0)} ms`,
    );
    expect(stats.crMethod).toBe('laplacian');
    expect(found / usable).toBeGreaterThanOrEqual(0.95);
    expect(falsePx / ((W * H) / 1e6)).toBeLessThanOrEqual(1);
    expect(onStars).toBe(0);
  });

  it('repairs cosmic-ray pixels by interpolation to within noise of the truth', () => {
    const z: number[] = [];
    for (const i of det.crPixels.keys()) {
      if ((mask[i]! & CR) === 0 || (mask[i]! & SAT) !== 0) continue;
      z.push((img[i]! - det.truth[i]!) / Math.sqrt(variance[i]!));
    }
    z.sort((a, b) => Math.abs(a) - Math.abs(b));
    const p95 = Math.abs(z[Math.floor(0.95 * z.length)]!);
    const mean = z.reduce((a, b) => a + b, 0) / z.length;
    console.log(
      `L.A.Cosmic repairs: (value − truth)/σ mean ${mean.toFixed(3)}, |z| 95th percentile ${p95.toFixed(2)}`,
    );
    expect(Math.abs(mean)).toBeLessThan(0.5);
    expect(p95).toBeLessThan(3);
  });
});
