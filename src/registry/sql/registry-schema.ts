import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { PromptlyError } from '../../core/errors.js';

/**
 * The registry schema as Kysely migrations, written once for SQLite and PostgreSQL
 * (only portable column types: text, integer, bigint). Kysely records applied
 * migrations in `registry_migration` and serialises concurrent migrators with
 * `registry_migration_lock`.
 */
const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('dataset_type')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('dimensions', 'text', (c) => c.notNull())
        .addColumn('storage_class', 'text', (c) => c.notNull())
        .addColumn('is_calibration', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('collection')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('collection_chain')
        .addColumn('parent', 'text', (c) =>
          c.notNull().references('collection.name').onDelete('cascade'),
        )
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('child', 'text', (c) => c.notNull().references('collection.name'))
        .addPrimaryKeyConstraint('collection_chain_pk', ['parent', 'position'])
        .execute();
      await db.schema
        .createIndex('collection_chain_child')
        .on('collection_chain')
        .column('child')
        .execute();
      await db.schema
        .createTable('dimension_record')
        .addColumn('element', 'text', (c) => c.notNull())
        .addColumn('data_id_key', 'text', (c) => c.notNull())
        .addColumn('values_json', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('dimension_record_pk', ['element', 'data_id_key'])
        .execute();
      await db.schema
        .createTable('dataset')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('dataset_type', 'text', (c) => c.notNull().references('dataset_type.name'))
        .addColumn('run', 'text', (c) => c.notNull().references('collection.name'))
        .addColumn('data_id_key', 'text', (c) => c.notNull())
        .addColumn('instrument', 'text', (c) => c.notNull())
        .addColumn('detector', 'integer')
        .addColumn('group_id', 'text')
        .addColumn('snap', 'integer')
        .addColumn('exposure', 'bigint')
        .addColumn('visit', 'bigint')
        .addColumn('day_obs', 'integer')
        .addColumn('band', 'text')
        .addColumn('physical_filter', 'text')
        .addColumn('uri', 'text', (c) => c.notNull())
        .addColumn('size_bytes', 'bigint', (c) => c.notNull())
        .addColumn('checksum', 'text', (c) => c.notNull())
        .addColumn('ingested_ms', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('dataset_identity', ['dataset_type', 'run', 'data_id_key'])
        .execute();
      await db.schema
        .createIndex('dataset_by_key')
        .on('dataset')
        .columns(['dataset_type', 'data_id_key'])
        .execute();
      await db.schema
        .createIndex('dataset_by_detector')
        .on('dataset')
        .columns(['dataset_type', 'instrument', 'detector'])
        .execute();
      await db.schema
        .createIndex('dataset_by_group')
        .on('dataset')
        .columns(['dataset_type', 'instrument', 'group_id'])
        .execute();
      await db.schema.createIndex('dataset_by_run').on('dataset').column('run').execute();
      await db.schema
        .createTable('calibration')
        .addColumn('collection', 'text', (c) =>
          c.notNull().references('collection.name').onDelete('cascade'),
        )
        .addColumn('dataset_id', 'text', (c) =>
          c.notNull().references('dataset.id').onDelete('cascade'),
        )
        .addColumn('dataset_type', 'text', (c) => c.notNull())
        .addColumn('data_id_key', 'text', (c) => c.notNull())
        .addColumn('begin_ms', 'bigint', (c) => c.notNull())
        .addColumn('end_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('calibration_pk', ['collection', 'dataset_id', 'begin_ms'])
        .execute();
      await db.schema
        .createIndex('calibration_lookup')
        .on('calibration')
        .columns(['collection', 'dataset_type', 'data_id_key', 'begin_ms'])
        .execute();
      await db.schema
        .createIndex('calibration_by_dataset')
        .on('calibration')
        .column('dataset_id')
        .execute();
    },
  },
  '0002_patch_dimension': {
    async up(db: Kysely<unknown>): Promise<void> {
      // Sky-map patches (templates), a dimension of their own rather than a borrowed `visit`.
      await db.schema.alterTable('dataset').addColumn('patch', 'bigint').execute();
    },
  },
  '0003_htm7_dimension': {
    async up(db: Kysely<unknown>): Promise<void> {
      // Reference-catalog shards: HTM level-7 trixel ids, as Rubin's refcats are sharded.
      await db.schema.alterTable('dataset').addColumn('htm7', 'bigint').execute();
    },
  },
};

const provider: MigrationProvider = {
  getMigrations: () => Promise.resolve(MIGRATIONS),
};

export interface MigrateRegistryOptions {
  /**
   * Schema of the migration bookkeeping tables, where the database has schemas
   * (PostgreSQL): it must be the schema the registry tables go to (the first of the
   * connection's search_path). Without it, Kysely looks for its tables in every schema
   * and would take another registry's for this one's. Default: none (SQLite).
   */
  readonly schema?: string;
}

/** Brings the schema up to date; throws PROMPTLY_E_INTERNAL with the cause if a migration fails. */
export async function migrateRegistry(
  db: Kysely<unknown>,
  options: MigrateRegistryOptions = {},
): Promise<void> {
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'registry_migration',
    migrationLockTableName: 'registry_migration_lock',
    ...(options.schema === undefined ? {} : { migrationTableSchema: options.schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new PromptlyError('PROMPTLY_E_INTERNAL', `registry migration ${failed} failed`, {
      cause: error,
    });
  }
}
