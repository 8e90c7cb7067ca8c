import { describe, expect, it } from 'vitest';
import { imageFrom } from './image.js';
import { windowCentroids } from './window-centroid.js';

/** A Gaussian star of `flux` e⁻ and σ `s` px at (x0, y0) on noise of σ `noise`, seeded. */
function star(x0: number, y0: number, flux: number, s: number, noise: number, seed: number) {
  const w = 64;
  const h = 64;
  let r = seed;
  const u = () => (r = (r * 16807) % 2147483647) / 2147483647;
  const data = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const g = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
      const d2 = (x - x0) ** 2 + (y - y0) ** 2;
      data[y * w + x] = (flux / (2 * Math.PI * s * s)) * Math.exp(-d2 / (2 * s * s)) + noise * g;
    }
  return imageFrom(w, h, data);
}

describe('windowed centroids', () => {
  it('find a noiseless Gaussian’s centre from a guess a pixel off', () => {
    const image = star(30.37, 28.81, 5000, 1.6, 0, 1);
    const c = windowCentroids(image, Float64Array.of(31.2), Float64Array.of(28.1), 1.6);
    expect(c.x[0]).toBeCloseTo(30.37, 3);
    expect(c.y[0]).toBeCloseTo(28.81, 3);
  });

  it('stay within a tenth of a pixel for a faint star (S/N ≈ 15), over many noise draws', () => {
    const errors: number[] = [];
    for (let seed = 1; seed <= 40; seed++) {
      const image = star(32.2, 31.7, 1500, 1.6, 5, seed * 7919);
      const c = windowCentroids(image, Float64Array.of(32.6), Float64Array.of(31.3), 1.6);
      errors.push(Math.hypot(c.x[0]! - 32.2, c.y[0]! - 31.7));
    }
    errors.sort((a, b) => a - b);
    expect(errors[errors.length >> 1]!).toBeLessThan(0.1);
  });

  it('keep the position of a source with no positive flux in its window', () => {
    const image = imageFrom(16, 16, new Float32Array(256).fill(-1));
    const c = windowCentroids(image, Float64Array.of(8), Float64Array.of(8), 1.5);
    expect([c.x[0], c.y[0]]).toEqual([8, 8]);
  });
});
