import { Client } from 'pg';
import { PromptlyError } from '../../core/errors.js';
import { isConnectionFailure, unavailable } from './pg-errors.js';

const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Drops `schema` with everything in it (`promptly up --distributed` starting clean, as the
 * embedded mode clears its work dir). Only schemas named `promptly_…` are dropped: anything
 * else is PROMPTLY_E_CONFIG_INVALID, so a mistyped config never empties a real database.
 */
export async function dropPromptlySchema(url: string, schema: string): Promise<void> {
  if (!SCHEMA.test(schema) || !schema.startsWith('promptly_'))
    throw new PromptlyError(
      'PROMPTLY_E_CONFIG_INVALID',
      `refusing to drop schema ${JSON.stringify(schema)}: only promptly_… schemas are reset`,
    );
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
  } catch (err) {
    throw isConnectionFailure(err) ? unavailable(err) : err;
  } finally {
    await client.end().catch(() => undefined);
  }
}
