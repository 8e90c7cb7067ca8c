import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Bus } from '../../bus/bus.js';
import type { Config } from '../../core/config.js';
import { PromptlyError } from '../../core/errors.js';
import { createJobServer } from '../../jobs/api/job-server.js';
import { JobTokens, sha256Hex, type TokenGrant } from '../../jobs/api/job-tokens.js';
import type { BatchBackend } from '../../jobs/batch/batch-backend.js';
import { LocalBackend } from '../../jobs/batch/local/local-backend.js';
import { SlurmBackend } from '../../jobs/batch/slurm/slurm-backend.js';
import { archiveDataProbe } from '../../jobs/gates/data-probe.js';
import { DataGates } from '../../jobs/gates/data-gates.js';
import type { JobRecord } from '../../jobs/job.js';
import { JobFiles } from '../../jobs/manager/job-files.js';
import { JobManager } from '../../jobs/manager/job-manager.js';
import { defaultJobSpecsFile } from '../../jobs/spec/default-job-specs.js';
import { loadJobSpecs } from '../../jobs/spec/job-spec.js';
import type { JobStore } from '../../jobs/store/job-store.js';
import { createPostgresJobStore } from '../../jobs/store/postgres/postgres-job-store.js';
import { createSqliteJobStore } from '../../jobs/store/sqlite/sqlite-job-store.js';
import { stringify } from 'yaml';
import { ensureArchiveTopology } from '../../archive/archive-topology.js';
import { toUserConfig } from '../../core/config.js';
import { openBus, openDbbStore, openOodsRepo } from '../backends.js';
import { mainScript } from '../role-process.js';
import { submitReprocessJobs } from './reprocess-jobs.js';

/** Where the generated admin token is written when the config names no tokens. */
export function adminTokenFile(config: Config): string {
  return path.join(config.jobs.root, 'admin.token');
}

/** The API's port when the config names none (`jobs serve`, the role). */
export const DEFAULT_JOBS_PORT = 8470;

export interface JobService {
  /** Base URL of the API, e.g. `http://127.0.0.1:8470`. */
  readonly url: string;
  readonly manager: JobManager;
  close(): Promise<void>;
}

function openStore(config: Config): Promise<JobStore> {
  const s = config.jobs.store;
  return s.kind === 'postgres'
    ? createPostgresJobStore({
        url: s.url,
        ...(s.schema !== undefined ? { schema: s.schema } : {}),
        ...(s.poolSize !== undefined ? { poolSize: s.poolSize } : {}),
      })
    : createSqliteJobStore({ filename: s.filename ?? path.join(config.jobs.root, 'jobs.sqlite3') });
}

function openBackend(config: Config): BatchBackend {
  const b = config.jobs.backend;
  return b.kind === 'slurm'
    ? new SlurmBackend({
        reconcileMs: b.reconcileMs,
        ...(b.partition ? { partition: b.partition } : {}),
      })
    : new LocalBackend(b.maxCores !== undefined ? { maxRunning: b.maxCores } : {});
}

/**
 * The configured tokens (values read from the named environment variables, only their
 * hashes kept); with none configured, one admin token made now and written to
 * `<jobs.root>/admin.token` (mode 0600) for the CLI.
 */
async function grants(config: Config, env: NodeJS.ProcessEnv): Promise<TokenGrant[]> {
  if (config.jobs.tokens.length > 0)
    return config.jobs.tokens.map((t) => {
      if (t.sha256 !== undefined) return { owner: t.owner, scopes: t.scopes, sha256: t.sha256 };
      const value = env[t.tokenEnv ?? ''];
      if (value === undefined || value.length < 16)
        throw new PromptlyError(
          'PROMPTLY_E_CONFIG_INVALID',
          `jobs.tokens: ${t.tokenEnv} (token of ${t.owner}) is not set or shorter than 16 characters`,
        );
      return { owner: t.owner, scopes: t.scopes, sha256: sha256Hex(value) };
    });
  const token = randomBytes(24).toString('base64url');
  await mkdir(config.jobs.root, { recursive: true });
  await writeFile(adminTokenFile(config), `${token}\n`, { mode: 0o600 });
  return [{ owner: 'admin', scopes: ['admin'], sha256: sha256Hex(token) }];
}

