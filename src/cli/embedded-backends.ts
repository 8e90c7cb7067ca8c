import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Bus } from '../bus/bus.js';
import { createMemoryBus } from '../bus/memory/memory-bus.js';
import type { Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import { createSqliteVisitLedger } from '../ledger/sqlite/sqlite-visit-ledger.js';
import type { VisitLedger } from '../ledger/visit-ledger.js';
import { createStatusEmitter } from '../observe/status-emitter.js';
import { createArrivalRouter } from '../prompt/arrivals/arrival-router.js';
import { ALL_DATASET_TYPES } from '../registry/dataset-types.js';
import { createRepo, type Repo } from '../registry/repo.js';
import { createSqliteRegistry } from '../registry/sqlite/sqlite-registry.js';
import { createFsObjectStore } from '../store/fs/fs-object-store.js';
import type { ObjectStore } from '../store/object-store.js';

/** The backends one process runs on, chosen from the config once at start-up. */
export interface Backends {
  readonly bus: Bus;
  /** Where raws land; every put emits an arrival notice. */
  readonly rawStore: ObjectStore;
  readonly central: Repo;
  /** This process's handler-local repo. */
  readonly local: Repo;
  /** Accepted visits and the outcomes they owe (zero-loss accounting). */
  readonly ledger: VisitLedger;
  close(): Promise<void>;
}

/** A repo in `root`: `registry.sqlite3` (or the configured file) and `datastore/`. */
export async function openRepo(
  root: string,
  registry: Config['centralRepo']['registry'],
  durable: boolean,
): Promise<Repo> {
  await mkdir(root, { recursive: true });
  const filename = registry.filename ?? path.join(root, 'registry.sqlite3');
  const repo = createRepo({
    registry: await createSqliteRegistry({ filename }),
    datastore: await createFsObjectStore({
      root: path.join(root, 'datastore'),
      bucket: 'repo',
      durable,
    }),
  });
  for (const type of ALL_DATASET_TYPES) await repo.registry.registerDatasetType(type);
  return repo;
}

/**
 * Opens the embedded backends: memory bus, filesystem store (its arrival notices routed to
 * `raw.arrived.…` by the arrival router), SQLite repos.
 */
export async function openBackends(config: Config, clock: Clock): Promise<Backends> {
  const bus = config.bus.kind === 'memory' ? createMemoryBus() : assertNever(config.bus.kind);
  const rawStore = await createFsObjectStore({
    root: config.store.root,
    bucket: 'raw',
    durable: config.store.durable,
    onNotice: createArrivalRouter({
      bus,
      clock,
      status: createStatusEmitter(bus, clock, 'router'),
    }),
  });
  const central = await openRepo(
    config.centralRepo.root,
    config.centralRepo.registry,
    config.store.durable,
  );
  // The handler-local repo is scratch by design: losing it costs a re-preload, never data.
  const local = await openRepo(config.worker.localRepoRoot, { kind: 'sqlite' }, false);
  const ledger = await createSqliteVisitLedger({
    filename: path.join(config.centralRepo.root, 'ledger.sqlite3'),
  });
  return {
    bus,
    rawStore,
    central,
    local,
    ledger,
    async close() {
      await ledger.dispose();
      await bus.close();
      await rawStore.close();
      await central.close();
      await local.close();
    },
  };
}

function assertNever(kind: never): never {
  throw new Error(`unsupported backend kind ${String(kind)}`);
}
