import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runRegistryConformance } from '../testing/registry-conformance.js';
import { createSqliteRegistry } from './sqlite-registry.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'promptly-registry-'));
  dirs.push(dir);
  return join(dir, 'registry.sqlite3');
}

runRegistryConformance('sqlite (:memory:)', () => createSqliteRegistry({ filename: ':memory:' }));
runRegistryConformance('sqlite (file, WAL)', () => createSqliteRegistry({ filename: tempFile() }));

describe('SQLite registry specifics', () => {
  it('keeps its contents across close and reopen, migrating only once', async () => {
    const filename = tempFile();
    const a = await createSqliteRegistry({ filename });
    await a.registerDatasetType({
      name: 'raw',
      dimensions: ['instrument', 'detector'],
      storageClass: 'Exposure',
      isCalibration: false,
    });
    const [ref] = await a.ingest([
      {
        datasetType: 'raw',
        dataId: { instrument: 'LATISS', detector: 0 },
        run: 'r',
        uri: 'u',
        sizeBytes: 1,
        checksum: 'c',
      },
    ]);
    await a.close();
    const b = await createSqliteRegistry({ filename });
    expect(await b.findDataset('raw', { instrument: 'LATISS', detector: 0 }, ['r'])).toEqual(ref);
    await b.close();
  });

  it('lets two handles on one file see each other’s commits (WAL)', async () => {
    const filename = tempFile();
    const a = await createSqliteRegistry({ filename });
    const b = await createSqliteRegistry({ filename });
    await a.registerCollection({ name: 'shared', type: 'run', children: [] });
    expect(await b.getCollection('shared')).toEqual({ name: 'shared', type: 'run', children: [] });
    await a.close();
    await b.close();
  });
});
