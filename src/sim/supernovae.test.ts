import { describe, expect, it } from 'vitest';
import { galaxiesInBox } from './galaxy-catalog.js';
import {
  EPOCH_BIN_DAYS,
  supernovaeInBox,
  supernovaMag,
  VISIBLE_AFTER_PEAK_DAYS,
  VISIBLE_BEFORE_PEAK_DAYS,
} from './supernovae.js';

const SKY = {
  seed: 8,
  densityPerDeg2: 1_000,
  magLimit: 24,
  galaxyMagLimit: 24.5,
  supernovaRatePerDeg2Yr: 5_000,
};
const BOX = { raMin: 40, raMax: 40.5, decMin: -20.25, decMax: -19.75 };
const MJD = 61_360.2;

describe('supernovae', () => {
  it('keeps each supernova’s id, place and light curve from visit to visit and night to night', () => {
    const now = new Map(supernovaeInBox(SKY, BOX, MJD).map((sn) => [sn.id, sn]));
    const later = supernovaeInBox(SKY, BOX, MJD + 12);
    let both = 0;
    for (const sn of later) {
      const was = now.get(sn.id);
      if (was === undefined) continue;
      both++;
      expect(sn.ra).toBe(was.ra);
      expect(sn.dec).toBe(was.dec);
      expect(sn.peakMjd).toBe(was.peakMjd);
    }
    expect(both).toBeGreaterThan(20);
  });

  it('peaks at its peak magnitude, rises fast and fades slowly, and is gone outside its window', () => {
    const [sn] = supernovaeInBox(SKY, BOX, MJD);
    expect(sn).toBeDefined();
    const at = (dt: number) => supernovaMag(sn!, 'r', sn!.peakMjd + dt);
    expect(at(0)).toBeCloseTo(sn!.peakMag, 9);
    for (const dt of [-10, -3, 3, 10, 40]) expect(at(dt)!).toBeGreaterThan(sn!.peakMag);
    // 10 days before peak is fainter than 10 days after (rise τ ≤ 6 d < fall τ ≥ 15 d)
    expect(at(-10)!).toBeGreaterThan(at(10)!);
    expect(at(-VISIBLE_BEFORE_PEAK_DAYS - 1)).toBeUndefined();
    expect(at(VISIBLE_AFTER_PEAK_DAYS + 1)).toBeUndefined();
    // colours: redder bands are fainter at peak by the drawn colour
    expect(supernovaMag(sn!, 'y', sn!.peakMjd)! - sn!.peakMag).toBeCloseTo(sn!.colour.y!, 9);
  });

  it('explodes at the configured rate per area and time', () => {
    // peaks in one bin, counted from the epoch that sees every one of them
    const bin = Math.floor(MJD / EPOCH_BIN_DAYS);
    const all = new Map<string, number>();
    for (let t = bin * EPOCH_BIN_DAYS; t < (bin + 1) * EPOCH_BIN_DAYS + 1; t += 20) {
      for (const sn of supernovaeInBox(SKY, BOX, t)) {
        if (Math.floor(sn.peakMjd / EPOCH_BIN_DAYS) === bin) all.set(sn.id, sn.peakMjd);
      }
    }
    const area = 0.5 * 0.5 * Math.cos((20 * Math.PI) / 180);
    const expected = (SKY.supernovaRatePerDeg2Yr * area * EPOCH_BIN_DAYS) / 365.25;
    expect(Math.abs(all.size - expected)).toBeLessThan(5 * Math.sqrt(expected));
  });

  it('puts supernovae on host galaxies, within a few effective radii of the centre', () => {
    const sne = supernovaeInBox(SKY, BOX, MJD);
    const hosts = galaxiesInBox(SKY, { raMin: 39.9, raMax: 40.6, decMin: -20.35, decMax: -19.65 });
    const byId = new Map(Array.from(hosts.id, (id, k) => [id, k]));
    let hosted = 0;
    for (const sn of sne) {
      if (sn.hostId === undefined) continue;
      hosted++;
      const k = byId.get(sn.hostId);
      expect(k).toBeDefined();
      const cos = Math.cos((sn.dec * Math.PI) / 180);
      const sepArcsec = 3600 * Math.hypot((sn.ra - hosts.ra[k!]!) * cos, sn.dec - hosts.dec[k!]!);
      expect(sepArcsec).toBeLessThan(10 * hosts.reArcsec[k!]!);
    }
    expect(hosted / sne.length).toBeGreaterThan(0.9);
  });

  it('draws none when the sky has no supernova rate', () => {
    const { supernovaRatePerDeg2Yr: _, ...quiet } = SKY;
    expect(supernovaeInBox(quiet, BOX, MJD)).toEqual([]);
  });
});
