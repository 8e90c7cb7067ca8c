import { describe, expect, it } from 'vitest';
import { Prng } from '../prng.js';
import { airmassKastenYoung, secZ } from './airmass.js';
import {
  apparentToHorizontal,
  horizontalToIcrs,
  icrsToHorizontal,
  separationDeg,
} from './horizontal.js';
import { moonPhase, topocentricMoon } from './moon.js';
import { greenwichApparentSiderealDeg, greenwichMeanSiderealDeg } from './sidereal-time.js';
import { CERRO_PACHON } from './site.js';
import { wrap180 } from './sky-input.js';
import { ASTROPY_SKIP_REASON, astropySky, HAVE_ASTROPY } from './testing/astropy-sky.js';
import { nightWindow, sunAltitudeDeg } from './twilight.js';

if (!HAVE_ASTROPY) console.warn(ASTROPY_SKIP_REASON);

const site = CERRO_PACHON;
const FROM_MS = Date.UTC(2024, 0, 1);
const SPAN_MS = 12 * 365.25 * 86_400_000;

/** Great-circle distance between two horizon directions, degrees. */
function horizonSepDeg(alt1: number, az1: number, alt2: number, az2: number): number {
  return separationDeg(az1, alt1, az2, alt2);
}

describe('site astronomy against astropy at Cerro Pachón', () => {
  const rng = new Prng(2024);
  const stars = Array.from({ length: 300 }, () => ({
    ra: rng.uniform(0, 360),
    dec: (Math.asin(rng.uniform(-1, 1)) * 180) / Math.PI,
    utcMs: FROM_MS + rng.uniform(0, SPAN_MS),
  }));
  const times = Array.from({ length: 200 }, () => FROM_MS + rng.uniform(0, SPAN_MS));
  const ref = HAVE_ASTROPY ? astropySky(site, stars, times) : undefined;

  it.skipIf(!HAVE_ASTROPY)(
    'puts ICRS stars at astropy’s geometric alt/az within 0.005° (2024–2036, UT1 taken as UTC)',
    () => {
      let worst = 0;
      stars.forEach((s, i) => {
        const ours = icrsToHorizontal(s.ra, s.dec, s.utcMs, site);
        const theirs = ref!.stars[i]!;
        worst = Math.max(worst, horizonSepDeg(ours.altDeg, ours.azDeg, theirs.alt, theirs.az));
        expect(Math.abs(ours.altDeg - theirs.alt)).toBeLessThan(0.005);
      });
      console.info(`stars: worst alt/az separation from astropy ${(worst * 3600).toFixed(1)}″`);
      expect(worst).toBeLessThan(0.005);
    },
  );

  it.skipIf(!HAVE_ASTROPY)(
    'gives Greenwich mean and apparent sidereal time within 0.005° (UT1 − UTC ≤ 0.9 s)',
    () => {
      times.forEach((t, i) => {
        expect(Math.abs(wrap180(greenwichMeanSiderealDeg(t) - ref!.times[i]!.gmst))).toBeLessThan(
          0.005,
        );
        expect(
          Math.abs(wrap180(greenwichApparentSiderealDeg(t) - ref!.times[i]!.gast)),
        ).toBeLessThan(0.005);
      });
    },
  );

  it.skipIf(!HAVE_ASTROPY)(
    'places the Sun within 0.02° and the topocentric Moon within 0.1° of astropy, with the Moon’s lit fraction within 0.01',
    () => {
      let sunWorst = 0;
      let moonWorst = 0;
      let illumWorst = 0;
      times.forEach((t, i) => {
        const r = ref!.times[i]!;
        const sunAlt = sunAltitudeDeg(t, site);
        expect(Math.abs(sunAlt - r.sunAlt)).toBeLessThan(0.02);
        sunWorst = Math.max(sunWorst, Math.abs(sunAlt - r.sunAlt));
        const m = apparentToHorizontal(topocentricMoon(t, site), t, site);
        const sep = horizonSepDeg(m.altDeg, m.azDeg, r.moonAlt, r.moonAz);
        expect(sep).toBeLessThan(0.1);
        moonWorst = Math.max(moonWorst, sep);
        const di = Math.abs(moonPhase(t).illumination - r.moonIllumination);
        expect(di).toBeLessThan(0.01);
        illumWorst = Math.max(illumWorst, di);
      });
      console.info(
        `sun alt worst ${sunWorst.toFixed(4)}°, moon worst ${moonWorst.toFixed(3)}°, illumination worst ${illumWorst.toFixed(4)}`,
      );
    },
  );

  it.skipIf(!HAVE_ASTROPY)(
    'finds −12° and −18° twilight where astropy has the Sun at that altitude (within 0.02°)',
    () => {
      const nights = ['2026-06-21', '2026-11-13', '2027-03-20', '2030-12-21'];
      const windows = nights.flatMap((d) => [-12, -18].map((alt) => nightWindow(d, site, alt)));
      const r = astropySky(
        site,
        [],
        windows.flatMap((w) => [w.eveningMs, w.morningMs]),
      );
      windows.forEach((w, i) => {
        expect(w.morningMs).toBeGreaterThan(w.eveningMs);
        expect(Math.abs(r.times[2 * i]!.sunAlt - w.sunAltDeg)).toBeLessThan(0.02);
        expect(Math.abs(r.times[2 * i + 1]!.sunAlt - w.sunAltDeg)).toBeLessThan(0.02);
      });
    },
  );
});

describe('site astronomy', () => {
  it('turns alt/az back into the ICRS direction it came from (to 1e-5°, 0.04″)', () => {
    const rng = new Prng(7);
    for (let i = 0; i < 50; i++) {
      const ra = rng.uniform(0, 360);
      const dec = rng.uniform(-85, 85);
      const t = FROM_MS + rng.uniform(0, SPAN_MS);
      const h = icrsToHorizontal(ra, dec, t, site);
      const back = horizontalToIcrs(h.altDeg, h.azDeg, t, site);
      expect(separationDeg(ra, dec, back.raDeg, back.decDeg)).toBeLessThan(1e-5);
    }
  });

  it('gives Kasten–Young air mass 1 at the zenith, 38.09 (±0.5 %) at the horizon, and never more than sec z above it', () => {
    expect(airmassKastenYoung(90)).toBeCloseTo(1, 3);
    // Kasten & Young's ray-traced table has 38.0868 at the horizon; the formula is within 0.5 %.
    expect(Math.abs(airmassKastenYoung(0) / 38.0868 - 1)).toBeLessThan(0.005);
    expect(airmassKastenYoung(30)).toBeCloseTo(1.994, 3);
    for (let h = 1; h <= 90; h += 1) expect(airmassKastenYoung(h)).toBeLessThanOrEqual(secZ(h));
  });

  it('rejects a non-finite time or coordinate with PROMPTLY_E_SIM_SKY_INVALID', () => {
    expect(() => icrsToHorizontal(Number.NaN, 0, FROM_MS, site)).toThrow(
      expect.objectContaining({ code: 'PROMPTLY_E_SIM_SKY_INVALID' }),
    );
    expect(() => sunAltitudeDeg(Number.POSITIVE_INFINITY, site)).toThrow(
      expect.objectContaining({ code: 'PROMPTLY_E_SIM_SKY_INVALID' }),
    );
    expect(() => nightWindow('2026-02-30', site, -12)).toThrow(
      expect.objectContaining({ code: 'PROMPTLY_E_SIM_SKY_INVALID' }),
    );
  });
});
