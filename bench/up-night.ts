import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { NightSummary } from '../src/observe/night-summary.js';
import { builtMainScript } from './prompt-latency-distributed.js';

const run = promisify(execFile);

/** One `promptly up` night as the benches run it. */
export interface UpNightOptions {
  readonly instrument: string;
  readonly visits: number;
  /** Arguments after the common ones (e.g. `--distributed`). */
  readonly extraArgs?: readonly string[];
  /** Added to this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** The night is stopped (and the bench fails) past this, ms. */
  readonly timeoutMs: number;
}

/**
 * Runs the built `promptly up --instrument I --speed 1 --visits N --no-display` in a
 * temporary directory of its own (removed after) and returns its `--summary`.
 */
export async function runUpNight(o: UpNightOptions): Promise<NightSummary> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'promptly-bench-up-'));
  try {
    const summaryFile = path.join(dir, 'summary.json');
    await run(
      process.execPath,
      [
        builtMainScript(),
        'up',
        '--instrument',
        o.instrument,
        '--speed',
        '1',
        '--visits',
        String(o.visits),
        '--work-dir',
        path.join(dir, 'work'),
        '--no-display',
        '--summary',
        summaryFile,
        ...(o.extraArgs ?? []),
      ],
      {
        cwd: dir,
        env: { ...process.env, ...o.env },
        timeout: o.timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    return JSON.parse(await readFile(summaryFile, 'utf8')) as NightSummary;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
