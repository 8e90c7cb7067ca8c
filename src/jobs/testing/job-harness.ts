import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Bus } from '../../bus/bus.js';
import { createMemoryBus } from '../../bus/memory/memory-bus.js';
import { encodeJson } from '../../bus/codec.js';
import { archiveSubjects } from '../../archive/archive-topology.js';
import { createJobServer } from '../api/job-server.js';
import { JobTokens, sha256Hex, type Scope } from '../api/job-tokens.js';
import type { BatchBackend } from '../batch/batch-backend.js';
import { LocalBackend } from '../batch/local/local-backend.js';
import { DataGates } from '../gates/data-gates.js';
import type { DataProbe } from '../gates/data-probe.js';
import { isTerminal, type JobPhase, type JobRecord } from '../job.js';
import { JobFiles } from '../manager/job-files.js';
import { JobManager } from '../manager/job-manager.js';
import { parseJobSpecs } from '../spec/job-spec.js';
import type { JobStore } from '../store/job-store.js';
import { createSqliteJobStore } from '../store/sqlite/sqlite-job-store.js';

/** Tokens of the harness: `<name>-token-0123456789` for each. */
export const TOKENS: Record<string, { owner: string; scopes: Scope[] }> = {
  alice: { owner: 'alice', scopes: ['submit', 'read'] },
  bob: { owner: 'bob', scopes: ['submit', 'read'] },
  reader: { owner: 'alice', scopes: ['read'] },
  admin: { owner: 'ops', scopes: ['admin'] },
};
export const tokenOf = (name: keyof typeof TOKENS): string => `${name}-token-0123456789`;

/** Follows phase changes: resolves when a job reaches a phase (an event, never a delay). */
export class PhaseWatch {
  readonly #last = new Map<string, JobRecord>();
  readonly #waiters = new Set<{
    test: (j: JobRecord) => boolean;
    resolve: (j: JobRecord) => void;
  }>();

  readonly onChange = (job: JobRecord): void => {
    this.#last.set(job.jobId, job);
    for (const w of [...this.#waiters])
      if (w.test(job)) {
        this.#waiters.delete(w);
        w.resolve(job);
      }
  };

  /** The job once it is in `phase` (or, with `'ended'`, in any final phase). */
  until(jobId: string, phase: JobPhase | 'ended'): Promise<JobRecord> {
    const test = (j: JobRecord): boolean =>
      j.jobId === jobId && (phase === 'ended' ? isTerminal(j.phase) : j.phase === phase);
    const last = this.#last.get(jobId);
    if (last && test(last)) return Promise.resolve(last);
    return new Promise((resolve) => this.#waiters.add({ test, resolve }));
  }
}

/** A job manager on a memory bus, a SQLite file and a local process pool, with its API. */
export interface JobHarness {
  readonly dir: string;
  readonly bus: Bus;
  readonly present: Set<string>;
  readonly watch: PhaseWatch;
  manager: JobManager;
  app: FastifyInstance;
  /** Publishes an archive event saying `image` is archived (or ingested). */
  arrive(image: string, kind?: 'archived' | 'ingested'): Promise<void>;
  /** Stops the manager (jobs go on running) and starts another on the same files. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startJobHarness(o: {
  specs: string;
  serverEnv?: Record<string, string>;
  maxJobsPerOwner?: number;
  backend?: () => BatchBackend;
}): Promise<JobHarness> {
  const dir = await mkdtemp(path.join(tmpdir(), 'promptly-jobs-'));
  const bus = createMemoryBus();
  const present = new Set<string>();
  const probe: DataProbe = { present: (d) => Promise.resolve(present.has(`${d.kind}/${d.image}`)) };
  const specs = parseJobSpecs(o.specs);
  const files = new JobFiles(path.join(dir, 'jobs'));
  const tokens = new JobTokens(
    Object.entries(TOKENS).map(([name, t]) => ({ ...t, sha256: sha256Hex(tokenOf(name)) })),
  );
  const watch = new PhaseWatch();
  const open = async (): Promise<{
    manager: JobManager;
    app: FastifyInstance;
    gates: DataGates;
    store: JobStore;
  }> => {
    const gates = new DataGates(bus, probe);
    await gates.start();
    const store = await createSqliteJobStore({ filename: path.join(dir, 'jobs.sqlite3') });
    const manager = new JobManager({
      store,
      specs,
      backend: o.backend?.() ?? new LocalBackend({ maxRunning: 4, killGraceMs: 500 }),
      gates,
      files,
      serverEnv: o.serverEnv ?? {},
      maxJobsPerOwner: o.maxJobsPerOwner ?? 100,
      onChange: watch.onChange,
    });
    await manager.start();
    const app = await createJobServer({ manager, tokens, files, maxRequestBytes: 16 * 1024 });
    return { manager, app, gates, store };
  };
  let current = await open();
  const stop = async (): Promise<void> => {
    await current.app.close();
    await current.manager.close();
    await current.gates.close();
    await current.store.dispose();
  };
  const h: JobHarness = {
    dir,
    bus,
    present,
    watch,
    manager: current.manager,
    app: current.app,
    async arrive(image, kind = 'archived') {
      present.add(`${kind}/${image}`);
      await bus.publish(
        archiveSubjects.event(kind, 'LATISS'),
        encodeJson({ image, instrument: 'LATISS' }),
      );
    },
    async restart() {
      await stop();
      current = await open();
      h.manager = current.manager;
      h.app = current.app;
    },
    async close() {
      await stop();
      await bus.close();
      // cancelled jobs' wrappers may still write their end records: retry a refilled directory
      await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
    },
  };
  return h;
}
