import path from 'node:path';
import { PromptlyError } from '../../core/errors.js';
import type { BatchLaunch } from '../batch/batch-backend.js';
import type { JobRecord } from '../job.js';
import { substitute } from '../spec/job-parameters.js';
import type { JobTypeSpec } from '../spec/job-spec.js';

/** Variables the manager itself gives every job (besides those its type declares). */
export const JOB_ID_ENV = 'JOB_ID';
export const JOB_RESULTS_ENV = 'JOB_RESULTS_DIR';

/** What `{$node}`, `{$promptly}` and `{$config}` in a job type's command stand for. */
export interface JobRuntime {
  /** This Node.js (`process.execPath`). */
  readonly node: string;
  /** promptly's CLI script (`dist/src/cli/main.js`). */
  readonly promptly: string;
  /** The deployment's configuration file, as the manager wrote it for its jobs. */
  readonly config?: string;
  /**
   * Variables the deployment's configuration names for its credentials (S3 key ids and
   * secrets): a job whose command passes `{$config}` runs against the deployment and gets them
   * too, when the manager has them. No other job does.
   */
  readonly configEnv?: readonly string[];
}

/** `{$node}`, `{$promptly}`, `{$config}` replaced (PROMPTLY_E_JOB_ENV_MISSING if unknown here). */
export function substituteRuntime(arg: string, runtime: JobRuntime | undefined): string {
  return arg.replace(/\{\$([a-z]+)\}/g, (_, name: string) => {
    const value =
      name === 'node' || name === 'promptly' || name === 'config' ? runtime?.[name] : undefined;
    if (value === undefined)
      throw new PromptlyError(
        'PROMPTLY_E_JOB_ENV_MISSING',
        `the job manager has no {$${name}} to give this job`,
      );
    return value;
  });
}

/**
 * What the batch system runs for a job: its argv with parameters filled in, and an
 * environment made only of the variables its type declares (taken from `serverEnv`, each
 * required: PROMPTLY_E_JOB_ENV_MISSING if absent), its fixed `setEnv`, and JOB_ID and
 * JOB_RESULTS_DIR. Nothing else of the manager's environment is copied.
 */
export function jobLaunch(
  job: JobRecord,
  spec: JobTypeSpec,
  workDir: string,
  serverEnv: Readonly<Record<string, string | undefined>>,
  runtime?: JobRuntime,
): BatchLaunch {
  const env: Record<string, string> = {};
  const missing = spec.env.filter((name) => serverEnv[name] === undefined);
  if (missing.length > 0)
    throw new PromptlyError(
      'PROMPTLY_E_JOB_ENV_MISSING',
      `job type ${job.type} requires ${missing.join(', ')}, not set in the job manager's environment`,
    );
  for (const name of spec.env) env[name] = serverEnv[name] ?? '';
  if (spec.command.some((a) => a.includes('{$config}')))
    for (const name of runtime?.configEnv ?? [])
      if (serverEnv[name] !== undefined) env[name] = serverEnv[name] ?? '';
  Object.assign(env, spec.setEnv);
  env[JOB_ID_ENV] = job.jobId;
  env[JOB_RESULTS_ENV] = path.join(workDir, 'results');
  const argv = spec.command.map((a) => substitute(substituteRuntime(a, runtime), job.parameters));
  return {
    jobId: job.jobId,
    argv,
    env,
    workDir,
    cores: job.resources.cores,
    memoryMiB: job.resources.memoryMiB,
    timeLimitS: job.resources.timeLimitS,
  };
}
