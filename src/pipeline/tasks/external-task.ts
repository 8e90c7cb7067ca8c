import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { PromptlyError } from '../../core/errors.js';
import type { TaskContext, TaskDefinition } from '../task.js';

const configSchema = z.strictObject({
  /** Executable: an absolute path, or a name looked up on the PATH given in `env`. */
  command: z.string().min(1),
  /** Arguments; `{instrument}`, `{detector}`, `{group}`, `{workDir}`, `{raws}` are substituted. */
  args: z.array(z.string()).default([]),
  /** Names of environment variables passed through from the worker; nothing else leaks in. */
  env: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/)).default([]),
  /** Fixed environment values given to the command. */
  setEnv: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).default({}),
  /** Killed (SIGTERM, then SIGKILL after 2 s) when it runs longer. */
  timeoutMs: z.number().int().positive().default(60_000),
  /** Files the command writes in its work dir, ingested as output datasets. */
  outputs: z
    .array(z.strictObject({ datasetType: z.string().min(1), file: z.string().min(1) }))
    .default([]),
});

export type ExternalTaskConfig = z.output<typeof configSchema>;

const KILL_GRACE_MS = 2000;

function substitute(arg: string, vars: Record<string, string>): string {
  return arg.replace(/\{(\w+)\}/g, (m, name: string) => vars[name] ?? m);
}

async function writeRaws(context: TaskContext, workDir: string): Promise<string[]> {
  const files: string[] = [];
  for (const snap of context.snaps) {
    const file = path.join(workDir, `raw_${snap.snap}.fits`);
    await writeFile(file, await snap.read());
    files.push(file);
  }
  return files;
}

/** Runs the command; resolves with its exit, rejects only on spawn failure. */
function runCommand(
  config: ExternalTaskConfig,
  args: string[],
  env: Record<string, string>,
  context: TaskContext,
  workDir: string,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(config.command, args, {
      cwd: workDir,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const killGroup = (sig: NodeJS.Signals): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, sig);
      } catch {
        // already gone
      }
    };
    const stop = (): void => {
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, config.timeoutMs);
    const onAbort = (): void => stop();
    context.signal.addEventListener('abort', onAbort, { once: true });
    const pipeLines = (stream: NodeJS.ReadableStream, tag: string): void => {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) context.log(`${tag} ${line}`);
      });
      stream.on('end', () => {
        if (rest) context.log(`${tag} ${rest}`);
      });
    };
    if (child.stdout) pipeLines(child.stdout, '[stdout]');
    if (child.stderr) pipeLines(child.stderr, '[stderr]');
    child.on('error', (err) => {
      clearTimeout(timer);
      context.signal.removeEventListener('abort', onAbort);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      context.signal.removeEventListener('abort', onAbort);
      resolve({ code, signal, timedOut });
    });
  });
}

/**
 * Runs an executable for the visit-detector in a private work dir, with only the declared
 * environment, its output captured into the run log, under a timeout. Raws are written to
 * the work dir first (`{raws}`: space-joined paths; also `PROMPTLY_RAWS`).
 */
export const externalTask: TaskDefinition<ExternalTaskConfig> = {
  kind: 'external',
  summary: 'Runs an executable with declared env vars only, captures its log, enforces a timeout.',
  configSchema,
  requires: () => [],
  produces: (config) => config.outputs.map((o) => o.datasetType),
  async run(context, config) {
    const workDir = await context.workDir();
    const raws = await writeRaws(context, workDir);
    const vars: Record<string, string> = {
      instrument: context.dataId.instrument,
      detector: String(context.dataId.detector ?? ''),
      group: context.dataId.group ?? '',
      workDir,
      raws: raws.join(' '),
    };
    const env: Record<string, string> = {};
    for (const name of config.env) {
      const value = process.env[name];
      if (value !== undefined) env[name] = value;
    }
    Object.assign(env, config.setEnv, {
      PROMPTLY_INSTRUMENT: vars.instrument,
      PROMPTLY_DETECTOR: vars.detector,
      PROMPTLY_GROUP: vars.group,
      PROMPTLY_WORK_DIR: workDir,
      PROMPTLY_RAWS: vars.raws,
    });
    const args = config.args.map((a) => substitute(a, vars));
    context.log(`external: ${config.command} ${args.join(' ')}`);
    let result;
    try {
      result = await runCommand(config, args, env, context, workDir);
    } catch (err) {
      throw new PromptlyError(
        'PROMPTLY_E_EXTERNAL_EXIT',
        `cannot run ${config.command}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    if (result.timedOut) {
      throw new PromptlyError(
        'PROMPTLY_E_EXTERNAL_TIMEOUT',
        `${config.command} ran past ${config.timeoutMs} ms and was killed`,
      );
    }
    if (context.signal.aborted) {
      throw new PromptlyError('PROMPTLY_E_ABORTED', `${config.command} stopped: run aborted`);
    }
    if (result.code !== 0) {
      throw new PromptlyError(
        'PROMPTLY_E_EXTERNAL_EXIT',
        `${config.command} exited with ${result.signal ? `signal ${result.signal}` : `status ${result.code}`}`,
      );
    }
    for (const output of config.outputs) {
      const file = path.resolve(workDir, output.file);
      let bytes: Uint8Array;
      try {
        bytes = await readFile(file);
      } catch (err) {
        throw new PromptlyError(
          'PROMPTLY_E_EXTERNAL_EXIT',
          `${config.command} did not write its declared output ${output.file}`,
          { cause: err },
        );
      }
      await context.writeOutput(output.datasetType, bytes);
    }
  },
};
