import { describe, expect, it } from 'vitest';
import { medianInPlace } from '../robust-stats.js';
import { subtractImages } from './subtract.js';
import { makeImagePair } from './testing/synth-pair.js';

describe('subtractImages on a full-size 4096 × 4096 detector', () => {
  it('gives a difference whose noise is within 10 % of its variance plane away from sources', () => {
    const W = 4096;
    const { science, template, stars } = makeImagePair({
      width: W,
      height: W,
      seed: 2024,
      nStars: 4000,
      fluxMin: 2e3,
      fluxMax: 4e5,
      templateSigmaPx: 1.5,
      scienceSigmaPx: (x, y) => 2.0 + (0.4 * (x + y)) / (2 * W),
      sky: 800,
      scienceSkyOffset: -30,
      scienceSkyGradX: 0.005,
      readVariance: 30,
      scienceGain: 1,
      templateGain: 2,
    });
    const res = subtractImages(science, template);
    // every 7th pixel ≥ 20 px from every star
    const near = new Uint8Array(W * W);
    for (const s of stars) {
      const x0 = Math.max(0, Math.round(s.x) - 20);
      const x1 = Math.min(W - 1, Math.round(s.x) + 20);
      for (
        let y = Math.max(0, Math.round(s.y) - 20);
        y <= Math.min(W - 1, Math.round(s.y) + 20);
        y++
      ) {
        near.fill(1, y * W + x0, y * W + x1 + 1);
      }
    }
    const z = new Float64Array(Math.ceil((W * W) / 7));
    let n = 0;
    for (let i = 0; i < W * W; i += 7) {
      if (near[i]) continue;
      const v = res.difference.data[i]! / Math.sqrt(res.variance.data[i]!);
      if (Number.isFinite(v)) z[n++] = v;
    }
    expect(n).toBeGreaterThan(1e6);
    const med = medianInPlace(z, n);
    for (let i = 0; i < n; i++) z[i] = Math.abs(z[i]! - med);
    const robustStd = 1.4826 * medianInPlace(z, n);
    expect(Math.abs(med)).toBeLessThan(0.05);
    expect(Math.abs(robustStd - 1)).toBeLessThan(0.1);
    expect(res.quality.residualRmsMedian).toBeLessThan(1.2);
  }, 180_000);
});
