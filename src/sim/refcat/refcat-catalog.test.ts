import { describe, expect, it } from 'vitest';
import { starsInBox, type SkyModel } from '../sky-catalog.js';
import {
  REFCAT_BANDS,
  REFCAT_EPOCH_JYEAR,
  completeness,
  gaiaG,
  propagatedPositionErrorMas,
} from './error-model.js';
import { htmId } from './htm.js';
import {
  SKY_EPOCH_JYEAR,
  propagate,
  starsAtEpoch,
  tangentOffsetMas,
  trueProperMotion,
} from './proper-motion.js';
import { refcatShardRows, type RefcatRows } from './refcat-catalog.js';
import { shardsForRegion } from './shard-region.js';

const SKY: SkyModel = { seed: 7, densityPerDeg2: 20_000, magLimit: 24 };

interface Truth {
  ra: number;
  dec: number;
  r: number;
  g: number;
  mag: Record<string, number>;
}

/** The true sky around a field, by id (a box wider than the shards). */
function truthAround(ra: number, dec: number, halfDeg: number): Map<number, Truth> {
  const cosDec = Math.cos((dec * Math.PI) / 180);
  const stars = starsInBox(SKY, {
    raMin: ra - halfDeg / cosDec,
    raMax: ra + halfDeg / cosDec,
    decMin: dec - halfDeg,
    decMax: dec + halfDeg,
  });
  const out = new Map<number, Truth>();
  for (let k = 0; k < stars.length; k++) {
    const mag: Record<string, number> = {};
    for (const b of Object.keys(stars.mag)) mag[b] = stars.mag[b]![k]!;
    out.set(stars.id[k]!, { ra: stars.ra[k]!, dec: stars.dec[k]!, r: mag.r!, g: mag.g!, mag });
  }
  return out;
}

