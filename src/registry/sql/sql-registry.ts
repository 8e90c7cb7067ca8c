import type { Kysely, Transaction } from 'kysely';
import { PromptlyError } from '../../core/errors.js';
import { canonicalDataIdKey, checkDimensionName, dataIdEntries } from '../data-id.js';
import { checkDatasetType, sameDatasetType } from '../dataset-type.js';
import type {
  CalibrationAssociation,
  Collection,
  CollectionType,
  DataId,
  DatasetRef,
  DatasetType,
  DimensionName,
  DimensionRecord,
  IngestRequest,
  QueryDatasetsOptions,
  Registry,
  Timespan,
} from '../registry.js';
import type { RegistryDb } from './registry-db.js';
import { certifyBatch, findCalibrationIn, queryAssociations } from './sql-calibrations.js';
import {
  checkCollectionName,
  expandCollections,
  readCollection,
  writeCollection,
} from './sql-collections.js';
import { ingestBatch, keyFor, requireDatasetType, whereConditions } from './sql-datasets.js';
import { compareText, datasetTypeOfRow, refOfRow } from './sql-rows.js';

/** Runs `work` in one write transaction of `db` and returns its result. */
export type RunTransaction = <T>(
  db: Kysely<RegistryDb>,
  work: (trx: Transaction<RegistryDb>) => Promise<T>,
) => Promise<T>;

export interface SqlRegistryOptions {
  /** Called by close(); default: `db.destroy()`. */
  readonly onClose?: () => Promise<void>;
  /**
   * How every write transaction runs. Default: `db.transaction().execute(work)`, which is
   * enough where the dialect makes write transactions exclusive (SQLite's BEGIN IMMEDIATE):
   * each one then sees every check it makes (does this dataset exist? does this validity
   * range overlap?) still true when it commits. A backend whose write transactions run
   * side by side (PostgreSQL) must give the same guarantee, e.g. SERIALIZABLE isolation,
   * running `work` again after a serialization failure. `work` is safe to run again: it
   * only touches the database through `trx`.
   */
  readonly runTransaction?: RunTransaction;
}

const runPlainTransaction: RunTransaction = (db, work) => db.transaction().execute(work);

function checkRecord(record: DimensionRecord): {
  element: DimensionName;
  key: string;
  valuesJson: string;
} {
  const element = checkDimensionName(record.element);
  const entries = dataIdEntries(record.dataId);
  const names = entries.map(([n]) => n);
  if (!names.includes('instrument') || !names.includes(element)) {
    throw new PromptlyError(
      'PROMPTLY_E_REGISTRY_INVALID',
      `a ${element} record's data ID must include instrument and ${element}`,
    );
  }
  const values = record.values;
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new PromptlyError(
      'PROMPTLY_E_REGISTRY_INVALID',
      `${element} record values must be an object`,
    );
  }
  for (const [k, v] of Object.entries(values)) {
    const ok =
      v === null ||
      typeof v === 'string' ||
      typeof v === 'boolean' ||
      (typeof v === 'number' && Number.isFinite(v));
    if (!ok)
      throw new PromptlyError(
        'PROMPTLY_E_REGISTRY_INVALID',
        `${element} record value ${k} is not a finite scalar`,
      );
  }
  return { element, key: canonicalDataIdKey(entries), valuesJson: JSON.stringify(values) };
}

/**
 * The Registry over any Kysely dialect (SQLite, PostgreSQL): every query is built with
 * Kysely, none is dialect-specific, and text is ordered in JS (binary order) rather than by
 * the database's collation. Every write runs in one transaction through `runTransaction`
 * (see SqlRegistryOptions). The caller creates the Kysely instance and runs
 * `migrateRegistry` first.
 *
 * Semantics beyond the contract's: ingest creates missing run collections and certify missing calibration collections;
 * search paths skip collections that do not exist; findDataset
 * searches run collections only; queryDatasets returns every match (not first-per-data-ID)
 * and includes datasets certified in calibration collections on the path; findCalibration
 * treats run collections on the path as valid at all times (as Butler does); removeRun of a
 * missing run returns [] and drops the run from chains that list it.
 */
export class SqlRegistry implements Registry {
  readonly #db: Kysely<RegistryDb>;
  readonly #onClose: () => Promise<void>;
  readonly #runTransaction: RunTransaction;
  #closed = false;

  constructor(db: Kysely<RegistryDb>, options: SqlRegistryOptions = {}) {
    this.#db = db;
    this.#onClose = options.onClose ?? (() => db.destroy());
    this.#runTransaction = options.runTransaction ?? runPlainTransaction;
  }

