import { describe, expect, it } from 'vitest';
import { Prng } from '../../sim/prng.js';
import { matchStars } from './match-stars.js';

/**
 * A small detector in a crowded field: 4 catalog stars detected among 14 detections that have
 * no catalog entry (galaxies, stars past the catalog's limit), and 900 catalog stars in the
 * search box. The true offset is (3.4, −7.8) px and the zero point 31.8.
 */
function crowdedField(seed: number) {
  const rng = new Prng(seed);
  const refs = { x: [] as number[], y: [] as number[], brightness: [] as number[] };
  for (let k = 0; k < 900; k++) {
    refs.x.push(rng.uniform(-80, 1080));
    refs.y.push(rng.uniform(-80, 1080));
    refs.brightness.push(rng.uniform(15, 22));
  }
  const det = { x: [] as number[], y: [] as number[], brightness: [] as number[] };
  const truePairs: [number, number][] = [];
  const [dx, dy, zp] = [3.4, -7.8, 31.8];
  for (let k = 0; k < 4; k++) {
    const r = k * 97;
    refs.brightness[r] = 16 + k;
    truePairs.push([det.x.length, r]);
    det.x.push(refs.x[r]! + dx + 0.05 * rng.gaussian());
    det.y.push(refs.y[r]! + dy + 0.05 * rng.gaussian());
    det.brightness.push(10 ** ((zp - refs.brightness[r]) / 2.5));
  }
  for (let k = 0; k < 14; k++) {
    det.x.push(rng.uniform(0, 1000));
    det.y.push(rng.uniform(0, 1000));
    det.brightness.push(10 ** ((zp - rng.uniform(18, 24)) / 2.5));
  }
  return { refs, det, truePairs, dx, dy, zp };
}

describe('matchStars', () => {
  it('finds a few true pairs among hundreds of catalog stars by agreeing offset and zero point', () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const f = crowdedField(seed);
      const m = matchStars(f.det, f.refs, { searchPx: 75, tolerancePx: 1.5 });
      expect(m.dx).toBeCloseTo(f.dx, 0);
      expect(m.dy).toBeCloseTo(f.dy, 0);
      expect(Math.abs(m.zeroPointMag - f.zp)).toBeLessThan(0.3);
      const found = new Set(Array.from(m.detection, (d, i) => `${d}:${m.reference[i]}`));
      for (const [d, r] of f.truePairs) expect(found.has(`${d}:${r}`)).toBe(true);
    }
  });

  it('refuses a zero-point bin out of bounds', () => {
    const f = crowdedField(1);
    expect(() => matchStars(f.det, f.refs, { searchPx: 10, zeroPointBinMag: 0 })).toThrow(
      RangeError,
    );
  });
});
