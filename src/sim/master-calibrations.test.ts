import { describe, expect, it } from 'vitest';
import { detectorGeometry } from './amp-layout.js';
import { detectorModel } from './detector-model.js';
import { ALL_EFFECTS } from './instrument-effects.js';
import { combine, combinedMasters } from './master-calibrations.js';
import { Prng } from './prng.js';

const g = detectorGeometry({
  ampWidth: 64,
  ampHeight: 100,
  prescan: 2,
  serialOverscan: 16,
  parallelOverscan: 4,
});
const model = detectorModel(3, 'LSSTComCam', 4, g, ALL_EFFECTS);

/** Robust σ (1.4826 × MAD) of `a − b` over pixels where `keep` is true. */
function robustSigma(a: Float32Array, b: Float32Array, keep: (i: number) => boolean): number {
  const d: number[] = [];
  for (let i = 0; i < a.length; i++) if (keep(i)) d.push(a[i]! - b[i]!);
  d.sort((x, y) => x - y);
  const med = d[d.length >> 1]!;
  const abs = d.map((x) => Math.abs(x - med)).sort((x, y) => x - y);
  return 1.4826 * abs[abs.length >> 1]!;
}

function mean(a: Float32Array, keep: (i: number) => boolean): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++)
    if (keep(i)) {
      s += a[i]!;
      n++;
    }
  return s / n;
}

describe('masters combined from simulated exposures', () => {
  const good = new Uint8Array(g.width * g.height).fill(1);
  for (const b of model.defects())
    for (let y = b.y0; y < b.y0 + b.height; y++)
      for (let x = b.x0; x < b.x0 + b.width; x++) good[y * g.width + x] = 0;
  const isGood = (i: number) => good[i] === 1;
  const single = combinedMasters(model, g, 4, { exposures: 1, seed: 9, cosmicRatePerCm2S: 0 });
  const four = combinedMasters(model, g, 4, { exposures: 4, seed: 9, cosmicRatePerCm2S: 0.03 });
  const sixteen = combinedMasters(model, g, 4, {
    exposures: 16,
    seed: 9,
    cosmicRatePerCm2S: 0.03,
  });

  it('has a bias noise about the bias structure of one exposure’s / √N (within 8 %)', () => {
    const s1 = robustSigma(single.biasE, model.masterBiasE, () => true);
    const s4 = robustSigma(four.biasE, model.masterBiasE, () => true);
    const s16 = robustSigma(sixteen.biasE, model.masterBiasE, () => true);
    console.log(
      `bias noise about the structure: 1 exposure ${s1.toFixed(2)} e-, 4: ${s4.toFixed(2)} e- (ratio ${(s4 / s1).toFixed(3)}), 16: ${s16.toFixed(2)} e- (ratio ${(s16 / s1).toFixed(3)})`,
    );
    // one exposure: read noise (≈ 6 e⁻) and the row-by-row overscan estimate
    expect(s1).toBeGreaterThan(4);
    expect(s1).toBeLessThan(10);
    expect(s4 / s1).toBeGreaterThan(0.5 * 0.92);
    expect(s4 / s1).toBeLessThan(0.5 * 1.08);
    expect(s16 / s1).toBeGreaterThan(0.25 * 0.92);
    expect(s16 / s1).toBeLessThan(0.25 * 1.08);
  });

  it('has a dark of the model’s current (within 5 %), hot pixels included, cosmic rays clipped', () => {
    const d = model.darkCurrentE;
    expect(mean(sixteen.darkEPerS, isGood) / d).toBeGreaterThan(0.95);
    expect(mean(sixteen.darkEPerS, isGood) / d).toBeLessThan(1.05);
    const hottest = [...model.hotPixels].sort((a, b) => b.rateE - a.rateE)[0]!;
    const got = sixteen.darkEPerS[hottest.index]!;
    expect(Math.abs(got - (hottest.rateE + d))).toBeLessThan(0.05 * hottest.rateE);
    // no pixel outside the hot ones far above the dark current: cosmic rays were rejected
    const hot = new Set(model.hotPixels.map((h) => h.index));
    let worst = 0;
    sixteen.darkEPerS.forEach((v, i) => {
      if (!hot.has(i)) worst = Math.max(worst, v - d);
    });
    expect(worst).toBeLessThan(0.2);
  });

  it('has a flat of the model’s response with the defects in it, noise ≈ one exposure’s / √N', () => {
    const truth = model.flat('r');
    const f1 = single.flat('r');
    const f4 = four.flat('r');
    const s1 = robustSigma(f1, truth, isGood);
    const s4 = robustSigma(f4, truth, isGood);
    console.log(`flat noise: 1 exposure ${s1.toExponential(2)}, 4: ${s4.toExponential(2)}`);
    // 50 ke⁻ per exposure: shot noise ≈ 0.45 %
    expect(s1).toBeGreaterThan(0.004);
    expect(s1).toBeLessThan(0.0055);
    expect(s4 / s1).toBeGreaterThan(0.5 * 0.92);
    expect(s4 / s1).toBeLessThan(0.5 * 1.08);
    expect(mean(f4, isGood)).toBeCloseTo(1, 6);
    const column = model.badColumns[0]!;
    expect(f4[50 * g.width + column]!).toBeLessThan(0.1);
  });

  it('combines by a clipped mean that drops a cosmic ray and keeps Gaussian noise', () => {
    const rng = new Prng(1);
    const n = 5000;
    const frames = Array.from({ length: 5 }, () =>
      Float32Array.from({ length: n }, () => 10 * rng.gaussian()),
    );
    frames[2]![100] = 5000;
    const out = combine(frames, n);
    expect(Math.abs(out[100]!)).toBeLessThan(30);
    let s = 0;
    for (let i = 0; i < n; i++) s += out[i]! * out[i]!;
    // σ of a mean of 5: 10 / √5 ≈ 4.47
    expect(Math.sqrt(s / n)).toBeGreaterThan(4.47 * 0.95);
    expect(Math.sqrt(s / n)).toBeLessThan(4.47 * 1.05);
  });
});