function std(xs: readonly number[]): number {
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Every star of the shards under a circle around (ra, dec), and the truth there. */
function field(
  ra: number,
  dec: number,
  radiusDeg: number,
): { rows: RefcatRows[]; truth: Map<number, Truth> } {
  const rows = shardsForRegion({ ra, dec }, radiusDeg).map((s) => refcatShardRows(SKY, s));
  return { rows, truth: truthAround(ra, dec, radiusDeg + 1) };
}

// Two fields: one at mid galactic latitude, one near the Galactic plane (other pm scale).
const FIELDS = [field(150, -30, 0.3), field(270, -28, 0.2)];

describe('the simulated reference catalog against the true sky', () => {
  it('has positions at J2016.0 off the truth by its stated errors (normalised residual σ within 10 % of 1)', () => {
    const east: number[] = [];
    const north: number[] = [];
    const stated: number[] = [];
    for (const { rows, truth } of FIELDS)
      for (const r of rows)
        for (let k = 0; k < r.length; k++) {
          const t = truth.get(r.id[k]!)!;
          const pm = trueProperMotion(SKY.seed, r.id[k]!, t.ra, t.dec, t.r);
          const at = propagate(
            t.ra,
            t.dec,
            pm.pmRa,
            pm.pmDec,
            REFCAT_EPOCH_JYEAR - SKY_EPOCH_JYEAR,
          );
          const d = tangentOffsetMas(at.ra, at.dec, r.ra[k]!, r.dec[k]!);
          east.push(d.east / r.raErr[k]!);
          north.push(d.north / r.decErr[k]!);
          stated.push(r.raErr[k]!);
          expect(r.epoch[k]).toBe(2016);
        }
    expect(east.length).toBeGreaterThan(2000);
    console.log(
      `refcat positions: ${east.length} stars, σ(Δα*/err) ${std(east).toFixed(3)}, σ(Δδ/err) ${std(north).toFixed(3)}, median stated error ${median(stated).toFixed(3)} mas`,
    );
    expect(Math.abs(std(east) - 1)).toBeLessThan(0.1);
    expect(Math.abs(std(north) - 1)).toBeLessThan(0.1);
  });

  it('has proper motions and grizy magnitudes off the truth by their stated errors', () => {
    const pm: number[] = [];
    const mags: Record<string, number[]> = {};
    for (const { rows, truth } of FIELDS)
      for (const r of rows)
        for (let k = 0; k < r.length; k++) {
          const t = truth.get(r.id[k]!)!;
          const p = trueProperMotion(SKY.seed, r.id[k]!, t.ra, t.dec, t.r);
          pm.push((r.pmRa[k]! - p.pmRa) / r.pmRaErr[k]!, (r.pmDec[k]! - p.pmDec) / r.pmDecErr[k]!);
          for (const b of REFCAT_BANDS) {
            const m = r.mag[b][k]!;
            if (Number.isNaN(m)) continue;
            (mags[b] ??= []).push((m - t.mag[b]!) / r.magErr[b][k]!);
          }
        }
    console.log(
      `refcat pm σ(Δμ/err) ${std(pm).toFixed(3)}; mags σ(Δm/err): ${REFCAT_BANDS.map((b) => `${b} ${std(mags[b]!).toFixed(3)}`).join(', ')}`,
    );
    expect(Math.abs(std(pm) - 1)).toBeLessThan(0.1);
    for (const b of REFCAT_BANDS) {
      expect(mags[b]!.length).toBeGreaterThan(1000);
      // Float32 magnitudes round by ≤ 1e-6 mag, far below the 0.01 mag floor.
      expect(Math.abs(std(mags[b]!) - 1)).toBeLessThan(0.1);
    }
  });

  it('propagated with its own proper motions to an observation epoch, lands on the truth within the propagated errors', () => {
    for (const epoch of [SKY_EPOCH_JYEAR, 2031.5]) {
      const norm: number[] = [];
      const raw: number[] = [];
      const moved: number[] = [];
      for (const { rows, truth } of FIELDS) {
        for (const r of rows) {
          // The truth at `epoch`: the sky's stars moved by their true motions.
          const ids = [...r.id];
          const sky = starsAtEpoch(
            SKY.seed,
            {
              id: Float64Array.from(ids),
              ra: Float64Array.from(ids, (i) => truth.get(i)!.ra),
              dec: Float64Array.from(ids, (i) => truth.get(i)!.dec),
              mag: { r: Float32Array.from(ids, (i) => truth.get(i)!.r) },
              length: ids.length,
            },
            epoch,
          );
          const dt = epoch - r.epoch[0]!;
          for (let k = 0; k < r.length; k++) {
            const p = propagate(r.ra[k]!, r.dec[k]!, r.pmRa[k]!, r.pmDec[k]!, dt);
            const d = tangentOffsetMas(sky.ra[k]!, sky.dec[k]!, p.ra, p.dec);
            const sigma = propagatedPositionErrorMas(r.raErr[k]!, r.pmRaErr[k]!, dt);
            norm.push(d.east / sigma, d.north / sigma);
            moved.push(Math.hypot(d.east, d.north));
            const still = tangentOffsetMas(sky.ra[k]!, sky.dec[k]!, r.ra[k]!, r.dec[k]!);
            raw.push(Math.hypot(still.east, still.north));
          }
        }
      }
      console.log(
        `epoch ${epoch}: σ(Δ/σ_prop) ${std(norm).toFixed(3)}; median offset from truth ${median(moved).toFixed(2)} mas with pm, ${median(raw).toFixed(1)} mas without`,
      );
      expect(Math.abs(std(norm) - 1)).toBeLessThan(0.1);
      // Not applying the motions is off by real-catalog amounts (tens of mas after ~11 yr).
      expect(median(raw)).toBeGreaterThan(20);
      expect(median(raw)).toBeGreaterThan(4 * median(moved));
    }
  });

  it('is complete at bright magnitudes, about half complete at G 20.7 and empty beyond G 21', () => {
    const held = new Set<number>();
    for (const { rows } of FIELDS) for (const r of rows) for (const id of r.id) held.add(id);
    const bins = new Map<string, { n: number; inCat: number; expected: number }>();
    const { rows, truth } = FIELDS[0]!;
    const shards = new Set(rows.map((r) => r.shard));
    for (const [id, t] of truth) {
      // Stars whose truth lies well inside the shards (so none are lost at the edges).
      if (!shards.has(htmId(7, t.ra, t.dec))) continue;
      const g = gaiaG(t.r, t.g);
      const bin =
        g < 19
          ? '<19'
          : g < 20.5
            ? '19-20.5'
            : g < 20.9
              ? '20.5-20.9'
              : g <= 21
                ? '20.9-21'
                : '>21';
      const b = bins.get(bin) ?? { n: 0, inCat: 0, expected: 0 };
      b.n++;
      b.expected += completeness(g);
      if (held.has(id)) b.inCat++;
      bins.set(bin, b);
    }
    console.log(
      `completeness: ${[...bins].map(([k, b]) => `G ${k}: ${(b.inCat / b.n).toFixed(3)} of ${b.n} (model ${(b.expected / b.n).toFixed(3)})`).join('; ')}`,
    );
    expect(bins.get('<19')!.inCat / bins.get('<19')!.n).toBeGreaterThan(0.98);
    const faint = bins.get('20.5-20.9')!;
    expect(faint.inCat / faint.n).toBeGreaterThan(0.35);
    expect(faint.inCat / faint.n).toBeLessThan(0.75);
    expect(bins.get('>21')!.inCat).toBe(0);
  });

  it('puts each star in exactly one shard, the one its catalog position lies in', () => {
    const seen = new Set<number>();
    for (const r of FIELDS[0]!.rows)
      for (let k = 0; k < r.length; k++) {
        expect(seen.has(r.id[k]!)).toBe(false);
        seen.add(r.id[k]!);
        expect(htmId(7, r.ra[k]!, r.dec[k]!)).toBe(r.shard);
      }
  });
});
