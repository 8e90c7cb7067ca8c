import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { runJobStoreConformance } from '../testing/job-store-conformance.js';
import { createSqliteJobStore } from './sqlite-job-store.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const files = new WeakMap<object, string>();

runJobStoreConformance(
  'sqlite',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'promptly-jobs-'));
    dirs.push(dir);
    const filename = join(dir, 'jobs.sqlite3');
    const store = await createSqliteJobStore({ filename });
    files.set(store, filename);
    return store;
  },
  (first) => createSqliteJobStore({ filename: files.get(first) ?? ':memory:' }),
);
