import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../core/package-root.js';
import type { Outcome } from '../core/outcome.js';
import type { NightSummary } from '../observe/night-summary.js';
import { frameworkEnv } from '../testing/framework-night.js';

const run = promisify(execFile);
const bin = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');

/** Runs `promptly up ARGS --summary … --no-display` in `dir` and returns its summary. */
async function upNight(
  dir: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<NightSummary> {
  const summaryFile = path.join(dir, 's.json');
  await run(process.execPath, [bin, 'up', ...args, '--summary', summaryFile, '--no-display'], {
    cwd: dir,
    env: { ...process.env, ...env },
  });
  return JSON.parse(readFileSync(summaryFile, 'utf8')) as NightSummary;
}

describe('promptly up', () => {
  it.skipIf(!existsSync(bin))(
    'runs a ComCam night end to end and writes a summary with every detector processed (needs `npm run build`)',
    async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'promptly-up-'));
      try {
        // Raws may land late on a loaded machine: the deadline must not decide this test.
        const summary = await upNight(
          dir,
          ['--instrument', 'LSSTComCam', '--visits', '2', '--speed', '20'],
          { ...frameworkEnv(), PROMPTLY_WORKER__IMAGE_TIMEOUT_MS: '600000' },
        );
        expect(summary.visits).toHaveLength(2);
        for (const v of summary.visits) {
          expect(v).toMatchObject({ detectorsExpected: 9, processed: 9, failed: 0, timedOut: 0 });
          expect(v.detectors).toHaveLength(9);
          for (const d of v.detectors) {
            for (const k of [
              'nextVisitToPreloadDoneMs',
              'lastSnapToPipelineStartMs',
              'pipelineMs',
              'lastSnapToOutcomeMs',
              'readoutToOutcomeMs',
            ] as const) {
              expect(d[k]).toBeGreaterThanOrEqual(0);
            }
          }
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );

  it.skipIf(!existsSync(bin))(
    'runs Alert Production by default (npm start): DIA sources, alerts per visit and the truth score in the summary (needs `npm run build`)',
    async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'promptly-up-ap-'));
      try {
        const summary = await upNight(dir, ['--visits', '2'], {
          PROMPTLY_WORKER__IMAGE_TIMEOUT_MS: '600000',
        });
        expect(summary.instrument).toBe('LSSTComCam');
        expect(summary.visits).toHaveLength(2);
        let processed = 0;
        for (const v of summary.visits) {
          // every visit-detector ends in one outcome; a field too thin in catalog stars for
          // a WCS fails with its reason, the rest run the whole pipeline and make alerts
          expect(v.processed + v.failed).toBe(9);
          expect(v.timedOut + v.skipped).toBe(0);
          processed += v.processed;
          expect(v.alerts).toBeGreaterThan(0);
        }
        expect(processed).toBeGreaterThanOrEqual(14);
        // the score is made against the simulator's truth, with every figure the summary prints
        expect(summary.score).toBeDefined();
        expect(summary.score!.visitDetectors).toBe(processed);
        expect(summary.score!.transients).toBeGreaterThan(0);
        expect(summary.score!.completenessSnr10).toBeGreaterThan(0.8);
        expect(summary.score!.photometry).toBe('psf');
        // each stage of the pipeline timed, in the outcomes and the summary
        expect(Object.keys(summary.stagePercentilesMs)).toEqual(
          expect.arrayContaining(['isr', 'calibrate', 'subtract', 'detectDia']),
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    600_000,
  );

  it.skipIf(!existsSync(bin))(
    'processes again, after the night, each visit-detector a summit–base outage kept from prompt processing, once the catch-up archiver has its raws in the DBB (needs `npm run build`)',
    async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'promptly-up-catchup-'));
      try {
        // the link is down through the first visit: its raws reach the archive only later
        const summary = await upNight(
          dir,
          ['--instrument', 'LATISS', '--visits', '2', '--speed', '20'],
          { ...frameworkEnv(), PROMPTLY_SIM__FAULTS: JSON.stringify(['link-outage@0:120']) },
        );
        const notProcessed = summary.visits.reduce(
          (n, v) => n + v.detectorsExpected - v.processed,
          0,
        );
        expect(notProcessed).toBeGreaterThan(0);
        expect(summary.archive).toMatchObject({ notInDbb: 0, reprocessRequests: notProcessed });
        expect(summary.catchUp).toEqual({
          jobs: notProcessed,
          completed: notProcessed,
          error: 0,
          aborted: 0,
          unfinished: [],
        });
        // each job printed the new outcome it recorded, linked to the night's
        const jobsDir = path.join(dir, '.promptly', 'jobs');
        const outcomes = readdirSync(jobsDir)
          .filter((j) => /^j[0-9a-z]+$/.test(j))
          .map(
            (j) => JSON.parse(readFileSync(path.join(jobsDir, j, 'stdout.log'), 'utf8')) as Outcome,
          );
        expect(outcomes).toHaveLength(notProcessed);
        for (const o of outcomes) {
          expect(o.kind).toBe('processed');
          expect(o.reprocessOf?.collection).toBe('LATISS/prompt/outcomes');
          expect(['timed_out', 'failed']).toContain(o.reprocessOf?.kind);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    240_000,
  );
});
