import type { Kysely } from 'kysely';
import { PromptlyError } from '../../core/errors.js';
import type {
  CalibrationAssociation,
  DataId,
  DatasetRef,
  QueryDatasetsOptions,
  Timespan,
} from '../registry.js';
import { decodeTimespan, encodeTimespan, lookupTimeMs } from '../timespan.js';
import type { RegistryDb } from './registry-db.js';
import { checkCollectionName, expandCollections } from './sql-collections.js';
import { keyFor, requireDatasetType, whereConditions } from './sql-datasets.js';
import { compareText, refOfRow } from './sql-rows.js';

/**
 * Certifies datasets in a calibration collection (created if missing), inside the caller's
 * transaction.
 * Overlapping validity for the same type + data ID in one collection is CONFLICT (as
 * Butler), except that repeating an identical certification is a no-op.
 */
export async function certifyBatch(
  trx: Kysely<RegistryDb>,
  collection: string,
  refs: readonly DatasetRef[],
  validity: Timespan,
): Promise<void> {
  const { beginMs, endMs } = encodeTimespan(validity);
  checkCollectionName(collection);
  const coll = await trx
    .selectFrom('collection')
    .select('type')
    .where('name', '=', collection)
    .executeTakeFirst();
  if (coll === undefined) {
    await trx.insertInto('collection').values({ name: collection, type: 'calibration' }).execute();
  } else if (coll.type !== 'calibration') {
    throw new PromptlyError(
      'PROMPTLY_E_REGISTRY_INVALID',
      `cannot certify into ${collection}: it is a ${coll.type} collection`,
    );
  }
  const claimed = new Map<string, string>(); // type + data ID → dataset id, within this batch
  for (const ref of refs) {
    const row = await trx
      .selectFrom('dataset')
      .innerJoin('dataset_type', 'dataset_type.name', 'dataset.dataset_type')
      .select([
        'dataset.id',
        'dataset.dataset_type',
        'dataset.data_id_key',
        'dataset_type.is_calibration',
      ])
      .where('dataset.id', '=', ref.id)
      .executeTakeFirst();
    if (row === undefined)
      throw new PromptlyError('PROMPTLY_E_REGISTRY_NOT_FOUND', `no dataset with id ${ref.id}`);
    if (Number(row.is_calibration) !== 1) {
      throw new PromptlyError(
        'PROMPTLY_E_REGISTRY_INVALID',
        `${row.dataset_type} is not a calibration dataset type`,
      );
    }
    const identity = `${row.dataset_type}\n${row.data_id_key}`;
    const other = claimed.get(identity);
    if (other !== undefined) {
      if (other === row.id) continue;
      throw new PromptlyError(
        'PROMPTLY_E_REGISTRY_CONFLICT',
        `two ${row.dataset_type} datasets for ${row.data_id_key} certified over the same range`,
      );
    }
    claimed.set(identity, row.id);
    const overlaps = await trx
      .selectFrom('calibration')
      .selectAll()
      .where('collection', '=', collection)
      .where('dataset_type', '=', row.dataset_type)
      .where('data_id_key', '=', row.data_id_key)
      .where('begin_ms', '<', endMs)
      .where('end_ms', '>', beginMs)
      .execute();
    const same = overlaps.find(
      (o) =>
        o.dataset_id === row.id && Number(o.begin_ms) === beginMs && Number(o.end_ms) === endMs,
    );
    if (same !== undefined && overlaps.length === 1) continue;
    if (overlaps.length > 0) {
      const o = overlaps[0]!;
      throw new PromptlyError(
        'PROMPTLY_E_REGISTRY_CONFLICT',
        `${row.dataset_type} ${row.data_id_key} in ${collection}: [${validity.beginMs}, ${validity.endMs}) ` +
          `overlaps the certification of ${o.dataset_id} over [${o.begin_ms}, ${o.end_ms})`,
      );
    }
    await trx
      .insertInto('calibration')
      .values({
        collection,
        dataset_id: row.id,
        dataset_type: row.dataset_type,
        data_id_key: row.data_id_key,
        begin_ms: beginMs,
        end_ms: endMs,
      })
      .execute();
  }
}

/** See Registry.findCalibration: calibration collections by validity, run collections at any time. */
export async function findCalibrationIn(
  db: Kysely<RegistryDb>,
  datasetType: string,
  dataId: DataId,
  collections: readonly string[],
  timeMs: number,
): Promise<DatasetRef | undefined> {
  const type = await requireDatasetType(db, datasetType);
  const key = keyFor(type, dataId);
  const t = lookupTimeMs(timeMs);
  for (const leaf of await expandCollections(db, collections)) {
    const row =
      leaf.type === 'calibration'
        ? await db
            .selectFrom('calibration')
            .innerJoin('dataset', 'dataset.id', 'calibration.dataset_id')
            .selectAll('dataset')
            .where('calibration.collection', '=', leaf.name)
            .where('calibration.dataset_type', '=', type.name)
            .where('calibration.data_id_key', '=', key)
            .where('calibration.begin_ms', '<=', t)
            .where('calibration.end_ms', '>', t)
            .executeTakeFirst()
        : await db
            .selectFrom('dataset')
            .selectAll()
            .where('dataset_type', '=', type.name)
            .where('run', '=', leaf.name)
            .where('data_id_key', '=', key)
            .executeTakeFirst();
    if (row !== undefined) return refOfRow(row);
  }
  return undefined;
}

/** See Registry.queryCalibrationAssociations. */
export async function queryAssociations(
  db: Kysely<RegistryDb>,
  datasetType: string,
  options: QueryDatasetsOptions,
): Promise<CalibrationAssociation[]> {
  const type = await requireDatasetType(db, datasetType);
  const conditions = whereConditions(type, options.where);
  const calibs = (await expandCollections(db, options.collections)).filter(
    (l) => l.type === 'calibration',
  );
  const out: CalibrationAssociation[] = [];
  for (const leaf of calibs) {
    const rows = await db
      .selectFrom('calibration')
      .innerJoin('dataset', 'dataset.id', 'calibration.dataset_id')
      .selectAll('dataset')
      .select(['calibration.begin_ms', 'calibration.end_ms'])
      .where('calibration.collection', '=', leaf.name)
      .where('calibration.dataset_type', '=', type.name)
      .where((eb) => eb.and(conditions))
      .execute();
    // The dataset's data_id_key is the certification's (denormalised there).
    rows.sort(
      (a, b) =>
        compareText(a.data_id_key, b.data_id_key) || Number(a.begin_ms) - Number(b.begin_ms),
    );
    for (const row of rows) {
      out.push({
        collection: leaf.name,
        ref: refOfRow(row),
        validity: decodeTimespan(Number(row.begin_ms), Number(row.end_ms)),
      });
    }
  }
  return out;
}
