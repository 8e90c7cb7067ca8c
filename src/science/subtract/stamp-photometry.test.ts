import { describe, expect, it } from 'vitest';
import { withoutVariableStars } from './stamp-photometry.js';

const W = 200;
const H = 200;

/** A Gaussian star of `flux` (σ 1.5 px) added at (x, y). */
function addStar(image: Float32Array, x: number, y: number, flux: number): void {
  const s = 1.5;
  for (let j = y - 10; j <= y + 10; j++)
    for (let i = x - 10; i <= x + 10; i++) {
      const r2 = (i - x) ** 2 + (j - y) ** 2;
      image[j * W + i]! += (flux * Math.exp(-r2 / (2 * s * s))) / (2 * Math.PI * s * s);
    }
}

describe('withoutVariableStars', () => {
  const stars = [
    { x: 30, y: 30, snr: 100 },
    { x: 100, y: 40, snr: 90 },
    { x: 160, y: 60, snr: 80 },
    { x: 50, y: 150, snr: 70 },
    { x: 150, y: 160, snr: 60 },
  ];

  it('refuses the star whose science/template ratio is off the others', () => {
    const science = new Float32Array(W * H);
    const template = new Float32Array(W * H);
    stars.forEach((c, k) => {
      addStar(template, c.x, c.y, 10_000);
      // a common photometric scale of 0.97, and star 2 a variable 0.27 mag fainter
      addStar(science, c.x, c.y, 10_000 * 0.97 * (k === 2 ? 10 ** (-0.4 * 0.27) : 1));
    });
    const kept = withoutVariableStars(science, template, W, H, stars, 4.5);
    expect(kept.map((c) => c.x)).toEqual([30, 100, 50, 150]);
  });

  it('keeps every candidate when there is no majority to judge by', () => {
    const science = new Float32Array(W * H);
    const template = new Float32Array(W * H);
    addStar(template, 30, 30, 10_000);
    addStar(template, 100, 40, 10_000);
    addStar(science, 30, 30, 10_000);
    addStar(science, 100, 40, 5_000);
    expect(withoutVariableStars(science, template, W, H, stars.slice(0, 2), 4.5)).toHaveLength(2);
  });
});