  async registerDatasetType(type: DatasetType): Promise<void> {
    const clean = checkDatasetType(type);
    await this.#transact(async (trx) => {
      const row = await trx
        .selectFrom('dataset_type')
        .selectAll()
        .where('name', '=', clean.name)
        .executeTakeFirst();
      if (row !== undefined) {
        if (!sameDatasetType(datasetTypeOfRow(row), clean)) {
          throw new PromptlyError(
            'PROMPTLY_E_REGISTRY_CONFLICT',
            `dataset type ${clean.name} exists with another definition`,
          );
        }
        return;
      }
      await trx
        .insertInto('dataset_type')
        .values({
          name: clean.name,
          dimensions: JSON.stringify(clean.dimensions),
          storage_class: clean.storageClass,
          is_calibration: clean.isCalibration ? 1 : 0,
        })
        .execute();
    });
  }

  async getDatasetType(name: string): Promise<DatasetType | undefined> {
    const row = await this.#open()
      .selectFrom('dataset_type')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    return row === undefined ? undefined : datasetTypeOfRow(row);
  }

  async registerCollection(collection: Collection): Promise<void> {
    await this.#transact((trx) => writeCollection(trx, collection));
  }

  getCollection(name: string): Promise<Collection | undefined> {
    return readCollection(this.#open(), name);
  }

  /** Every collection, by name. */
  async listCollections(): Promise<Collection[]> {
    const db = this.#open();
    const rows = (await db.selectFrom('collection').selectAll().execute()).sort((a, b) =>
      compareText(a.name, b.name),
    );
    const links = await db
      .selectFrom('collection_chain')
      .selectAll()
      .orderBy('parent')
      .orderBy('position')
      .execute();
    const children = new Map<string, string[]>();
    for (const l of links) children.set(l.parent, [...(children.get(l.parent) ?? []), l.child]);
    return rows.map((r) => ({
      name: r.name,
      type: r.type as CollectionType,
      children: children.get(r.name) ?? [],
    }));
  }

  /**
   * Upserts records. A record's data ID must include instrument and its element; values
   * are finite scalars or null. Throws PROMPTLY_E_REGISTRY_INVALID before writing anything.
   */
  async insertDimensionRecords(records: readonly DimensionRecord[]): Promise<void> {
    const checked = records.map(checkRecord);
    if (checked.length === 0) return;
    await this.#transact(async (trx) => {
      for (const r of checked) {
        await trx
          .insertInto('dimension_record')
          .values({ element: r.element, data_id_key: r.key, values_json: r.valuesJson })
          .onConflict((oc) =>
            oc.columns(['element', 'data_id_key']).doUpdateSet({ values_json: r.valuesJson }),
          )
          .execute();
      }
    });
  }

  async getDimensionRecord(
    element: DimensionName,
    dataId: DataId,
  ): Promise<DimensionRecord | undefined> {
    const name = checkDimensionName(element);
    const entries = dataIdEntries(dataId);
    const row = await this.#open()
      .selectFrom('dimension_record')
      .selectAll()
      .where('element', '=', name)
      .where('data_id_key', '=', canonicalDataIdKey(entries))
      .executeTakeFirst();
    if (row === undefined) return undefined;
    return {
      element: name,
      dataId: Object.fromEntries(entries) as unknown as DataId,
      values: JSON.parse(row.values_json) as DimensionRecord['values'],
    };
  }

  async ingest(requests: readonly IngestRequest[]): Promise<DatasetRef[]> {
    if (requests.length === 0) return [];
    return this.#transact((trx) => ingestBatch(trx, requests));
  }

  async findDataset(
    datasetType: string,
    dataId: DataId,
    collections: readonly string[],
  ): Promise<DatasetRef | undefined> {
    const db = this.#open();
    const type = await requireDatasetType(db, datasetType);
    const key = keyFor(type, dataId);
    const runs = (await expandCollections(db, collections))
      .filter((l) => l.type === 'run')
      .map((l) => l.name);
    if (runs.length === 0) return undefined;
    const rows = await db
      .selectFrom('dataset')
      .selectAll()
      .where('dataset_type', '=', type.name)
      .where('data_id_key', '=', key)
      .where('run', 'in', runs)
      .execute();
    for (const run of runs) {
      const row = rows.find((r) => r.run === run);
      if (row !== undefined) return refOfRow(row);
    }
    return undefined;
  }

  /**
   * Every dataset of the type in the collections matching `where` (keys must be dimensions
   * of the type), each once, ordered by collection search order, then data ID.
   */
  async queryDatasets(datasetType: string, options: QueryDatasetsOptions): Promise<DatasetRef[]> {
    const db = this.#open();
    const type = await requireDatasetType(db, datasetType);
    const conditions = whereConditions(type, options.where);
    const leaves = await expandCollections(db, options.collections);
    const rank = new Map(leaves.map((l, i) => [l.name, i]));
    const runs = leaves.filter((l) => l.type === 'run').map((l) => l.name);
    const calibs = leaves.filter((l) => l.type === 'calibration').map((l) => l.name);
    const found: { rank: number; key: string; ref: DatasetRef }[] = [];
    if (runs.length > 0) {
      const rows = await db
        .selectFrom('dataset')
        .selectAll()
        .where('dataset_type', '=', type.name)
        .where('run', 'in', runs)
        .where((eb) => eb.and(conditions))
        .execute();
      for (const r of rows)
        found.push({ rank: rank.get(r.run) ?? 0, key: r.data_id_key, ref: refOfRow(r) });
    }
    if (calibs.length > 0) {
      const rows = await db
        .selectFrom('calibration')
        .innerJoin('dataset', 'dataset.id', 'calibration.dataset_id')
        .selectAll('dataset')
        .select('calibration.collection as calibration_collection')
        .where('calibration.collection', 'in', calibs)
        .where('calibration.dataset_type', '=', type.name)
        .where((eb) => eb.and(conditions))
        .execute();
      for (const r of rows) {
        found.push({
          rank: rank.get(r.calibration_collection) ?? 0,
          key: r.data_id_key,
          ref: refOfRow(r),
        });
      }
    }
    found.sort((a, b) => a.rank - b.rank || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const seen = new Set<string>();
    return found.filter((f) => !seen.has(f.ref.id) && seen.add(f.ref.id)).map((f) => f.ref);
  }

  /** Atomic: every ref is certified or none. See certifyBatch for the overlap rule. */
  async certify(
    collection: string,
    refs: readonly DatasetRef[],
    validity: Timespan,
  ): Promise<void> {
    await this.#transact((trx) => certifyBatch(trx, collection, refs, validity));
  }

  findCalibration(
    datasetType: string,
    dataId: DataId,
    collections: readonly string[],
    timeMs: number,
  ): Promise<DatasetRef | undefined> {
    return findCalibrationIn(this.#open(), datasetType, dataId, collections, timeMs);
  }

  queryCalibrationAssociations(
    datasetType: string,
    options: QueryDatasetsOptions,
  ): Promise<CalibrationAssociation[]> {
    return queryAssociations(this.#open(), datasetType, options);
  }

  async removeRun(run: string): Promise<DatasetRef[]> {
    const name = checkCollectionName(run);
    return this.#transact(async (trx) => {
      const coll = await trx
        .selectFrom('collection')
        .select('type')
        .where('name', '=', name)
        .executeTakeFirst();
      if (coll === undefined) return [];
      if (coll.type !== 'run') {
        throw new PromptlyError(
          'PROMPTLY_E_REGISTRY_INVALID',
          `${name} is a ${coll.type} collection, not a run`,
        );
      }
      const rows = (
        await trx.selectFrom('dataset').selectAll().where('run', '=', name).execute()
      ).sort(
        (a, b) =>
          compareText(a.dataset_type, b.dataset_type) || compareText(a.data_id_key, b.data_id_key),
      );
      await trx
        .deleteFrom('calibration')
        .where('dataset_id', 'in', (eb) =>
          eb.selectFrom('dataset').select('id').where('run', '=', name),
        )
        .execute();
      await trx.deleteFrom('dataset').where('run', '=', name).execute();
      await trx.deleteFrom('collection_chain').where('child', '=', name).execute();
      await trx.deleteFrom('collection').where('name', '=', name).execute();
      return rows.map(refOfRow);
    });
  }

  async removeDatasets(ids: readonly string[]): Promise<DatasetRef[]> {
    if (ids.length === 0) return [];
    return this.#transact(async (trx) => {
      const rows = (
        await trx
          .selectFrom('dataset')
          .selectAll()
          .where('id', 'in', [...ids])
          .execute()
      ).sort((a, b) => compareText(a.id, b.id));
      await trx
        .deleteFrom('calibration')
        .where('dataset_id', 'in', [...ids])
        .execute();
      await trx
        .deleteFrom('dataset')
        .where('id', 'in', [...ids])
        .execute();
      return rows.map(refOfRow);
    });
  }

  /** Closes the database; later calls throw PROMPTLY_E_INTERNAL. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#onClose();
  }

  #transact<T>(work: (trx: Transaction<RegistryDb>) => Promise<T>): Promise<T> {
    return this.#runTransaction(this.#open(), work);
  }

  #open(): Kysely<RegistryDb> {
    if (this.#closed) throw new PromptlyError('PROMPTLY_E_INTERNAL', 'registry is closed');
    return this.#db;
  }
}
