import { spawn, type ChildProcess } from 'node:child_process';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { threadEntry } from '../../../core/thread-entry.js';
import { readProcStatSync } from './proc-stat.js';
import type { RunJobPayload } from './run-job.js';

/** How to start `run-job`: compiled (`dist/`), or its TypeScript source under module hooks. */
export interface WrapperEntry {
  readonly file: string;
  readonly execArgv: readonly string[];
}

/**
 * `run-job.js` beside this module when it exists (running from `dist/`), else `run-job.ts`
 * with TypeScript hooks (running from sources, as the tests do: no build needed).
 */
export function wrapperEntry(): WrapperEntry {
  const entry = threadEntry(new URL('./run-job.js', import.meta.url));
  return { file: fileURLToPath(entry.url), execArgv: entry.execArgv };
}

/** A started wrapper: our child, its pid and `/proc` start time. */
export interface StartedWrapper {
  readonly child: ChildProcess;
  /** Undefined when the spawn failed: the child's 'error' event says why. */
  readonly pid?: number;
  /** `/proc/<pid>/stat` field 22, clock ticks since boot. */
  readonly startTicks?: number;
}

/**
 * Starts the wrapper for one job: detached (it leads a new process group, which the job joins),
 * in `workDir`, with an EMPTY environment (the job's own comes in `payload`, on stdin, so that
 * nothing of this process, not even NODE_OPTIONS, reaches the wrapper or the job), stdout and
 * stderr appended to the job's logs. Throws only when a log cannot be opened.
 */
export async function startWrapper(
  entry: WrapperEntry,
  workDir: string,
  payload: RunJobPayload,
): Promise<StartedWrapper> {
  let out: FileHandle | undefined;
  let err: FileHandle | undefined;
  try {
    out = await open(path.join(workDir, 'stdout.log'), 'a');
    err = await open(path.join(workDir, 'stderr.log'), 'a');
    // spawn() forks synchronously: once it returns, the child holds its own copies of the log
    // descriptors and ours can be closed.
    const child = spawn(process.execPath, [...entry.execArgv, entry.file], {
      cwd: workDir,
      env: {},
      detached: true,
      stdio: ['pipe', out.fd, err.fd],
    });
    const pid = child.pid;
    if (pid === undefined) return { child };
    child.stdin?.on('error', () => undefined); // EPIPE when the wrapper died at once.
    child.stdin?.end(JSON.stringify(payload));
    // Until the event loop turns, Node cannot reap the child: its /proc entry is there.
    return { child, pid, startTicks: readProcStatSync(pid)?.startTicks };
  } finally {
    await out?.close();
    await err?.close();
  }
}