/** The environment variables the deployment's stores read their S3 credentials from. */
export function credentialEnvNames(config: Config): string[] {
  const names = new Set<string>();
  for (const store of [config.store, config.centralRepo.datastore, config.archive.dbbStore])
    if (store.kind === 's3') {
      if (store.accessKeyIdEnv !== undefined && store.secretAccessKeyEnv !== undefined) {
        names.add(store.accessKeyIdEnv);
        names.add(store.secretAccessKeyEnv);
      } else
        // the AWS SDK's default chain reads these
        for (const n of [
          'AWS_ACCESS_KEY_ID',
          'AWS_SECRET_ACCESS_KEY',
          'AWS_SESSION_TOKEN',
          'AWS_REGION',
        ])
          names.add(n);
    }
  return [...names];
}

/**
 * Starts the job manager as configured (`jobs.*`): its store, batch backend, data gates on
 * the deployment's bus (the archive's events; presence asked of the DBB and the OODS when
 * the archive path is on), and the REST API listening on `jobs.host:jobs.port`.
 */
export async function startJobService(
  config: Config,
  o: {
    /** Port when `jobs.port` is unset (default {@link DEFAULT_JOBS_PORT}; `up` passes 0). */
    defaultPort?: number;
    bus?: Bus;
    env?: NodeJS.ProcessEnv;
    log?: (line: string) => void;
    onChange?: (job: JobRecord) => void;
    /** Told of each catch-up processing job the archive's reprocess requests led to. */
    onReprocessJob?: (job: JobRecord) => void;
  } = {},
): Promise<JobService> {
  const env = o.env ?? process.env;
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  try {
    const specs = loadJobSpecs(config.jobs.specsFile ?? defaultJobSpecsFile());
    const tokens = new JobTokens(await grants(config, env));
    const bus = o.bus ?? (await openBus(config));
    if (!o.bus) closers.push(() => bus.close());
    const dbbStore = config.archive.enabled ? await openDbbStore(config) : undefined;
    if (dbbStore) closers.push(() => dbbStore.close());
    const oodsRepo = config.archive.enabled ? await openOodsRepo(config) : undefined;
    if (oodsRepo) closers.push(() => oodsRepo.close());
    const gates = new DataGates(
      bus,
      archiveDataProbe({ ...(dbbStore ? { dbbStore } : {}), ...(oodsRepo ? { oodsRepo } : {}) }),
    );
    await gates.start();
    closers.push(() => gates.close());
    const store = await openStore(config);
    closers.push(() => store.dispose());
    const files = new JobFiles(config.jobs.root);
    // the deployment as the jobs see it ({$config}): the same work dir, stores and databases
    await mkdir(config.jobs.root, { recursive: true });
    const deploymentFile = path.join(config.jobs.root, 'deployment.yaml');
    await writeFile(deploymentFile, stringify(toUserConfig(config)));
    const manager = new JobManager({
      store,
      specs,
      backend: openBackend(config),
      gates,
      files,
      serverEnv: env,
      runtime: {
        node: process.execPath,
        promptly: mainScript(),
        config: deploymentFile,
        configEnv: credentialEnvNames(config),
      },
      maxJobsPerOwner: config.jobs.maxJobsPerOwner,
      ...(o.log ? { log: o.log } : {}),
      ...(o.onChange ? { onChange: o.onChange } : {}),
    });
    await manager.start();
    closers.push(() => manager.close());
    if (config.archive.enabled && config.jobs.reprocess && specs.has('reprocess')) {
      await ensureArchiveTopology(bus, config.archive);
      const stop = await submitReprocessJobs({
        bus,
        manager,
        instrument: config.instrument,
        log: o.log,
        onJob: o.onReprocessJob,
      });
      closers.push(stop);
    }
    const app = await createJobServer({
      manager,
      tokens,
      files,
      maxRequestBytes: config.jobs.maxRequestBytes,
    });
    closers.push(() => app.close());
    const address = await app.listen({
      host: config.jobs.host,
      port: config.jobs.port ?? o.defaultPort ?? DEFAULT_JOBS_PORT,
    });
    return { url: address, manager, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
