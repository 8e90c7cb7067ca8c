import { randomUUID } from 'node:crypto';
import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { PromptlyError } from '../../core/errors.js';
import {
  canonicalDataIdKey,
  checkDimensionName,
  checkDimensionValue,
  dataIdEntries,
} from '../data-id.js';
import type { DataId, DatasetRef, DatasetType, DimensionName, IngestRequest } from '../registry.js';
import { DIMENSION_COLUMNS, type DatasetTable, type RegistryDb } from './registry-db.js';
import { checkCollectionName } from './sql-collections.js';
import { datasetTypeOfRow, dimensionColumns, refOfRow } from './sql-rows.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The registered dataset type, or PROMPTLY_E_REGISTRY_NOT_FOUND. */
export async function requireDatasetType(
  db: Kysely<RegistryDb>,
  name: string,
): Promise<DatasetType> {
  const row = await db
    .selectFrom('dataset_type')
    .selectAll()
    .where('name', '=', name)
    .executeTakeFirst();
  if (row === undefined)
    throw new PromptlyError(
      'PROMPTLY_E_REGISTRY_NOT_FOUND',
      `no dataset type ${JSON.stringify(name)}`,
    );
  return datasetTypeOfRow(row);
}

/** The canonical key of a data ID checked against the type's dimensions. */
export function keyFor(type: DatasetType, dataId: DataId): string {
  return canonicalDataIdKey(dataIdEntries(dataId, type.dimensions));
}

/**
 * SQL conditions for a `where` filter on dataset rows: each key must be one of the type's
 * dimensions with a value of the right kind (PROMPTLY_E_REGISTRY_INVALID otherwise).
 */
export function whereConditions(
  type: DatasetType,
  where: Partial<DataId> | undefined,
): Expression<SqlBool>[] {
  if (where === undefined) return [];
  const out: Expression<SqlBool>[] = [];
  for (const [key, value] of Object.entries(where)) {
    if (value === undefined) continue;
    const name: DimensionName = checkDimensionName(key);
    if (!type.dimensions.includes(name)) {
      throw new PromptlyError(
        'PROMPTLY_E_REGISTRY_INVALID',
        `dataset type ${type.name} has no dimension ${name}`,
      );
    }
    const v = checkDimensionValue(name, value);
    out.push(sql<SqlBool>`${sql.ref(`dataset.${DIMENSION_COLUMNS[name]}`)} = ${v}`);
  }
  return out;
}

interface CheckedRequest {
  readonly id: string | undefined;
  readonly type: DatasetType;
  readonly entries: [DimensionName, string | number][];
  readonly key: string;
  readonly run: string;
  readonly uri: string;
  readonly sizeBytes: number;
  readonly checksum: string;
}

function checkRequest(req: IngestRequest, type: DatasetType): CheckedRequest {
  const bad = (what: string): never => {
    throw new PromptlyError('PROMPTLY_E_REGISTRY_INVALID', `ingest ${req.datasetType}: ${what}`);
  };
  if (req.id !== undefined && (typeof req.id !== 'string' || !UUID.test(req.id)))
    bad(`id ${String(req.id)} is not a UUID`);
  if (typeof req.uri !== 'string' || req.uri.length === 0) bad('uri must be a non-empty string');
  if (!Number.isSafeInteger(req.sizeBytes) || req.sizeBytes < 0)
    bad(`sizeBytes must be a non-negative integer`);
  if (typeof req.checksum !== 'string' || req.checksum.length === 0)
    bad('checksum must be a non-empty string');
  const entries = dataIdEntries(req.dataId, type.dimensions);
  return {
    id: req.id?.toLowerCase(),
    type,
    entries,
    key: canonicalDataIdKey(entries),
    run: checkCollectionName(req.run),
    uri: req.uri,
    sizeBytes: req.sizeBytes,
    checksum: req.checksum,
  };
}

function sameContent(
  row: { uri: string; checksum: string; size_bytes: number },
  req: CheckedRequest,
): boolean {
  return (
    row.uri === req.uri && row.checksum === req.checksum && Number(row.size_bytes) === req.sizeBytes
  );
}

function conflict(req: CheckedRequest, existing: DatasetRef): PromptlyError {
  return new PromptlyError(
    'PROMPTLY_E_REGISTRY_CONFLICT',
    `${req.type.name} ${req.key} in run ${req.run} exists with another content ` +
      `(uri ${existing.uri}, checksum ${existing.checksum}; new uri ${req.uri}, checksum ${req.checksum})`,
  );
}

/**
 * Ingests a batch inside the caller's transaction (see Registry.ingest). Run collections
 * that do not exist are created; a non-run collection of that name is INVALID.
 */
export async function ingestBatch(
  trx: Kysely<RegistryDb>,
  requests: readonly IngestRequest[],
): Promise<DatasetRef[]> {
  const types = new Map<string, DatasetType>();
  const checked: CheckedRequest[] = [];
  for (const req of requests) {
    let type = types.get(req.datasetType);
    if (type === undefined) {
      type = await requireDatasetType(trx, req.datasetType);
      types.set(type.name, type);
    }
    checked.push(checkRequest(req, type));
  }
  for (const run of new Set(checked.map((c) => c.run))) {
    const row = await trx
      .selectFrom('collection')
      .select('type')
      .where('name', '=', run)
      .executeTakeFirst();
    if (row === undefined)
      await trx.insertInto('collection').values({ name: run, type: 'run' }).execute();
    else if (row.type !== 'run') {
      throw new PromptlyError(
        'PROMPTLY_E_REGISTRY_INVALID',
        `cannot ingest into ${run}: it is a ${row.type} collection`,
      );
    }
  }
  const inBatch = new Map<string, { req: CheckedRequest; ref: DatasetRef }>();
  const refs: DatasetRef[] = [];
  const now = Date.now();
  for (const req of checked) {
    const identity = `${req.type.name}\n${req.run}\n${req.key}`;
    const earlier = inBatch.get(identity);
    if (earlier !== undefined) {
      if (!(
        earlier.req.uri === req.uri &&
        earlier.req.checksum === req.checksum &&
        earlier.req.sizeBytes === req.sizeBytes
      )) {
        throw conflict(req, earlier.ref);
      }
      refs.push(earlier.ref);
      continue;
    }
    const existing = await trx
      .selectFrom('dataset')
      .selectAll()
      .where('dataset_type', '=', req.type.name)
      .where('run', '=', req.run)
      .where('data_id_key', '=', req.key)
      .executeTakeFirst();
    let ref: DatasetRef;
    if (existing !== undefined) {
      ref = refOfRow(existing);
      if (!sameContent(existing, req)) throw conflict(req, ref);
    } else {
      const id = req.id ?? randomUUID();
      if (req.id !== undefined) {
        const taken = await trx
          .selectFrom('dataset')
          .select('id')
          .where('id', '=', id)
          .executeTakeFirst();
        if (taken !== undefined) {
          throw new PromptlyError(
            'PROMPTLY_E_REGISTRY_CONFLICT',
            `dataset id ${id} is already used by another dataset`,
          );
        }
      }
      const row: DatasetTable = {
        id,
        dataset_type: req.type.name,
        run: req.run,
        data_id_key: req.key,
        ...dimensionColumns(req.entries),
        uri: req.uri,
        size_bytes: req.sizeBytes,
        checksum: req.checksum,
        ingested_ms: now,
      };
      await trx.insertInto('dataset').values(row).execute();
      ref = refOfRow(row);
    }
    inBatch.set(identity, { req, ref });
    refs.push(ref);
  }
  return refs;
}
