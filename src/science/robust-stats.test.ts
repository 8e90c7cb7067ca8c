import { describe, expect, it } from 'vitest';
import { clippedStatsInPlace, medianInPlace, selectInPlace } from './robust-stats.js';
import { makeRng } from './testing/synth.js';

describe('robust statistics', () => {
  it('selects the k-th smallest value like a full sort does', () => {
    const rng = makeRng(3);
    for (const n of [1, 2, 7, 64, 1001]) {
      const a = Float64Array.from({ length: n }, () => Math.floor(rng() * 50));
      const sorted = Float64Array.from(a).sort();
      for (const k of [0, n >> 1, n - 1])
        expect(selectInPlace(Float64Array.from(a), n, k)).toBe(sorted[k]);
    }
  });

  it('takes the mean of the two middle values for an even count', () => {
    expect(medianInPlace(Float64Array.from([4, 1, 3, 2]), 4)).toBe(2.5);
    expect(Number.isNaN(medianInPlace(new Float64Array(0), 0))).toBe(true);
  });

  it('clips an outlier and reports the mean and σ of the rest', () => {
    const a = Float64Array.from([9, 10, 11, 9, 10, 11, 9, 10, 11, 1000]);
    const s = clippedStatsInPlace(a, a.length, 3);
    expect(s.count).toBe(9);
    expect(s.mean).toBe(10);
    expect(s.stddev).toBeCloseTo(Math.sqrt(2 / 3), 12);
  });
});
