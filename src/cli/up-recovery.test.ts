import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { packageRoot } from '../core/package-root.js';
import type { NightSummary } from '../observe/night-summary.js';
import { frameworkEnv } from '../testing/framework-night.js';

const bin = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const built = existsSync(bin);
if (!built) console.log('promptly up recovery tests skipped: dist/ missing (run `npm run build`)');

interface Running {
  /** Resolves with the first stdout line that `match` accepts. */
  line(match: (line: string) => boolean): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

function up(dir: string, args: string[]): Running {
  const child = spawn(process.execPath, [bin, 'up', '--instrument', 'LSSTComCam', ...args], {
    cwd: dir,
    env: { ...process.env, ...frameworkEnv() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters = new Set<(l: string) => void>();
  let buffered = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const l of parts) {
      lines.push(l);
      for (const w of [...waiters]) w(l);
    }
  });
  // what it printed last, shown when the test ends with it still running (a timeout)
  const tail: string[] = [];
  const keep = (chunk: string): void => {
    tail.push(chunk);
    if (tail.length > 200) tail.shift();
  };
  child.stdout.on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  onTestFinished(() => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    console.log(
      `promptly up still running at the end of the test; its last output:\n${tail.join('').slice(-20_000)}`,
    );
    child.kill('SIGKILL');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    exited,
    kill: (signal) => child.kill(signal),
    line(match) {
      const seen = lines.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const w = (l: string): void => {
          if (!match(l)) return;
          waiters.delete(w);
          resolve(l);
        };
        waiters.add(w);
        void exited.then(() =>
          reject(new Error(`promptly up exited before the line; saw:\n${lines.join('\n')}`)),
        );
      });
    },
  };
}

const visitDone = (l: string): boolean => / 9\/9 /.test(l);

/** Any outcome counts (a raw late on a loaded machine ends timed out): none may be missing. */
function expectEveryOutcome(summary: NightSummary): void {
  for (const v of summary.visits)
    expect(v.processed + v.failed + v.timedOut + v.skipped, v.group).toBe(v.detectorsExpected);
}

describe.skipIf(!built)('promptly up after a crash or an abort', () => {
  let dir: string;
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('finishes, on a restart with --keep, every visit a SIGKILL left without outcomes', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'promptly-crash-'));
    const first = up(dir, ['--visits', '3', '--speed', '10', '--work-dir', 'w']);
    await first.line(visitDone);
    first.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    const summaryFile = path.join(dir, 's.json');
    const second = up(dir, [
      '--visits',
      '1',
      '--speed',
      '10',
      '--work-dir',
      'w',
      '--keep',
      '--no-display',
      '--summary',
      summaryFile,
    ]);
    expect((await second.exited).code).toBe(0);
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as NightSummary;
    // The visit announced in the second run, plus at least the one the kill interrupted.
    expect(summary.visits.length).toBeGreaterThanOrEqual(2);
    expectEveryOutcome(summary);
  }, 600_000);

  it('exits on a second Ctrl-C, and a restart finishes what the abort left', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'promptly-abort-'));
    const first = up(dir, ['--visits', '0', '--speed', '10', '--work-dir', 'w']);
    await first.line(visitDone);
    first.kill('SIGINT');
    first.kill('SIGINT');
    const end = await first.exited;
    expect(end.code ?? end.signal).not.toBeNull();

    const summaryFile = path.join(dir, 's.json');
    const second = up(dir, [
      '--visits',
      '1',
      '--speed',
      '10',
      '--work-dir',
      'w',
      '--keep',
      '--no-display',
      '--summary',
      summaryFile,
    ]);
    expect((await second.exited).code).toBe(0);
    expectEveryOutcome(JSON.parse(readFileSync(summaryFile, 'utf8')) as NightSummary);
  }, 600_000);
});
