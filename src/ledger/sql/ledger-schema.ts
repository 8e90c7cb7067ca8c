import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { PromptlyError } from '../../core/errors.js';

/** Row types of the ledger tables (portable column types: text, integer, bigint). */
export interface LedgerDb {
  ledger_visit: {
    instrument: string;
    group_id: string;
    accepted_ms: number;
    due_ms: number;
    /** JSON array of detector ids. */
    detectors_json: string;
    /** The accepted next_visit, JSON. */
    visit_json: string;
    closed_ms: number | null;
  };
  ledger_requeue: {
    instrument: string;
    group_id: string;
    detector: number;
    requeues: number;
    last_ms: number;
  };
  ledger_orphan: {
    object_key: string;
    instrument: string;
    detector: number;
    group_id: string;
    recorded_ms: number;
  };
}

const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('ledger_visit')
        .addColumn('instrument', 'text', (c) => c.notNull())
        .addColumn('group_id', 'text', (c) => c.notNull())
        .addColumn('accepted_ms', 'bigint', (c) => c.notNull())
        .addColumn('due_ms', 'bigint', (c) => c.notNull())
        .addColumn('detectors_json', 'text', (c) => c.notNull())
        .addColumn('visit_json', 'text', (c) => c.notNull())
        .addColumn('closed_ms', 'bigint')
        .addPrimaryKeyConstraint('ledger_visit_pk', ['instrument', 'group_id'])
        .execute();
      await db.schema
        .createIndex('ledger_visit_open')
        .on('ledger_visit')
        .columns(['instrument', 'closed_ms', 'due_ms'])
        .execute();
      await db.schema
        .createTable('ledger_requeue')
        .addColumn('instrument', 'text', (c) => c.notNull())
        .addColumn('group_id', 'text', (c) => c.notNull())
        .addColumn('detector', 'integer', (c) => c.notNull())
        .addColumn('requeues', 'integer', (c) => c.notNull())
        .addColumn('last_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('ledger_requeue_pk', ['instrument', 'group_id', 'detector'])
        .execute();
      await db.schema
        .createTable('ledger_orphan')
        .addColumn('object_key', 'text', (c) => c.primaryKey())
        .addColumn('instrument', 'text', (c) => c.notNull())
        .addColumn('detector', 'integer', (c) => c.notNull())
        .addColumn('group_id', 'text', (c) => c.notNull())
        .addColumn('recorded_ms', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('ledger_orphan_by_time')
        .on('ledger_orphan')
        .columns(['instrument', 'recorded_ms'])
        .execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(MIGRATIONS) };

/** Brings the ledger schema up to date (Kysely serialises concurrent migrators). */
export async function migrateLedger(
  db: Kysely<unknown>,
  options: {
    /** Schema of the bookkeeping tables on PostgreSQL: the one the ledger's tables go to. */
    readonly schema?: string;
  } = {},
): Promise<void> {
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'ledger_migration',
    migrationLockTableName: 'ledger_migration_lock',
    ...(options.schema === undefined ? {} : { migrationTableSchema: options.schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new PromptlyError('PROMPTLY_E_INTERNAL', `ledger migration ${failed} failed`, {
      cause: error,
    });
  }
}
