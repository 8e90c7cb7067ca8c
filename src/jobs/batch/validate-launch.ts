import { stat } from 'node:fs/promises';
import path from 'node:path';
import { PromptlyError, throwIfAborted, type ErrorDetail } from '../../core/errors.js';
import type { BatchLaunch } from './batch-backend.js';

/** Bounds of a {@link BatchLaunch}, shared by every backend. */
export const BATCH_LIMITS = {
  /** Cores per job, integer. */
  maxCores: 256,
  /** Memory per job, MiB (4 TiB). */
  maxMemoryMiB: 4_194_304,
  /** Wall-clock limit per job, s (7 days). */
  maxTimeLimitS: 604_800,
  /** Arguments in argv, argv[0] included. */
  maxArgs: 4_096,
  /**
   * argv and env together, UTF-8 bytes: well under Linux's exec limit (ARG_MAX, 2 MiB by
   * default), so a job never fails to start for its size.
   */
  maxLaunchBytes: 1_048_576,
} as const;

const JOB_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** POSIX names: what env(1) and every shell accept, and what a manager declares. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function isIntIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/**
 * Checks every field of `launch` against its bounds; throws PROMPTLY_E_BATCH_INVALID listing
 * each bad field in `details`. Does not touch the file system (see {@link checkWorkDir}).
 */
export function validateLaunch(launch: BatchLaunch): void {
  const issues: ErrorDetail[] = [];
  const bad = (field: string, message: string): void => {
    issues.push({ path: field, message });
  };
  const { jobId, argv, env, workDir, cores, memoryMiB, timeLimitS } = launch;
  if (typeof jobId !== 'string' || !JOB_ID.test(jobId))
    bad('jobId', 'must match [A-Za-z0-9_-]{1,64}');
  let bytes = 0;
  if (!Array.isArray(argv) || argv.length < 1 || argv.length > BATCH_LIMITS.maxArgs) {
    bad('argv', `must hold 1..${BATCH_LIMITS.maxArgs} strings`);
  } else {
    argv.forEach((arg, i) => {
      if (typeof arg !== 'string') bad(`argv[${i}]`, 'must be a string');
      else if (arg.includes('\0')) bad(`argv[${i}]`, 'must not contain NUL');
      else bytes += Buffer.byteLength(arg) + 1;
    });
    if (argv[0] === '') bad('argv[0]', 'must name a program');
  }
  if (typeof env !== 'object' || env === null || Array.isArray(env)) {
    bad('env', 'must be an object of strings');
  } else {
    for (const [name, value] of Object.entries(env)) {
      if (!ENV_NAME.test(name)) bad(`env.${name}`, 'name must match [A-Za-z_][A-Za-z0-9_]*');
      if (typeof value !== 'string') bad(`env.${name}`, 'value must be a string');
      else if (value.includes('\0')) bad(`env.${name}`, 'value must not contain NUL');
      else bytes += Buffer.byteLength(name) + Buffer.byteLength(value) + 2;
    }
  }
  if (bytes > BATCH_LIMITS.maxLaunchBytes) {
    bad('argv', `argv and env take ${bytes} bytes, more than ${BATCH_LIMITS.maxLaunchBytes}`);
  }
  if (typeof workDir !== 'string' || !path.isAbsolute(workDir) || workDir.includes('\0')) {
    bad('workDir', 'must be an absolute path');
  }
  if (!isIntIn(cores, 1, BATCH_LIMITS.maxCores)) {
    bad('cores', `must be an integer 1..${BATCH_LIMITS.maxCores}, got ${String(cores)}`);
  }
  if (!isIntIn(memoryMiB, 1, BATCH_LIMITS.maxMemoryMiB)) {
    bad(
      'memoryMiB',
      `must be an integer 1..${BATCH_LIMITS.maxMemoryMiB}, got ${String(memoryMiB)}`,
    );
  }
  if (!isIntIn(timeLimitS, 1, BATCH_LIMITS.maxTimeLimitS)) {
    bad(
      'timeLimitS',
      `must be an integer 1..${BATCH_LIMITS.maxTimeLimitS}, got ${String(timeLimitS)}`,
    );
  }
  if (issues.length > 0) {
    const jobName = typeof jobId === 'string' ? jobId.slice(0, 64) : '?';
    throw new PromptlyError(
      'PROMPTLY_E_BATCH_INVALID',
      `batch launch of job ${jobName} is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      { details: issues },
    );
  }
}

/** Throws PROMPTLY_E_BATCH_INVALID unless `workDir` is an existing directory. */
export async function checkWorkDir(workDir: string, signal?: AbortSignal): Promise<void> {
  throwIfAborted(signal);
  const info = await stat(workDir).catch(() => undefined);
  throwIfAborted(signal);
  if (!info?.isDirectory()) {
    throw new PromptlyError('PROMPTLY_E_BATCH_INVALID', `workDir ${workDir} is not a directory`, {
      details: [{ path: 'workDir', message: 'must exist and be a directory' }],
    });
  }
}

/**
 * Checks a backend option: an integer in `min..max` (units in the name), or undefined for
 * its default. Throws PROMPTLY_E_BATCH_INVALID naming the option otherwise.
 */
export function intOption(
  name: string,
  value: number | undefined,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (!isIntIn(value, min, max)) {
    throw new PromptlyError(
      'PROMPTLY_E_BATCH_INVALID',
      `batch backend option ${name} must be an integer ${min}..${max}, got ${String(value)}`,
      { details: [{ path: name, message: `must be an integer ${min}..${max}` }] },
    );
  }
  return value;
}
