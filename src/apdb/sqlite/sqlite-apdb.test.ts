import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { runApdbConformance } from '../testing/apdb-conformance.js';
import { createSqliteApdb } from './sqlite-apdb.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const files = new WeakMap<object, string>();

runApdbConformance(
  'sqlite (file)',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'promptly-apdb-'));
    dirs.push(dir);
    const filename = join(dir, 'apdb.sqlite3');
    const apdb = await createSqliteApdb({ filename });
    files.set(apdb, filename);
    return apdb;
  },
  (first) => createSqliteApdb({ filename: files.get(first) ?? ':memory:' }),
);
runApdbConformance('sqlite (:memory:)', () => createSqliteApdb({ filename: ':memory:' }));
