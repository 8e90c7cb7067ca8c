import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { runLedgerConformance } from '../testing/ledger-conformance.js';
import { createSqliteVisitLedger } from './sqlite-visit-ledger.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const files = new WeakMap<object, string>();

runLedgerConformance(
  'sqlite (file)',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'promptly-ledger-'));
    dirs.push(dir);
    const filename = join(dir, 'ledger.sqlite3');
    const ledger = await createSqliteVisitLedger({ filename });
    files.set(ledger, filename);
    return ledger;
  },
  (first) => createSqliteVisitLedger({ filename: files.get(first) ?? ':memory:' }),
);
runLedgerConformance('sqlite (:memory:)', () => createSqliteVisitLedger({ filename: ':memory:' }));
