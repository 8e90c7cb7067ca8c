import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../core/package-root.js';
import type { NightSummary } from '../observe/night-summary.js';

const run = promisify(execFile);
const bin = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');

describe('promptly up', () => {
  it.skipIf(!existsSync(bin))(
    'runs a ComCam night end to end and writes a summary with every detector processed (needs `npm run build`)',
    async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'promptly-up-'));
      try {
        const summaryFile = path.join(dir, 's.json');
        await run(
          process.execPath,
          [
            bin,
            'up',
            '--instrument',
            'LSSTComCam',
            '--visits',
            '2',
            '--speed',
            '20',
            '--summary',
            summaryFile,
            '--no-display',
          ],
          // Raws may land late on a loaded machine: the deadline must not decide this test.
          { cwd: dir, env: { ...process.env, PROMPTLY_WORKER__IMAGE_TIMEOUT_MS: '600000' } },
        );
        const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as NightSummary;
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
});
