/**
 * The local backend's job wrapper, a process of its own: `node run-job.js` (from sources:
 * this file transpiled, see job-wrapper.ts), started by `LocalBackend` detached (so it leads a
 * new process group), in the job's workDir, with an EMPTY environment and stdout/stderr already
 * pointing at the job's logs. It reads a {@link RunJobPayload} from stdin, runs the job as its
 * child (same process group) with exactly the payload's environment, enforces the time limit,
 * and writes the exit record (`.exit`) when the job ends, so that a manager started later
 * learns how a job it did not start ended.
 *
 * SIGTERM to the wrapper is a cancel: the wrapper sends SIGTERM to its process group (the job
 * and everything it started), waits `killGraceMs`, then records the end and sends SIGKILL to
 * the group, itself included. The time limit ends the job the same way. Not imported by
 * anything: it runs as `main()` below.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
// Types only: this file imports no value from the project, so that it also runs as one module
// on its own (from sources, see job-wrapper.ts).
import type { ExitRecord } from './job-files.js';

/** What the backend writes to the wrapper's stdin, as JSON. */
export interface RunJobPayload {
  readonly v: 1;
  readonly batchId: string;
  /** Absolute path of the exit record to write (`workDir/.exit`). */
  readonly exitFile: string;
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Wall-clock limit, s, 1..604 800. */
  readonly timeLimitS: number;
  /** Time between SIGTERM and SIGKILL, ms. */
  readonly killGraceMs: number;
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

function parsePayload(text: string): RunJobPayload {
  const p = JSON.parse(text) as Partial<RunJobPayload>;
  if (
    p.v !== 1 ||
    typeof p.batchId !== 'string' ||
    typeof p.exitFile !== 'string' ||
    !Array.isArray(p.argv) ||
    p.argv.length < 1 ||
    typeof p.env !== 'object' ||
    typeof p.timeLimitS !== 'number' ||
    typeof p.killGraceMs !== 'number'
  ) {
    throw new Error('malformed run-job payload');
  }
  return p as RunJobPayload;
}

function signalGroup(signal: NodeJS.Signals): void {
  try {
    process.kill(-process.pid, signal);
  } catch {
    // The group is already empty.
  }
}

/** Writes the exit record atomically (temporary name, then rename), before anything else. */
function writeExit(payload: RunJobPayload, record: ExitRecord): void {
  const tmp = `${payload.exitFile}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(record) + '\n', { mode: 0o600 });
  renameSync(tmp, payload.exitFile);
}

async function main(): Promise<void> {
  let ending: ExitRecord['ending'];
  const job: { child?: ChildProcess; killGraceMs?: number } = {};
  const stop = (why: 'cancelled' | 'timeout'): void => {
    if (ending) return;
    ending = why;
    if (!job.child) return; // Not started yet: main() sees `ending` and does not start it.
    signalGroup('SIGTERM');
    setTimeout(() => {
      finish({ code: null, signal: 'SIGKILL' });
      signalGroup('SIGKILL');
    }, job.killGraceMs ?? 0).unref();
  };
  // SIGTERM (a cancel) must not end the wrapper before the job: the handler replaces the
  // default action. SIGHUP and SIGINT are ignored: the job's own fate decides the wrapper's.
  process.on('SIGTERM', () => stop('cancelled'));
  process.on('SIGHUP', () => undefined);
  process.on('SIGINT', () => undefined);

  let payload: RunJobPayload;
  try {
    payload = parsePayload(await readStdin());
  } catch (err) {
    // No exit file to name: the backend sees this exit status and no record.
    process.stderr.write(`promptly run-job: ${(err as Error).message}\n`);
    process.exit(1);
  }
  job.killGraceMs = payload.killGraceMs;
  const finish = (fields: Pick<ExitRecord, 'code' | 'signal' | 'error'>): void => {
    const { batchId, timeLimitS } = payload;
    writeExit(payload, {
      v: 1,
      batchId,
      ...fields,
      ...(ending ? { ending } : {}),
      timeLimitS,
      atMs: Date.now(),
    });
  };
  if (ending) {
    finish({ code: null, signal: null });
    process.exit(0);
  }
  const [command, ...args] = payload.argv as [string, ...string[]];
  const child = spawn(command, args, {
    env: { ...payload.env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  job.child = child;
  child.once('error', (err) => {
    finish({ code: null, signal: null, error: `${command}: ${err.message}` });
    process.exit(0);
  });
  child.once('exit', (code, signal) => {
    finish({ code, signal });
    process.exit(0);
  });
  // The timer keeps the wrapper alive no longer than the child: unref'd, the child's handle
  // holds the event loop open.
  setTimeout(() => stop('timeout'), payload.timeLimitS * 1000).unref();
}

void main();
