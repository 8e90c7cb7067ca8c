import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * Test support for the PostgreSQL registry: random schema names, so that runs never
 * collide, and an admin connection to inspect, tamper with and drop them.
 */

/** A fresh schema name, `promptly_test_<16 hex>`. */
export function randomSchemaName(): string {
  return `promptly_test_${randomBytes(8).toString('hex')}`;
}

/** Runs `work` with a connection of its own to `url`, closed afterwards. */
export async function withAdminClient<T>(
  url: string,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Drops the schemas (and everything in them) that exist. Names must be identifiers. */
export async function dropSchemas(url: string, schemas: readonly string[]): Promise<void> {
  if (schemas.length === 0) return;
  await withAdminClient(url, async (client) => {
    for (const schema of schemas) {
      if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`not an identifier: ${schema}`);
      await client.query(`drop schema if exists ${schema} cascade`);
    }
  });
}
