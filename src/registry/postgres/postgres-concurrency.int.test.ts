import { afterAll, describe, expect, it } from 'vitest';
import { isPromptlyError } from '../../core/errors.js';
import { TEST_POSTGRES_URL, postgresSkipReason } from '../../testing/servers.js';
import type { DatasetRef, Registry } from '../registry.js';
import { BIAS, RAW, biasReq, rawReq } from '../testing/registry-fixtures.js';
import { createPostgresRegistry } from './postgres-registry.js';
import {
  dropSchemas,
  randomSchemaName,
  withAdminClient,
} from '../../db/postgres/testing/test-schemas.js';

const skipReason = await postgresSkipReason();
const url = TEST_POSTGRES_URL;
/** Independent registries on one schema, each with its own pool, as separate processes would be. */
const PROCESSES = 4;

/** Settles every promise; the rejections that are not PromptlyErrors of `allowed` fail the test. */
async function settle<T>(
  promises: readonly Promise<T>[],
  allowed?: 'PROMPTLY_E_REGISTRY_CONFLICT' | 'PROMPTLY_E_REGISTRY_INVALID',
): Promise<{ values: T[]; refused: number }> {
  const results = await Promise.allSettled(promises);
  const values: T[] = [];
  let refused = 0;
  for (const r of results) {
    if (r.status === 'fulfilled') values.push(r.value);
    else if (allowed !== undefined && isPromptlyError(r.reason, allowed)) refused++;
    else throw new Error(`unexpected failure: ${String(r.reason)}`, { cause: r.reason });
  }
  return { values, refused };
}

