import type { BatchLaunch } from '../batch-backend.js';

/** The batch script's name in the job's workDir. */
export const BATCH_SCRIPT_FILE = '.promptly-slurm.sh';

/** env(1) by absolute path: with `--export=NONE` the script's PATH is not ours to rely on. */
const ENV_TOOL = '/usr/bin/env';

/** `value` as one POSIX shell word: single-quoted, each `'` written as `'\''`. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * The batch script for `launch`: `exec env -i NAME=VALUE… argv…`, so the job's process has
 * exactly `launch.env` (sbatch's `--export=NONE` keeps the submitter's variables out of the
 * script, and `env -i` drops the ones Slurm adds). Every word is single-quoted: no expansion,
 * globbing or splitting, whatever the arguments hold. argv[0] must not contain `=` (env would
 * take it for a variable); the backend refuses such launches.
 */
export function batchScript(launch: BatchLaunch): string {
  const words = [
    ...Object.entries(launch.env).map(([name, value]) => shellQuote(`${name}=${value}`)),
    ...launch.argv.map(shellQuote),
  ];
  return [
    '#!/bin/sh',
    `# promptly job ${launch.jobId}, written by the Slurm batch backend: the job runs with`,
    '# exactly its declared environment, nothing of the submitting process.',
    `exec ${ENV_TOOL} -i \\`,
    ...words.map((w, i) => `  ${w}${i < words.length - 1 ? ' \\' : ''}`),
    '',
  ].join('\n');
}

/**
 * `--time` for a limit of `timeLimitS` seconds: whole minutes, rounded up, since Slurm keeps
 * limits in minutes (so 1..60 s is one minute).
 */
export function slurmTimeLimit(timeLimitS: number): string {
  return String(Math.ceil(timeLimitS / 60));
}

/** sbatch's arguments for `launch`, with the script at `scriptPath`. */
export function sbatchArgs(
  launch: BatchLaunch,
  scriptPath: string,
  partition: string | undefined,
): string[] {
  return [
    '--parsable',
    '--job-name',
    `promptly-${launch.jobId}`,
    '--chdir',
    launch.workDir,
    '--output',
    'stdout.log',
    '--error',
    'stderr.log',
    '--open-mode=append',
    '--nodes=1',
    '--ntasks=1',
    '--cpus-per-task',
    String(launch.cores),
    '--mem',
    `${launch.memoryMiB}M`,
    '--time',
    slurmTimeLimit(launch.timeLimitS),
    // The manager decides about retries: Slurm must not run a job a second time by itself.
    '--no-requeue',
    '--export=NONE',
    ...(partition === undefined ? [] : ['--partition', partition]),
    scriptPath,
  ];
}
