import { describe, expect, it } from 'vitest';
import { labelComponents } from './label.js';
import { makeRng } from './testing/synth.js';

/** Reference: breadth-first flood fill with an explicit queue, 8-connected. */
function floodComponents(mask: Uint8Array, w: number, h: number, minArea: number): number[][] {
  const seen = new Uint8Array(w * h);
  const out: number[][] = [];
  for (let s = 0; s < w * h; s++) {
    if (!mask[s] || seen[s]) continue;
    const comp: number[] = [];
    const queue = [s];
    seen[s] = 1;
    while (queue.length) {
      const i = queue.pop()!;
      comp.push(i);
      const x = i % w;
      const y = (i - x) / w;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
          const j = ny * w + nx;
          if (mask[j] && !seen[j]) {
            seen[j] = 1;
            queue.push(j);
          }
        }
      }
    }
    if (comp.length >= minArea) out.push(comp.sort((a, b) => a - b));
  }
  return out;
}

describe('labelComponents', () => {
  it('joins diagonal neighbours (8-connectivity)', () => {
    const mask = Uint8Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const fp = labelComponents(mask, 3, 3, 1);
    expect(fp.count).toBe(1);
    expect(Array.from(fp.pixels)).toEqual([0, 4, 8]);
  });

  it('merges the arms of a U that only meet at the bottom', () => {
    // 1 0 1 / 1 0 1 / 1 1 1
    const fp = labelComponents(Uint8Array.from([1, 0, 1, 1, 0, 1, 1, 1, 1]), 3, 3, 1);
    expect(fp.count).toBe(1);
    expect(fp.offsets[1]).toBe(7);
  });

  it('drops components smaller than minArea and renumbers the rest in raster order', () => {
    // a 1-pixel speck, then a 4-pixel square
    const w = 6;
    const mask = new Uint8Array(w * 4);
    mask[0] = 1;
    for (const i of [2 * w + 3, 2 * w + 4, 3 * w + 3, 3 * w + 4]) mask[i] = 1;
    const fp = labelComponents(mask, w, 4, 2);
    expect(fp.count).toBe(1);
    expect(fp.labels[0]).toBe(0);
    expect(fp.labels[2 * w + 3]).toBe(1);
    expect([fp.xMin[0], fp.xMax[0], fp.yMin[0], fp.yMax[0]]).toEqual([3, 4, 2, 3]);
  });

  it('matches a flood-fill reference on random masks', () => {
    const rng = makeRng(42);
    for (const density of [0.2, 0.45, 0.6]) {
      const w = 97;
      const h = 61;
      const mask = Uint8Array.from({ length: w * h }, () => (rng() < density ? 1 : 0));
      const fp = labelComponents(mask, w, h, 3);
      const ref = floodComponents(mask, w, h, 3).sort((a, b) => a[0]! - b[0]!);
      expect(fp.count).toBe(ref.length);
      for (let k = 0; k < fp.count; k++) {
        expect(Array.from(fp.pixels.subarray(fp.offsets[k], fp.offsets[k + 1]))).toEqual(ref[k]);
      }
    }
  });

  it('labels one blob covering a 3000×3000 image without recursion', () => {
    const w = 3000;
    const mask = new Uint8Array(w * w).fill(1);
    const fp = labelComponents(mask, w, w, 5);
    expect(fp.count).toBe(1);
    expect(fp.offsets[1]).toBe(w * w);
  });

  it('labels a long serpentine that forces many label merges', () => {
    // rows alternate full / single connecting pixel at alternating ends
    const w = 200;
    const h = 199;
    const mask = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) {
      if (y % 2 === 0) mask.fill(1, y * w, y * w + w);
      else mask[y * w + (y % 4 === 1 ? w - 1 : 0)] = 1;
    }
    expect(labelComponents(mask, w, h, 1).count).toBe(1);
  });
});
