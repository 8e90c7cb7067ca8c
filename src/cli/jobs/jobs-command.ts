import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadConfig, type Config } from '../../core/config.js';
import { PromptlyError } from '../../core/errors.js';
import { adminTokenFile, DEFAULT_JOBS_PORT, startJobService } from './job-service.js';

interface JobsOptions {
  config?: string;
  workDir?: string;
  url?: string;
  token?: string;
}

function configOf(o: JobsOptions): Config {
  return loadConfig({
    ...(o.config ? { file: o.config } : {}),
    env: process.env,
    ...(o.workDir ? { overrides: { workDir: o.workDir } } : {}),
  });
}

/** `--token`, else JOBS_TOKEN, else the admin token `jobs serve` wrote for this deployment. */
async function tokenOf(o: JobsOptions, config: Config): Promise<string> {
  if (o.token) return o.token;
  if (process.env.JOBS_TOKEN) return process.env.JOBS_TOKEN;
  try {
    return (await readFile(adminTokenFile(config), 'utf8')).trim();
  } catch {
    throw new PromptlyError(
      'PROMPTLY_E_UNAUTHENTICATED',
      `no token: pass --token, set JOBS_TOKEN, or run where ${adminTokenFile(config)} is readable`,
    );
  }
}

/** One API call; an error answer becomes the PromptlyError it carries. */
async function call(
  o: JobsOptions,
  method: string,
  route: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  const config = configOf(o);
  const base = o.url ?? `http://${config.jobs.host}:${config.jobs.port ?? DEFAULT_JOBS_PORT}`;
  const res = await fetch(new URL(route, base), {
    method,
    headers: {
      authorization: `Bearer ${await tokenOf(o, config)}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  }).catch((err: unknown) => {
    throw new PromptlyError(
      'PROMPTLY_E_JOB_STORE_UNAVAILABLE',
      `job manager at ${base} not reachable`,
      {
        cause: err,
      },
    );
  });
  if (!res.ok) {
    const e = (await res.json().catch(() => ({}))) as {
      code?: string;
      message?: string;
      details?: { path?: string; message: string }[];
    };
    const details = (e.details ?? []).map((d) => `\n  ${d.path ?? ''}: ${d.message}`).join('');
    throw new PromptlyError(
      (e.code as ConstructorParameters<typeof PromptlyError>[0] | undefined) ??
        'PROMPTLY_E_INTERNAL',
      `${res.status} ${e.message ?? res.statusText}${details}`,
    );
  }
  return res;
}

interface JobJson {
  jobId: string;
  jobType: string;
  phase: string;
  ownerId: string;
  creationTime: string;
  errorSummary?: { code: string; message: string };
}

function line(j: JobJson): string {
  const err = j.errorSummary ? `  ${j.errorSummary.code}: ${j.errorSummary.message}` : '';
  return `${j.jobId}  ${j.phase.padEnd(9)}  ${j.jobType}  ${j.ownerId}  ${j.creationTime}${err}`;
}

/** Parses `name=value` parameters: JSON values (numbers, true/false, quoted strings) or text. */
export function parseParams(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0)
      throw new PromptlyError(
        'PROMPTLY_E_JOB_INVALID',
        `parameter ${JSON.stringify(p)} is not name=value`,
      );
    const raw = p.slice(i + 1);
    let value: unknown = raw;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed === 'number' || typeof parsed === 'boolean' || typeof parsed === 'string')
        value = parsed;
    } catch {
      // plain text
    }
    out[p.slice(0, i)] = value;
  }
  return out;
}

export function registerJobsCommands(program: Command): void {
  const jobs = program
    .command('jobs')
    .description('The job manager: daytime and catch-up processing jobs behind a REST API.');
  const client = (c: Command): Command =>
    c
      .option('-c, --config <file>', 'YAML configuration of the deployment')
      .option('--work-dir <dir>', "the deployment's work directory (default: the config's)")
      .option('--url <url>', 'the job manager (default: http://jobs.host:jobs.port)')
      .option('--token <token>', 'bearer token (default: JOBS_TOKEN, else the admin token file)');

  jobs
    .command('serve')
    .description('Run the job manager and its API until interrupted.')
    .option('-c, --config <file>', 'YAML configuration of the deployment')
    .option('--work-dir <dir>', "the deployment's work directory (default: the config's)")
    .option('--port <n>', 'port of the API (default: jobs.port)')
    .action(async (o: JobsOptions & { port?: string }) => {
      const port = o.port === undefined ? undefined : Number(o.port);
      if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535))
        throw new PromptlyError(
          'PROMPTLY_E_CONFIG_INVALID',
          `--port must be an integer in 0..65535, got ${o.port}`,
        );
      const config = loadConfig({
        ...(o.config ? { file: o.config } : {}),
        env: process.env,
        overrides: {
          ...(o.workDir ? { workDir: o.workDir } : {}),
          ...(port !== undefined ? { jobs: { port } } : {}),
        },
      });
      const service = await startJobService(config, { log: (l) => process.stderr.write(`${l}\n`) });
      process.stdout.write(`${JSON.stringify({ state: 'ready', url: service.url })}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await service.close();
    });

  client(
    jobs
      .command('submit <type> [params...]')
      .description('Create a job: parameters as name=value.')
      .option('--run-id <label>', 'a label of yours (UWS runId)')
      .option('--idempotency-key <key>', 'a repeat with the same key returns the first job'),
  ).action(
    async (
      type: string,
      params: string[],
      o: JobsOptions & { runId?: string; idempotencyKey?: string },
    ) => {
      const res = await call(
        o,
        'POST',
        '/api/v1/jobs',
        { type, parameters: parseParams(params), ...(o.runId ? { runId: o.runId } : {}) },
        o.idempotencyKey ? { 'idempotency-key': o.idempotencyKey } : {},
      );
      const job = (await res.json()) as JobJson;
      process.stdout.write(`${job.jobId}\n`);
    },
  );

  client(
    jobs
      .command('list')
      .description('List jobs, newest first.')
      .option('--phase <phase...>', 'only these phases')
      .option('--type <type>', 'only this job type')
      .option('--limit <n>', 'at most this many', '100'),
  ).action(async (o: JobsOptions & { phase?: string[]; type?: string; limit: string }) => {
    const q = new URLSearchParams({ limit: o.limit });
    for (const p of o.phase ?? []) q.append('phase', p);
    if (o.type) q.set('type', o.type);
    const res = await call(o, 'GET', `/api/v1/jobs?${q.toString()}`);
    const { jobs: list } = (await res.json()) as { jobs: JobJson[] };
    for (const j of list) process.stdout.write(`${line(j)}\n`);
  });

  client(jobs.command('get <jobId>').description('Show a job as JSON.')).action(
    async (id: string, o: JobsOptions) => {
      const res = await call(o, 'GET', `/api/v1/jobs/${encodeURIComponent(id)}`);
      process.stdout.write(`${JSON.stringify(await res.json(), null, 2)}\n`);
    },
  );

  client(jobs.command('cancel <jobId>').description('Abort a job.')).action(
    async (id: string, o: JobsOptions) => {
      const res = await call(o, 'POST', `/api/v1/jobs/${encodeURIComponent(id)}/cancel`);
      process.stdout.write(`${line((await res.json()) as JobJson)}\n`);
    },
  );

  client(
    jobs
      .command('logs <jobId>')
      .description("Print a job's output.")
      .option('--stderr', 'standard error instead', false),
  ).action(async (id: string, o: JobsOptions & { stderr: boolean }) => {
    const res = await call(
      o,
      'GET',
      `/api/v1/jobs/${encodeURIComponent(id)}/logs/${o.stderr ? 'stderr' : 'stdout'}`,
    );
    process.stdout.write(await res.text());
  });
}
