import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { truthTracks } from './match-truth.js';
import { scoreVisitDetector } from './score-dia.js';
import { readTruthFile, truthFilePath } from './truth-files.js';

describe('scoring an asteroid of the simulated sky', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promptly-score-sso-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads its truth (stable id, ssObjectId, rate) and finds it anywhere on its trail', async () => {
    const group = '2026-11-14T01:00:00.000';
    // the truth as the simulator writes it: kind moving, id sso-<ssObjectId>, two snaps
    const mover = (x: number, mjd: number) => ({
      kind: 'moving',
      id: 'sso-805306368123',
      ra: 30 + x / 18_000,
      dec: -20,
      x,
      y: 40,
      mag: 20,
      fluxE: 5000,
      mjd,
      rateDegPerDay: 0.25,
      paDeg: 260,
      ssObjectId: 805_306_368_123,
      known: true,
    });
    const file = truthFilePath(dir, group, 3);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(
      file,
      JSON.stringify({
        instrument: 'LSSTComCam',
        detector: 3,
        snaps: [
          { snap: 0, sources: [mover(50, 61358.1)] },
          { snap: 1, sources: [mover(53, 61358.1002)] },
        ],
      }),
    );
    const snaps = await readTruthFile(dir, group, 3);
    const tracks = truthTracks(snaps!);
    expect(tracks).toHaveLength(1);
    expect(tracks[0]).toMatchObject({ id: 'sso-805306368123', kind: 'moving' });
    // one DIA source on the trail between the snaps' places, one far away
    const score = scoreVisitDetector(
      {
        length: 2,
        x: [51.6, 200],
        y: [40.2, 200],
        ra: [30 + 51.6 / 18_000, 31],
        dec: [-20, -20],
        apFlux: [10_000, 800],
        apFluxErr: [100, 100],
      },
      tracks,
    );
    expect(score.transients[0]).toMatchObject({ id: 'sso-805306368123', found: true });
    expect(score.falseSources).toBe(1);
  });
});
