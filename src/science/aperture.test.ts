import { describe, expect, it } from 'vitest';
import { apertureSum, circleRectOverlap } from './aperture.js';

/** Reference: midpoint-rule area of the circle inside a rectangle on an n×n grid. */
function gridOverlap(xa: number, xb: number, ya: number, yb: number, r: number, n = 1000): number {
  let inside = 0;
  for (let i = 0; i < n; i++) {
    const x = xa + ((i + 0.5) * (xb - xa)) / n;
    for (let j = 0; j < n; j++) {
      const y = ya + ((j + 0.5) * (yb - ya)) / n;
      if (x * x + y * y <= r * r) inside++;
    }
  }
  return (inside * (xb - xa) * (yb - ya)) / (n * n);
}

describe('circleRectOverlap', () => {
  it.each([
    [0.2, 1.2, -0.3, 0.7, 1],
    [-2.5, -1.5, 0.5, 1.5, 2.3],
    [2.1, 3.1, 1.4, 2.4, 3],
    [-0.5, 0.5, -0.5, 0.5, 0.3],
    [3.5, 4.5, -0.5, 0.5, 4.2],
  ])('matches a fine-grid integration for [%f,%f]×[%f,%f], r=%f', (xa, xb, ya, yb, r) => {
    expect(circleRectOverlap(xa, xb, ya, yb, r)).toBeCloseTo(gridOverlap(xa, xb, ya, yb, r), 4);
  });
});

describe('apertureSum', () => {
  it('sums to π r² on a flat unit image, wherever the centre falls', () => {
    const w = 40;
    const data = new Float32Array(w * w).fill(1);
    for (const [cx, cy, r] of [
      [20, 20, 5],
      [20.37, 19.81, 3.3],
      [15.5, 22.5, 7.25],
    ] as const) {
      const ap = apertureSum(data, undefined, w, w, cx, cy, r);
      expect(ap.sum).toBeCloseTo(Math.PI * r * r, 9);
      expect(ap.truncated).toBe(false);
    }
  });

  it('reports truncation at the edge and skips non-finite pixels', () => {
    const w = 20;
    const data = new Float32Array(w * w).fill(1);
    data[10 * w + 10] = NaN;
    const edge = apertureSum(data, undefined, w, w, 1, 1, 4);
    expect(edge.truncated).toBe(true);
    expect(edge.sum).toBeLessThan(Math.PI * 16);
    const hole = apertureSum(data, undefined, w, w, 10, 10, 3);
    expect(hole.hasNonFinite).toBe(true);
    expect(hole.sum).toBeCloseTo(Math.PI * 9 - 1, 9);
  });

  it('accumulates the overlap-weighted variance from the RMS map', () => {
    const w = 30;
    const data = new Float32Array(w * w);
    const rms = new Float32Array(w * w).fill(2);
    const ap = apertureSum(data, rms, w, w, 15.2, 14.9, 4);
    expect(ap.variance).toBeCloseTo(4 * Math.PI * 16, 9);
  });
});
