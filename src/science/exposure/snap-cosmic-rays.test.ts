import { describe, expect, it } from 'vitest';
import { markSnapCosmicRays } from './snap-cosmic-rays.js';

/** Two snaps of flat sky 1000 e⁻ with Gaussian noise (read σ 5 e⁻), a hit in snap 1. */
function snapPair(width: number, height: number): Float32Array[] {
  let s = 12345;
  const u = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) + 0.5) / 4294967296;
  };
  const g = (): number => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const snaps = [0, 1].map(() => {
    const a = new Float32Array(width * height);
    for (let i = 0; i < a.length; i++) a[i] = 1000 + Math.sqrt(1000 + 25) * g();
    return a;
  });
  const hit = snaps[1]!;
  for (const [x, y, v] of [
    [20, 20, 5000],
    [21, 20, 900],
    [21, 21, 400],
  ] as const) {
    hit[y * width + x] = hit[y * width + x]! + v;
  }
  return snaps;
}

describe('markSnapCosmicRays', () => {
  it('finds the same cosmic-ray pixels with one read-noise level as with a plane of it, and without a mask', () => {
    const w = 48;
    const h = 40;
    const a = snapPair(w, h);
    const b = a.map((s) => s.slice());
    const withPlane = markSnapCosmicRays(a, w, h, new Uint32Array(w * h), 0, {
      base: new Float32Array(w * h).fill(25),
    });
    const withLevel = markSnapCosmicRays(b, w, h, undefined, 0, { base: 25 });
    expect(withPlane).toBeGreaterThanOrEqual(2);
    expect(withLevel).toBe(withPlane);
    expect(Number.isNaN(b[1]![20 * w + 20]!)).toBe(true);
    for (let k = 0; k < 2; k++)
      for (let i = 0; i < w * h; i++) expect(Object.is(a[k]![i], b[k]![i])).toBe(true);
  });
});
