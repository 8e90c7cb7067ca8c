import { describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config.js';
import {
  plannedVisit,
  plannedVisitCount,
  visitDurationS,
  type PlannedVisit,
} from './night-plan.js';
import { EFFECTIVE_WAVELENGTH_NM } from './photometry.js';
import { simPlanOptions } from './sim-options.js';
import { CERRO_PACHON } from './sky/site.js';
import { ASTROPY_SKIP_REASON, astropySky, HAVE_ASTROPY } from './sky/testing/astropy-sky.js';
import { nightWindow } from './sky/twilight.js';

if (!HAVE_ASTROPY) console.warn(ASTROPY_SKIP_REASON);

function plan(sim: Record<string, unknown>, instrument = 'LSSTComCam') {
  return simPlanOptions(instrument, loadConfig({ overrides: { sim } }).sim);
}

function visitsOf(options: ReturnType<typeof plan>): PlannedVisit[] {
  const n = plannedVisitCount(options)!;
  return Array.from({ length: n }, (_, i) => plannedVisit(options, i));
}

describe('the survey night plan at Cerro Pachón', () => {
  const defaultNight = plan({ visits: 0, nights: 1 });
  const night = visitsOf(defaultNight);
  const readoutS = defaultNight.readoutS;

  it.skipIf(!HAVE_ASTROPY)(
    'keeps every sampled exposure of the default night above airmass 2 (astropy sec z at shutter open and close)',
    () => {
      const sample = night.filter((_, i) => i % 7 === 0 || i === night.length - 1);
      const stars = sample.flatMap((v) =>
        [v.startMs, v.startMs + visitDurationS(v, readoutS) * 1000].map((utcMs) => ({
          ra: v.ra,
          dec: v.dec,
          utcMs,
        })),
      );
      const ref = astropySky(CERRO_PACHON, stars, []);
      const worst = Math.min(...ref.stars.map((s) => s.alt));
      console.info(
        `default night: ${night.length} visits, ${sample.length} checked, lowest altitude ${worst.toFixed(2)}°`,
      );
      for (const s of ref.stars) expect(1 / Math.sin((s.alt * Math.PI) / 180)).toBeLessThan(2);
      // The recorded conditions agree with astropy (mid-visit vs shutter open: < 0.3° apart).
      sample.forEach((v, i) =>
        expect(Math.abs(v.conditions!.altDeg - ref.stars[2 * i]!.alt)).toBeLessThan(0.3),
      );
    },
  );

  it('observes between evening and morning −12° twilight of its real date, every cadence', () => {
    const w = nightWindow('2026-11-13', CERRO_PACHON, -12);
    expect(night.length).toBeGreaterThan(800);
    for (const v of night) {
      expect(v.startMs).toBeGreaterThanOrEqual(w.eveningMs);
      expect(v.startMs + visitDurationS(v, readoutS) * 1000).toBeLessThanOrEqual(w.morningMs);
      expect(v.conditions!.sunAltDeg).toBeLessThan(-11.9);
    }
    expect(night[0]!.startMs).toBe(w.eveningMs);
  });

  it('visits every field twice in one band about 30 minutes apart, in at most 3 bands', () => {
    const byField = new Map<number, PlannedVisit[]>();
    for (const v of night) byField.set(v.fieldId!, [...(byField.get(v.fieldId!) ?? []), v]);
    let pairs = 0;
    const gaps: number[] = [];
    for (const vs of byField.values()) {
      for (let i = 0; i + 1 < vs.length; i++) {
        if (vs[i]!.pair !== 0 || vs[i + 1]!.pair !== 1) continue;
        pairs++;
        expect(vs[i + 1]!.band).toBe(vs[i]!.band);
        gaps.push((vs[i + 1]!.startMs - vs[i]!.startMs) / 60_000);
      }
    }
    // The night's last blob is cut short by dawn; every other pair is 29.75 min apart.
    expect(gaps.filter((g) => g > 25 && g < 35).length).toBeGreaterThan(0.9 * gaps.length);
    expect(Math.min(...gaps)).toBeGreaterThan(1);
    expect(pairs * 2).toBeGreaterThan(0.95 * night.length);
    expect(new Set(night.map((v) => v.band)).size).toBeLessThanOrEqual(3);
  });

  it('records the Moon, seeing × airmass^0.6 × (λ/500 nm)^−0.2 and a smoothly varying transparency per visit', () => {
    for (const v of night) {
      const c = v.conditions!;
      const expected =
        c.zenithSeeingArcsec * c.airmass ** 0.6 * (EFFECTIVE_WAVELENGTH_NM[v.band]! / 500) ** -0.2;
      expect(v.seeingArcsec).toBeCloseTo(expected, 10);
      expect(c.transparency).toBeGreaterThan(0.3);
      expect(c.transparency).toBeLessThanOrEqual(1);
      expect(c.moon.illumination).toBeGreaterThan(0.1);
      expect(c.moon.illumination).toBeLessThan(0.3);
      if (c.moon.altDeg > 0) expect(c.moon.separationDeg).toBeGreaterThan(25);
    }
    const seeing = night.map((v) => v.conditions!.zenithSeeingArcsec).sort((a, b) => a - b);
    expect(seeing[Math.floor(seeing.length / 2)]!).toBeGreaterThan(0.35);
    expect(seeing[Math.floor(seeing.length / 2)]!).toBeLessThan(1.4);
    for (let i = 1; i < night.length; i++) {
      const dt = night[i]!.conditions!.transparency - night[i - 1]!.conditions!.transparency;
      expect(Math.abs(dt)).toBeLessThan(0.02);
    }
  });

  it('revisits fields in the same band on later nights of a multi-night plan', () => {
    const visits = visitsOf(plan({ visits: 4, nights: 3 }));
    expect(visits).toHaveLength(12);
    const nights = new Map<string, Set<number>>();
    for (const v of visits) {
      const k = `${v.fieldId}/${v.band}`;
      nights.set(k, (nights.get(k) ?? new Set()).add(v.night!));
    }
    expect([...nights.values()].some((s) => s.size > 1)).toBe(true);
    expect(new Set(visits.map((v) => v.night))).toEqual(new Set([0, 1, 2]));
  });

  it('is deterministic in its seed, pairs a short night back to back, and replays a night from a given start', () => {
    const a = visitsOf(plan({ visits: 6, seed: 5 }));
    expect(visitsOf(plan({ visits: 6, seed: 5 }))).toEqual(a);
    expect(visitsOf(plan({ visits: 6, seed: 6 })).map((v) => v.rotationDeg)).not.toEqual(
      a.map((v) => v.rotationDeg),
    );
    expect(a.map((v) => v.pair)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(a[3]!.fieldId).toBe(a[0]!.fieldId);
    const sim = loadConfig({ overrides: { sim: { visits: 6, seed: 5 } } }).sim;
    const replay = simPlanOptions('LSSTComCam', sim, Date.UTC(2030, 0, 1, 12));
    const shifted = visitsOf(replay);
    const offset = shifted[0]!.startMs - a[0]!.startMs;
    expect(shifted[0]!.startMs).toBe(Date.UTC(2030, 0, 1, 12));
    shifted.forEach((v, i) => {
      expect(v.startMs - a[i]!.startMs).toBe(offset);
      expect(v.conditions).toEqual(a[i]!.conditions);
    });
  });
});
