import { describe, expect, it } from 'vitest';
import { FLARE_RATE_PER_DAY, FLARE_STAR_FRACTION, flareAt } from './flares.js';

describe('stellar flares', () => {
  const MJD = 61_000;

  /** Every flare of stars 1..n over `days` days sampled each minute, by id. */
  function flares(n: number, days: number, seed = 7): Map<string, number[]> {
    const out = new Map<string, number[]>();
    for (let id = 1; id <= n; id++)
      for (let t = 0; t < days * 1440; t++) {
        const f = flareAt(seed, id, MJD + t / 1440);
        if (!f) continue;
        const list = out.get(f.id) ?? [];
        list.push(f.fluxRatio);
        out.set(f.id, list);
      }
    return out;
  }

  it('come from the flaring fraction of stars at the drawn rate, each one rise and a decay', () => {
    const found = flares(2000, 2);
    const stars = new Set([...found.keys()].map((k) => k.split('-')[1]));
    // ≈ 3 % of 2000 stars flare, each about once every two days
    expect(stars.size).toBeGreaterThan(0.5 * FLARE_STAR_FRACTION * 2000 * FLARE_RATE_PER_DAY);
    expect(stars.size).toBeLessThan(1.6 * FLARE_STAR_FRACTION * 2000);
    for (const ratios of found.values()) {
      // the brightest minute comes first, then it only fades (one flare per id)
      const peak = ratios.indexOf(Math.max(...ratios));
      expect(peak).toBe(0);
      for (let i = 1; i < ratios.length; i++)
        expect(ratios[i]!).toBeLessThanOrEqual(ratios[i - 1]! * 1.000001);
      expect(ratios[0]!).toBeLessThan(10 ** (0.4 * 3));
    }
  });

  it('are the same whenever they are asked for (a stable id and flux at a given time)', () => {
    const found = flares(500, 1);
    const [id] = [...found.keys()];
    expect(id).toMatch(/^flare-\d+-\d+$/);
    const star = Number(id!.split('-')[1]);
    for (let t = 0; t < 1440; t++) {
      const a = flareAt(7, star, MJD + t / 1440);
      const b = flareAt(7, star, MJD + t / 1440);
      expect(a).toEqual(b);
    }
    // another seed, another set of flares
    expect([...flares(500, 1, 8).keys()]).not.toEqual([...found.keys()]);
  });
});
