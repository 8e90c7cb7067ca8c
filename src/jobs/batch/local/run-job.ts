/**
 * The local backend's job wrapper, a process of its own: `node run-job.js`, started by
 * `LocalBackend` detached (so it leads a new process group), in the job's workDir, with an
 * EMPTY environment and stdout/stderr already pointing at the job's logs. It reads a
 * {@link RunJobPayload} from stdin, runs the job as its child (same process group) with exactly
 * the payload's environment, enforces the time limit, and writes `.exit` when the job ends, so
 * that a manager started later learns how a job it did not start ended.
 *
 * SIGTERM to the wrapper is a cancel: the wrapper sends SIGTERM to its process group (the job
 * and everything it started), waits `killGraceMs`, then records the end and sends SIGKILL to
 * the group, itself included. The time limit ends the job the same way. Not imported by
 * anything: it runs as `main()` below.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { EXIT_RECORD_FILE, writeJsonAtomicSync, type ExitRecord } from './job-files.js';

/** What the backend writes to the wrapper's stdin, as JSON. */
export interface RunJobPayload {
  readonly v: 1;
  readonly batchId: string;
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

async function main(): Promise<void> {
  let ending: ExitRecord['ending'];
  let payload: RunJobPayload | undefined;
  const job: { child?: ChildProcess } = {};
  const exitFile = path.join(process.cwd(), EXIT_RECORD_FILE);
  const finish = (fields: Pick<ExitRecord, 'code' | 'signal' | 'error'>): void => {
    const record: ExitRecord = {
      v: 1,
      batchId: payload?.batchId ?? '',
      ...fields,
      ...(ending ? { ending } : {}),
      timeLimitS: payload?.timeLimitS ?? 0,
      atMs: Date.now(),
    };
    writeJsonAtomicSync(exitFile, record);
  };
  const stop = (why: 'cancelled' | 'timeout'): void => {
    if (ending) return;
    ending = why;
    if (!job.child) return; // Not started yet: main() sees `ending` and does not start it.
    signalGroup('SIGTERM');
    setTimeout(() => {
      finish({ code: null, signal: 'SIGKILL' });
      signalGroup('SIGKILL');
    }, payload?.killGraceMs ?? 0).unref();
  };
  // SIGTERM (a cancel) must not end the wrapper before the job: the handler replaces the
  // default action. SIGHUP and SIGINT are ignored: the job's own fate decides the wrapper's.
  process.on('SIGTERM', () => stop('cancelled'));
  process.on('SIGHUP', () => undefined);
  process.on('SIGINT', () => undefined);

  try {
    payload = parsePayload(await readStdin());
  } catch (err) {
    finish({ code: null, signal: null, error: `bad payload: ${(err as Error).message}` });
    process.exit(1);
  }
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
