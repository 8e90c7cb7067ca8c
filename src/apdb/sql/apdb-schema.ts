import {
  Migrator,
  type ColumnDataType,
  type CreateTableBuilder,
  type Kysely,
  type Migration,
  type MigrationProvider,
} from 'kysely';
import { PromptlyError } from '../../core/errors.js';
import {
  DIA_FORCED_SOURCE_COLUMNS,
  DIA_OBJECT_COLUMNS,
  DIA_SOURCE_COLUMNS,
  SS_OBJECT_COLUMNS,
  type ColumnSpec,
} from '../apdb-columns.js';

/**
 * The APDB tables, on SQLite or PostgreSQL (portable column types; booleans as 0/1 integers,
 * every float as double precision). Column names are Rubin's camelCase field names, which
 * Kysely quotes, so PostgreSQL keeps their case. Table names start with `apdb_`, so the APDB
 * may share a database (and schema) with the registry and the ledger.
 */

/** A row of a record table: its columns by name (types follow `apdb-columns.ts`). */
export type ApdbRow = Record<string, number | string | null>;

export interface ApdbDb {
  apdb_dia_object: ApdbRow;
  apdb_dia_source: ApdbRow;
  apdb_dia_forced_source: ApdbRow;
  apdb_ss_object: ApdbRow;
  /** The write marker: one row per visit-detector that has written. */
  apdb_visit_detector: {
    visit: number;
    detector: number;
    dia_sources: number;
    dia_objects: number;
    dia_forced_sources: number;
    ss_objects: number;
    written_ms: number;
  };
}

/** Name of the HEALPix index column (nested, order APDB_HEALPIX_ORDER) of objects and sources. */
export const PIXEL_COLUMN = 'pixelId';

function sqlType(kind: string): ColumnDataType {
  const base = kind.replace('?', '');
  if (base === 'id') return 'bigint';
  if (base === 'count' || base === 'bool') return 'integer';
  if (base === 'text') return 'text';
  return 'double precision';
}

function addColumns<T extends string>(
  builder: CreateTableBuilder<T, never>,
  spec: ColumnSpec,
  key: string,
): CreateTableBuilder<T, never> {
  let b = builder;
  for (const [name, kind] of Object.entries(spec))
    b = b.addColumn(name, sqlType(kind), (c) => {
      const col = kind.startsWith('?') ? c : c.notNull();
      return name === key ? col.primaryKey() : col;
    });
  return b;
}

const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>): Promise<void> {
      await addColumns(db.schema.createTable('apdb_dia_object'), DIA_OBJECT_COLUMNS, 'diaObjectId')
        .addColumn(PIXEL_COLUMN, 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('apdb_dia_object_pixel')
        .on('apdb_dia_object')
        .column(PIXEL_COLUMN)
        .execute();
      await addColumns(db.schema.createTable('apdb_dia_source'), DIA_SOURCE_COLUMNS, 'diaSourceId')
        .addColumn(PIXEL_COLUMN, 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('apdb_dia_source_object_time')
        .on('apdb_dia_source')
        .columns(['diaObjectId', 'midpointMjdTai'])
        .execute();
      await db.schema
        .createIndex('apdb_dia_source_visit_detector')
        .on('apdb_dia_source')
        .columns(['visit', 'detector'])
        .execute();
      await db.schema
        .createIndex('apdb_dia_source_pixel')
        .on('apdb_dia_source')
        .column(PIXEL_COLUMN)
        .execute();
      await addColumns(
        db.schema.createTable('apdb_dia_forced_source'),
        DIA_FORCED_SOURCE_COLUMNS,
        'diaForcedSourceId',
      ).execute();
      // Rubin's key of a forced measurement: one per object per visit-detector.
      await db.schema
        .createIndex('apdb_dia_forced_source_object_visit')
        .on('apdb_dia_forced_source')
        .columns(['diaObjectId', 'visit', 'detector'])
        .unique()
        .execute();
      await db.schema
        .createIndex('apdb_dia_forced_source_object_time')
        .on('apdb_dia_forced_source')
        .columns(['diaObjectId', 'midpointMjdTai'])
        .execute();
      await addColumns(
        db.schema.createTable('apdb_ss_object'),
        SS_OBJECT_COLUMNS,
        'ssObjectId',
      ).execute();
      await db.schema
        .createTable('apdb_visit_detector')
        .addColumn('visit', 'bigint', (c) => c.notNull())
        .addColumn('detector', 'integer', (c) => c.notNull())
        .addColumn('dia_sources', 'integer', (c) => c.notNull())
        .addColumn('dia_objects', 'integer', (c) => c.notNull())
        .addColumn('dia_forced_sources', 'integer', (c) => c.notNull())
        .addColumn('ss_objects', 'integer', (c) => c.notNull())
        .addColumn('written_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('apdb_visit_detector_pk', ['visit', 'detector'])
        .execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(MIGRATIONS) };

/** Brings the APDB schema up to date (Kysely serialises concurrent migrators). */
export async function migrateApdb(
  db: Kysely<unknown>,
  options: {
    /** Schema of the bookkeeping tables on PostgreSQL: the one the APDB's tables go to. */
    readonly schema?: string;
  } = {},
): Promise<void> {
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'apdb_migration',
    migrationLockTableName: 'apdb_migration_lock',
    ...(options.schema === undefined ? {} : { migrationTableSchema: options.schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new PromptlyError('PROMPTLY_E_INTERNAL', `APDB migration ${failed} failed`, {
      cause: error,
    });
  }
}
