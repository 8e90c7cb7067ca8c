import { describe, expect, it } from 'vitest';
import { imageFrom } from '../../science/index.js';
import { correlatedNoiseFactor } from './detect-dia-task.js';

/** Gaussian noise of unit σ, seeded. */
function noise(n: number, seed: number): Float32Array {
  let s = seed;
  const u = () => (s = (s * 16807) % 2147483647) / 2147483647;
  return Float32Array.from(
    { length: n },
    () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()),
  );
}

describe('the noise a matched filter sees on a difference image', () => {
  const w = 400;
  const h = 400;
  const unit = imageFrom(w, h, new Float32Array(w * h).fill(1));

  it('is what white noise predicts when the noise is white', () => {
    const f = correlatedNoiseFactor(imageFrom(w, h, noise(w * h, 7)), unit, 3.5);
    expect(f).toBeGreaterThanOrEqual(1);
    expect(f).toBeLessThan(1.05);
  });

  it('is larger when neighbouring pixels are correlated (as after warping)', () => {
    const white = noise(w * h, 11);
    const corr = new Float32Array(w * h);
    // a 2 × 2 box: each pixel the mean of four, rescaled to unit variance per pixel
    for (let y = 0; y < h - 1; y++)
      for (let x = 0; x < w - 1; x++) {
        const i = y * w + x;
        corr[i] = (white[i]! + white[i + 1]! + white[i + w]! + white[i + w + 1]!) / 2;
      }
    const f = correlatedNoiseFactor(imageFrom(w, h, corr), unit, 3.5);
    // the filtered noise of a 2 × 2 box-correlated field is close to twice white noise's
    expect(f).toBeGreaterThan(1.6);
    expect(f).toBeLessThan(2.1);
  });
});
