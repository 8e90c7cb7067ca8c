import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { collections, DATASET_TYPES } from '../registry/dataset-types.js';
import { openRepo } from './backends.js';
import { registerSimulateCommand, runSimulate } from './simulate-command.js';

describe('promptly simulate', () => {
  it('writes 2 ComCam visits × 9 detectors × snaps of raws with truth, certified calibrations, templates and an event log', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promptly-simulate-'));
    try {
      const m = await runSimulate({
        instrument: 'LSSTComCam',
        visits: '2',
        out: dir,
        scale: '0.05',
        seed: '3',
        faults: 'dropped-snap@1:8',
        templates: true,
        repo: true,
      });
      const snaps = m.visits.reduce((n, v) => n + v.snaps, 0);
      expect(m.visits).toHaveLength(2);
      expect(m.raws).toHaveLength(snaps * 9 - 1); // the dropped snap
      expect(m.truth).toHaveLength(2 * 9);
      const bands = new Set(m.visits.map((v) => v.band)).size;
      // bias, dark, defects, crosstalk, linearizer and a flat per band, per detector
      expect(m.calibrations).toHaveLength(9 * (5 + bands));
      expect(m.templates.length).toBeGreaterThan(0);
      for (const f of [...m.raws, ...m.truth, ...m.calibrations, ...m.templates])
        expect(fs.existsSync(path.join(dir, f)), f).toBe(true);
      const events = fs
        .readFileSync(path.join(dir, 'events.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { kind: string; time: string });
      expect(events.filter((e) => e.kind === 'next_visit')).toHaveLength(2);
      expect(events.filter((e) => e.kind === 'raw')).toHaveLength(m.raws.length);
      const times = events.map((e) => e.time);
      expect([...times].sort()).toEqual(times);

      const repo = await openRepo(path.join(dir, 'repo'), { kind: 'sqlite' }, false);
      try {
        const t = Date.parse(`${m.visits[0]!.groupId}Z`);
        const calib = [collections.calib('LSSTComCam')];
        for (const type of [
          DATASET_TYPES.bias.name,
          DATASET_TYPES.dark.name,
          DATASET_TYPES.defects.name,
          DATASET_TYPES.crosstalk.name,
          DATASET_TYPES.linearizer.name,
        ]) {
          expect(
            await repo.findCalibration(type, { instrument: 'LSSTComCam', detector: 4 }, calib, t),
          ).toBeDefined();
        }
        const band = m.visits[0]!.band;
        expect(
          await repo.findCalibration(
            DATASET_TYPES.flat.name,
            { instrument: 'LSSTComCam', detector: 4, band },
            calib,
            t,
          ),
        ).toBeDefined();
        expect(
          await repo.findCalibration(
            DATASET_TYPES.bias.name,
            { instrument: 'LSSTComCam', detector: 4 },
            calib,
            t + 60 * 86_400_000,
          ),
        ).toBeUndefined();
      } finally {
        await repo.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('makes a multi-night dataset with --nights whose fields are revisited in the same band on later nights', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promptly-simulate-nights-'));
    try {
      const m = await runSimulate({
        instrument: 'LSSTComCam',
        visits: '4',
        nights: '3',
        out: dir,
        scale: '0.03',
        seed: '11',
        templates: false,
        repo: false,
      });
      expect(m.visits).toHaveLength(12);
      expect(new Set(m.visits.map((v) => v.night))).toEqual(new Set([0, 1, 2]));
      const nightsOf = new Map<string, Set<number>>();
      for (const v of m.visits) {
        const key = `${v.fieldId}/${v.band}`;
        nightsOf.set(key, (nightsOf.get(key) ?? new Set()).add(v.night));
      }
      expect([...nightsOf.values()].some((n) => n.size > 1)).toBe(true);
      // True times at the site: one observing night (dayObs) per night, a day apart.
      const days = [...new Set(m.visits.map((v) => v.groupId.slice(0, 10)))];
      expect(days).toEqual(['2026-11-14', '2026-11-15', '2026-11-16']);
      for (const v of m.visits) expect(v.conditions!.airmass).toBeLessThan(2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('registers the command with its options and rejects an unknown fault', async () => {
    const program = new Command();
    registerSimulateCommand(program);
    const cmd = program.commands.find((c) => c.name() === 'simulate');
    expect(cmd?.options.map((o) => o.long)).toEqual(
      expect.arrayContaining([
        '--instrument',
        '--visits',
        '--out',
        '--scale',
        '--seed',
        '--faults',
        '--nights',
        '--date',
      ]),
    );
    await expect(
      runSimulate({
        instrument: 'LATISS',
        visits: '1',
        out: path.join(os.tmpdir(), 'promptly-never-written'),
        scale: '0.05',
        faults: 'meteor-strike',
        templates: false,
        repo: false,
      }),
    ).rejects.toMatchObject({ code: 'PROMPTLY_E_CONFIG_INVALID' });
  });
});
