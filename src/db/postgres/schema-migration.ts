import { createHash } from 'node:crypto';
import { Client, type ClientConfig } from 'pg';
import { isConnectionFailure, unavailable } from './pg-errors.js';

/** The advisory-lock key of one schema's migrations: 64 bits of a hash of its name. */
export function migrationLockKey(schema: string, what = 'registry'): string {
  const digest = createHash('sha256').update(`promptly.${what}.migrate:${schema}`).digest();
  return digest.readBigInt64BE(0).toString();
}

/** PostgreSQL's answers to a CREATE SCHEMA that lost a race with another creator. */
function schemaCreatedMeanwhile(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === '42P06' || code === '23505';
}

/** Tries of a migration that met another schema being dropped. */
const MIGRATE_ATTEMPTS = 3;

/**
 * Whether `err` (or an error it wraps) is PostgreSQL's "schema … does not exist" (3F000) for a
 * schema other than `schema`: the migrator's look at every table of the database raced with
 * another schema being dropped (tests and resets drop theirs while others migrate), which a
 * second look does not meet.
 */
function otherSchemaDropped(err: unknown, schema: string): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === '3F000' || /schema "[^"]+" does not exist/.test(e.message))
      return !e.message.includes(`"${schema}"`);
    e = e.cause;
  }
  return false;
}

/**
 * Creates `schema` if missing and migrates the registry in it, holding a session advisory
 * lock on the schema meanwhile, so that processes opening one registry at the same time
 * take turns: one creates and migrates, the others then find it up to date. (Kysely's own
 * migration lock is taken only after it has created its bookkeeping tables, and
 * `CREATE SCHEMA IF NOT EXISTS` itself races.) The lock is held by a connection of its
 * own, outside `db`'s pool, so that the migrator can still get one even with a pool of
 * size 1; waiting for it is bounded by the statement timeout in `config`.
 *
 * `schema` must already be a validated identifier: it is spliced into `create schema`.
 */
export async function prepareSchema(
  config: ClientConfig,
  schema: string,
  migrate: () => Promise<void>,
  what = 'registry',
): Promise<void> {
  const client = new Client(config);
  // Failures reach us as rejected queries; the event would otherwise be unhandled.
  client.on('error', () => undefined);
  const query = async (text: string, values: unknown[] = []): Promise<number> => {
    try {
      return (await client.query(text, values)).rowCount ?? 0;
    } catch (err) {
      throw isConnectionFailure(err) ? unavailable(err) : err;
    }
  };
  try {
    await client.connect();
  } catch (err) {
    throw isConnectionFailure(err) ? unavailable(err) : err;
  }
  let ok = false;
  try {
    await query('select pg_advisory_lock($1::bigint)', [migrationLockKey(schema, what)]);
    // Checked first: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when the
    // schema exists, and a deployment may get its schema from a DBA.
    const found = await query('select 1 from pg_namespace where nspname = $1', [schema]);
    // Another kind of table in the same schema (registry, ledger, APDB) migrates under a lock
    // of its own and may create the schema at the same moment: its having won is fine.
    if (found === 0)
      await query(`create schema ${schema}`).catch((err: unknown) => {
        if (!schemaCreatedMeanwhile(err)) throw err;
        return 0;
      });
    for (let attempt = 1; ; attempt++) {
      try {
        await migrate();
        break;
      } catch (err) {
        if (attempt >= MIGRATE_ATTEMPTS || !otherSchemaDropped(err, schema)) throw err;
      }
    }
    await query('select pg_advisory_unlock($1::bigint)', [migrationLockKey(schema, what)]);
    ok = true;
  } finally {
    // Ending the session releases the lock in any case. After a failure the server may be
    // unreachable, and a clean end would wait for it: let that finish in the background.
    const ending = client.end().catch(() => undefined);
    if (ok) await ending;
  }
}
