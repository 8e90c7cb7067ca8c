import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PromptlyError } from '../../../core/errors.js';
import { readProcStatSync } from './proc-stat.js';
import type { RunJobPayload } from './run-job.js';

/** How to start `run-job`: Node's arguments before any of the job's. */
export interface WrapperEntry {
  readonly args: readonly string[];
}

let fromSources: WrapperEntry | undefined;

/**
 * `run-job.js` beside this module when it exists (running from `dist/`). From sources (the
 * tests: no build needed), `run-job.ts` is transpiled here once per process with the project's
 * own `typescript` and run as `--input-type=module --eval`: it imports nothing but Node's own
 * modules, so it runs as it is. (Not through module hooks, as worker threads do: a process that
 * loads through hooks can hang in start-up, and a wrapper must never hang.) Throws
 * PROMPTLY_E_INTERNAL when neither form can be had.
 */
export function wrapperEntry(): WrapperEntry {
  const js = new URL('./run-job.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return { args: [fileURLToPath(js)] };
  if (fromSources) return fromSources;
  const source = fileURLToPath(new URL('./run-job.ts', import.meta.url));
  try {
    const ts = createRequire(import.meta.url)('typescript') as typeof import('typescript');
    const out = ts.transpileModule(readFileSync(source, 'utf8'), {
      fileName: source,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
    });
    fromSources = { args: ['--input-type=module', '--eval', out.outputText] };
    return fromSources;
  } catch (err) {
    throw new PromptlyError(
      'PROMPTLY_E_INTERNAL',
      `the local batch backend's job wrapper is missing: no ${fileURLToPath(js)}, and ${source} cannot be transpiled (is the typescript dev dependency installed?)`,
      { cause: err },
    );
  }
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
    const child = spawn(process.execPath, [...entry.args], {
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