describe.skipIf(skipReason !== undefined)(
  `PostgreSQL registry shared by ${PROCESSES} processes`,
  () => {
    const schemas: string[] = [];
    afterAll(() => dropSchemas(url, schemas));

    /** Opens the registries of one new schema, all at once (each migrating it if needed). */
    async function openShared(): Promise<{ schema: string; regs: Registry[] }> {
      const schema = randomSchemaName();
      schemas.push(schema);
      // Settled, not Promise.all: a failed open must not leave the others running while
      // afterAll drops the schema.
      const opened = await Promise.allSettled(
        Array.from({ length: PROCESSES }, () =>
          createPostgresRegistry({ url, schema, poolSize: 3, connectTimeoutMs: 60_000 }),
        ),
      );
      const regs = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
      const failed = opened.find((o) => o.status === 'rejected');
      if (failed !== undefined) {
        await closeAll(regs);
        throw failed.reason;
      }
      return { schema, regs };
    }
    const closeAll = (regs: readonly Registry[]): Promise<unknown> =>
      Promise.all(regs.map((r) => r.close()));

    it('creates and migrates a new schema once when every process opens it at the same time', async () => {
      const { schema, regs } = await openShared();
      try {
        const { rows } = await withAdminClient(url, (c) =>
          c.query<{ name: string }>(`select name from ${schema}.registry_migration`),
        );
        expect(rows.map((r) => r.name)).toEqual([
          '0001_initial',
          '0002_patch_dimension',
          '0003_htm7_dimension',
        ]);
        await settle(
          regs.flatMap((r) => [r.registerDatasetType(RAW), r.registerDatasetType(BIAS)]),
        );
        for (const r of regs) expect(await r.getDatasetType('raw')).toEqual(RAW);
      } finally {
        await closeAll(regs);
      }
    });

    it('ingests the same and overlapping data IDs from every process into exactly one dataset each, with one ref for every caller', async () => {
      const { regs } = await openShared();
      try {
        await regs[0]!.registerDatasetType(RAW);
        const runs = ['LSSTCam/raw/a', 'LSSTCam/raw/b', 'LSSTCam/raw/c'];
        const calls: Promise<DatasetRef[]>[] = [];
        for (let round = 0; round < 8; round++) {
          const run = runs[round % runs.length]!;
          regs.forEach((reg, p) => {
            const overlapping = Array.from({ length: 6 }, (_, i) => rawReq(p + i, run));
            const everything = Array.from({ length: 10 }, (_, i) => rawReq(9 - i, run));
            calls.push(reg.ingest(overlapping));
            calls.push(reg.ingest(everything));
            calls.push(reg.ingest([rawReq((round + p) % 10, run)]));
          });
        }
        const { values } = await settle(calls);
        const idsByDataset = new Map<string, Set<string>>();
        for (const ref of values.flat()) {
          const key = `${ref.run}|${ref.dataId.detector}`;
          idsByDataset.set(key, (idsByDataset.get(key) ?? new Set()).add(ref.id));
        }
        expect(idsByDataset.size).toBe(runs.length * 10);
        for (const ids of idsByDataset.values()) expect(ids.size).toBe(1);
        for (const run of runs) {
          const stored = await regs[PROCESSES - 1]!.queryDatasets('raw', { collections: [run] });
          expect(stored.map((r) => r.dataId.detector)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
          for (const ref of stored)
            expect(idsByDataset.get(`${run}|${ref.dataId.detector}`)).toEqual(new Set([ref.id]));
        }
      } finally {
        await closeAll(regs);
      }
    });

    it('lets exactly one of several different contents for one data ID win; the others get CONFLICT', async () => {
      const { regs } = await openShared();
      try {
        await regs[0]!.registerDatasetType(RAW);
        for (let trial = 0; trial < 6; trial++) {
          const { values, refused } = await settle(
            regs.map((reg, p) => reg.ingest([rawReq(trial, 'r', { checksum: `p${p}` })])),
            'PROMPTLY_E_REGISTRY_CONFLICT',
          );
          expect(values).toHaveLength(1);
          expect(refused).toBe(PROCESSES - 1);
          const stored = await regs[0]!.findDataset('raw', rawReq(trial, 'r').dataId, ['r']);
          expect(stored).toEqual(values[0]![0]);
        }
      } finally {
        await closeAll(regs);
      }
    });

    it('certifies concurrently without ever storing overlapping validity ranges for one data ID', async () => {
      const { regs } = await openShared();
      try {
        await regs[0]!.registerDatasetType(BIAS);
        const detectors = [0, 1, 2, 3, 4, 5];
        // per detector, one bias dataset per process, each in its own run
        const refs = await Promise.all(
          detectors.map((d) =>
            Promise.all(regs.map((reg, p) => reg.ingest([biasReq(d, `calib/run${p}`)]))),
          ),
        );
        // every process certifies its own dataset of each detector, over overlapping ranges
        const attempts = detectors.flatMap((d, i) =>
          regs.map((reg, p) =>
            reg.certify('calib', refs[i]![p]!, { beginMs: 1000 * p, endMs: 1000 * p + 5000 }),
          ),
        );
        const { values, refused } = await settle(attempts, 'PROMPTLY_E_REGISTRY_CONFLICT');
        expect(values).toHaveLength(detectors.length);
        expect(refused).toBe(detectors.length * (PROCESSES - 1));
        const assoc = await regs[1]!.queryCalibrationAssociations('bias', {
          collections: ['calib'],
        });
        expect(assoc.map((a) => a.ref.dataId.detector)).toEqual(detectors);

        // the same certification from every process at once is one association
        const same = refs[0]![0]!;
        await settle(regs.map((reg) => reg.certify('calib2', same, { beginMs: 0, endMs: 10 })));
        expect(
          await regs[2]!.queryCalibrationAssociations('bias', { collections: ['calib2'] }),
        ).toEqual([{ collection: 'calib2', ref: same[0], validity: { beginMs: 0, endMs: 10 } }]);
      } finally {
        await closeAll(regs);
      }
    });

    it('never lets two concurrent chain updates close a cycle', async () => {
      const { regs } = await openShared();
      const [a, b] = [regs[0]!, regs[1]!];
      try {
        await a.registerDatasetType(RAW);
        for (let trial = 0; trial < 6; trial++) {
          const [x, y] = [`x${trial}`, `y${trial}`];
          await a.registerCollection({ name: x, type: 'chained', children: [] });
          await a.registerCollection({ name: y, type: 'chained', children: [] });
          const { values, refused } = await settle(
            [
              a.registerCollection({ name: x, type: 'chained', children: [y] }),
              b.registerCollection({ name: y, type: 'chained', children: [x] }),
            ],
            'PROMPTLY_E_REGISTRY_INVALID',
          );
          expect([values.length, refused]).toEqual([1, 1]);
          const linked = [await a.getCollection(x), await a.getCollection(y)].filter(
            (c) => c !== undefined && c.children.length > 0,
          );
          expect(linked).toHaveLength(1);
          expect(await b.queryDatasets('raw', { collections: [x, y] })).toEqual([]);
        }
      } finally {
        await closeAll(regs);
      }
    });

    it('keeps removeRun and concurrent ingests into that run consistent: every ref is either removed or still there', async () => {
      const { regs } = await openShared();
      try {
        await regs[0]!.registerDatasetType(RAW);
        for (let trial = 0; trial < 6; trial++) {
          const run = `doomed${trial}`;
          await regs[0]!.ingest([rawReq(0, run), rawReq(1, run)]);
          const removal = regs[0]!.removeRun(run);
          const ingests = regs
            .slice(1)
            .map((reg, i) => reg.ingest([rawReq(i, run), rawReq(i + 1, run)]));
          const [{ values: removedLists }, { values: ingested }] = await Promise.all([
            settle([removal]),
            settle(ingests),
          ]);
          const removed = new Set(removedLists.flat().map((r) => r.id));
          const kept = await regs[1]!.queryDatasets('raw', { collections: [run] });
          const keptIds = new Set(kept.map((r) => r.id));
          for (const ref of ingested.flat())
            expect(removed.has(ref.id) || keptIds.has(ref.id)).toBe(true);
          expect([...removed].some((id) => keptIds.has(id))).toBe(false);
          expect((await regs[2]!.getCollection(run)) !== undefined).toBe(kept.length > 0);
        }
      } finally {
        await closeAll(regs);
      }
    });
  },
);
