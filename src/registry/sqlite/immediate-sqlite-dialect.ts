import {
  CompiledQuery,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely';

/** SqliteDriver whose transactions start with BEGIN IMMEDIATE. */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/**
 * Kysely's SqliteDialect, except that transactions take the write lock when they begin
 * (BEGIN IMMEDIATE). A deferred transaction that reads and then writes fails at once with
 * SQLITE_BUSY when another process committed meanwhile (busy_timeout does not help there);
 * an immediate one waits up to busy_timeout for the lock instead. Every registry
 * transaction writes, so nothing is lost by taking the lock early.
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}
