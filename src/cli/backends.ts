import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Apdb } from '../apdb/apdb.js';
import { createPostgresApdb } from '../apdb/postgres/postgres-apdb.js';
import { createSqliteApdb } from '../apdb/sqlite/sqlite-apdb.js';
import type { Bus } from '../bus/bus.js';
import { createMemoryBus } from '../bus/memory/memory-bus.js';
import { createNatsBus } from '../bus/nats/nats-bus.js';
import type { Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import { createPostgresVisitLedger } from '../ledger/postgres/postgres-visit-ledger.js';
import { createSqliteVisitLedger } from '../ledger/sqlite/sqlite-visit-ledger.js';
import type { VisitLedger } from '../ledger/visit-ledger.js';
import type { LeaseManager } from '../lease/lease.js';
import { MemoryLeaseStore } from '../lease/memory/memory-lease.js';
import { ALL_DATASET_TYPES } from '../registry/dataset-types.js';
import { createPostgresRegistry } from '../registry/postgres/postgres-registry.js';
import { createRepo, type Repo } from '../registry/repo.js';
import { createSqliteRegistry } from '../registry/sqlite/sqlite-registry.js';
import { connectNatsKvLeases } from '../lease/nats/nats-kv-lease.js';
import { createFsObjectStore } from '../store/fs/fs-object-store.js';
import { withArrivalNotices } from '../store/notifying-store.js';
import type { NoticeSink, ObjectStore } from '../store/object-store.js';
import { createS3ObjectStore } from '../store/s3/s3-object-store.js';
import { s3StoreOptionsFromConfig } from '../store/s3/s3-store-config.js';

/**
 * The one place backends are chosen: each opener reads the tagged config once and returns
 * the contract, never a client. A role process opens only what it uses.
 */

/** The bus of the config: in process (`memory`) or NATS JetStream (`nats`). */
export async function openBus(config: Config): Promise<Bus> {
  const bus = config.bus;
  if (bus.kind === 'memory') return createMemoryBus();
  return createNatsBus({
    servers: [...bus.servers],
    streamReplicas: bus.streamReplicas,
    ...(bus.name !== undefined ? { name: bus.name } : {}),
  });
}

/** The bucket name of the raw store (its S3 bucket, or `raw` for a file system). */
export function rawBucketOf(config: Config): string {
  return config.store.kind === 's3' ? config.store.bucket : 'raw';
}

/**
 * The raw object store; `onNotice`, when given, receives an arrival notice for each put this
 * process makes (the fs store's own; for S3, made after the put as a bucket notification
 * would be, for servers that send none — the router's listing finds anything missed).
 */
export async function openRawStore(config: Config, onNotice?: NoticeSink): Promise<ObjectStore> {
  const store = config.store;
  if (store.kind === 's3') {
    const s3 = await createS3ObjectStore(s3StoreOptionsFromConfig(store, process.env));
    return onNotice ? withArrivalNotices(s3, onNotice) : s3;
  }
  return createFsObjectStore({
    root: store.root,
    bucket: rawBucketOf(config),
    durable: store.durable,
    ...(onNotice ? { onNotice } : {}),
  });
}

/**
 * The visit ledger, beside the central registry: a SQLite file of its own in the central
 * repo's directory, or the same PostgreSQL database and schema.
 */
export async function openLedger(config: Config): Promise<VisitLedger> {
  const registry = config.centralRepo.registry;
  if (registry.kind === 'postgres')
    return createPostgresVisitLedger({
      url: registry.url,
      ...(registry.schema !== undefined ? { schema: registry.schema } : {}),
      ...(registry.poolSize !== undefined ? { poolSize: registry.poolSize } : {}),
    });
  return createSqliteVisitLedger({
    filename: path.join(config.centralRepo.root, 'ledger.sqlite3'),
  });
}

/**
 * The APDB, beside the central registry: a SQLite file of its own in the central repo's
 * directory (the embedded default), or the registry's PostgreSQL database and schema (its
 * tables start with `apdb_`), shared by every worker of a deployment.
 */
export async function openApdb(config: Config): Promise<Apdb> {
  const registry = config.centralRepo.registry;
  if (registry.kind === 'postgres')
    return createPostgresApdb({
      url: registry.url,
      ...(registry.schema !== undefined ? { schema: registry.schema } : {}),
      ...(registry.poolSize !== undefined ? { poolSize: registry.poolSize } : {}),
    });
  await mkdir(config.centralRepo.root, { recursive: true });
  return createSqliteApdb({ filename: path.join(config.centralRepo.root, 'apdb.sqlite3') });
}

/** The deployment's central repo: `centralRepo` (root, registry, datastore) of the config. */
export function openCentralRepo(config: Config, durable = true): Promise<Repo> {
  const c = config.centralRepo;
  return openRepo(c.root, c.registry, durable, c.datastore);
}

/** Leases for singleton roles: in process with the memory bus, NATS KV with NATS. */
export async function openLeases(config: Config, clock: Clock): Promise<LeaseManager> {
  const bus = config.bus;
  if (bus.kind === 'memory') return new MemoryLeaseStore({ clock }).manager();
  return connectNatsKvLeases({ servers: [...bus.servers] });
}

/**
 * A repo in `root`: its registry (`registry.sqlite3`, the configured SQLite file, or a
 * PostgreSQL schema) and its datastore (`<root>/datastore`, or the S3 bucket `datastore` names).
 */
export async function openRepo(
  root: string,
  registry: Config['centralRepo']['registry'],
  durable: boolean,
  datastore: Config['centralRepo']['datastore'] = { kind: 'fs' },
): Promise<Repo> {
  await mkdir(root, { recursive: true });
  const repo = createRepo({
    registry:
      registry.kind === 'postgres'
        ? await createPostgresRegistry({
            url: registry.url,
            schema: registry.schema,
            poolSize: registry.poolSize,
          })
        : await createSqliteRegistry({
            filename: registry.filename ?? path.join(root, 'registry.sqlite3'),
          }),
    datastore:
      datastore.kind === 's3'
        ? await createS3ObjectStore(s3StoreOptionsFromConfig(datastore, process.env))
        : await createFsObjectStore({
            root: path.join(root, 'datastore'),
            bucket: 'repo',
            durable,
          }),
  });
  for (const type of ALL_DATASET_TYPES) await repo.registry.registerDatasetType(type);
  return repo;
}

/** The OODS's repository: `<archive>/oods` (registry per `archive.oodsRegistry`, fs datastore). */
export function openOodsRepo(config: Config): Promise<Repo> {
  return openRepo(path.join(config.archive.root, 'oods'), config.archive.oodsRegistry, true);
}

/** The Data Backbone's long-term store: `<archive>/dbb/store`, or the S3 bucket configured. */
export async function openDbbStore(config: Config): Promise<ObjectStore> {
  const s = config.archive.dbbStore;
  if (s.kind === 's3') return createS3ObjectStore(s3StoreOptionsFromConfig(s, process.env));
  return createFsObjectStore({
    root: path.join(config.archive.root, 'dbb', 'store'),
    bucket: 'dbb',
  });
}
