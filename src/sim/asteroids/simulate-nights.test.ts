import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.js';
import { dayObsOf } from '../../core/time.js';
import {
  ephemerisAt,
  mjdTtOfUtcMs,
  readMoverCatalog,
  separationDeg,
  type KnownMover,
} from '../../science/ephemeris/index.js';
import { simulateDataset, type DatasetManifest } from '../simulate-dataset.js';

interface TruthFile {
  snaps: {
    mjd: number;
    sources: {
      kind: string;
      id: string;
      ra: number;
      dec: number;
      ssObjectId?: number;
      known?: boolean;
      rateDegPerDay?: number;
    }[];
  }[];
}

/** A two-night LSSTComCam dataset, small and asteroid-rich (cheap settings). */
function sim() {
  return loadConfig({
    overrides: {
      sim: {
        nights: 2,
        visits: 4,
        scale: 0.06,
        seed: 5,
        galaxies: false,
        supernovaRatePerDeg2Yr: 0,
        transientsPerDetector: 0,
        starDensityPerDeg2: 2000,
        asteroidsPerDeg2: 8000,
        surveys: undefined,
      },
    },
  }).sim;
}

describe('asteroids of a two-night simulated dataset', () => {
  let dir: string;
  let manifest: DatasetManifest;
  const byId = new Map<
    string,
    {
      group: string;
      night: number;
      ra: number;
      dec: number;
      mjd: number;
      known: boolean;
      ssObjectId: number;
    }[]
  >();
  const catalogs = new Map<number, KnownMover[]>();

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promptly-sim-movers-'));
    manifest = await simulateDataset({
      instrument: 'LSSTComCam',
      sim: sim(),
      outDir: dir,
      templates: false,
    });
    const nightOf = new Map(manifest.visits.map((v) => [v.groupId, v.night]));
    for (const f of manifest.truth) {
      const group = path.basename(path.dirname(f));
      const t = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as TruthFile;
      for (const snap of t.snaps)
        for (const s of snap.sources) {
          if (s.kind !== 'moving') continue;
          const list = byId.get(s.id) ?? [];
          list.push({
            group,
            night: nightOf.get(group) ?? -1,
            ra: s.ra,
            dec: s.dec,
            mjd: snap.mjd,
            known: s.known ?? false,
            ssObjectId: s.ssObjectId ?? -1,
          });
          byId.set(s.id, list);
        }
    }
    for (const f of manifest.ssObjects) {
      const day = Number(/ssObjects-(\d+)\.json$/.exec(f)![1]);
      catalogs.set(day, readMoverCatalog(fs.readFileSync(path.join(dir, f))));
    }
  }, 300_000);

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('observes two nights and writes a known-movers catalog for each', () => {
    expect(new Set(manifest.visits.map((v) => v.night))).toEqual(new Set([0, 1]));
    expect(manifest.ssObjects).toHaveLength(2);
    for (const movers of catalogs.values()) expect(movers.length).toBeGreaterThan(0);
  });

  it('sees the same asteroid, by the same id, in several visits, moving between them', () => {
    const repeated = [...byId.entries()].filter(
      ([, seen]) => new Set(seen.map((s) => s.group)).size >= 2,
    );
    console.info(`${byId.size} asteroids seen, ${repeated.length} in two or more visits`);
    expect(repeated.length).toBeGreaterThan(0);
    for (const [id, seen] of repeated) {
      expect(id).toBe(`sso-${seen[0]!.ssObjectId}`);
      const first = seen[0]!;
      const last = seen[seen.length - 1]!;
      // an asteroid moves: about rate × time between the visits
      if (last.mjd - first.mjd > 0.01)
        expect(separationDeg(first.ra, first.dec, last.ra, last.dec)).toBeGreaterThan(0);
    }
  });

  it("puts every known asteroid where its night's catalog predicts it, within 0.05″", () => {
    let checked = 0;
    const nights = new Set<number>();
    for (const seen of byId.values()) {
      for (const s of seen) {
        if (!s.known) continue;
        const visit = manifest.visits.find((v) => v.groupId === s.group)!;
        const day = dayObsOf(Date.parse(`${s.group.slice(0, 23)}Z`));
        const mover = catalogs.get(day)?.find((m) => m.ssObjectId === s.ssObjectId);
        expect(mover, `${s.group} ${s.ssObjectId} in the catalog of ${day}`).toBeDefined();
        // truth mjd is the site's mid-exposure (UTC); offline it is the header's too
        const e = ephemerisAt(mover!.elements, mjdTtOfUtcMs((s.mjd - 40_587) * 86_400_000));
        expect(separationDeg(e.raDeg, e.decDeg, s.ra, s.dec) * 3600).toBeLessThan(0.05);
        nights.add(visit.night);
        checked++;
      }
    }
    console.info(`${checked} known-asteroid positions checked on nights ${[...nights].join(', ')}`);
    expect(checked).toBeGreaterThan(0);
  });

  it('keeps the same orbit for an asteroid in both nights’ catalogs', () => {
    const [a, b] = [...catalogs.values()];
    const inB = new Map(b!.map((m) => [m.ssObjectId, m]));
    for (const m of a!) {
      const other = inB.get(m.ssObjectId);
      if (other) expect(other).toEqual(m);
    }
  });
});
