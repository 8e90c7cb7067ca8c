import { afterAll, describe, expect, it } from 'vitest';
import { isPromptlyError } from '../../core/errors.js';
import { TEST_POSTGRES_URL, postgresSkipReason } from '../../testing/servers.js';
import type { DatasetType } from '../registry.js';
import { runRegistryConformance } from '../testing/registry-conformance.js';
import { expectCode, rawReq, RAW } from '../testing/registry-fixtures.js';
import { createPostgresRegistry } from './postgres-registry.js';
import {
  dropSchemas,
  randomSchemaName,
  withAdminClient,
} from '../../db/postgres/testing/test-schemas.js';
import { startTcpProxy } from '../../db/postgres/testing/tcp-proxy.js';

const skipReason = await postgresSkipReason();
const url = TEST_POSTGRES_URL;

const CALEXP: DatasetType = {
  name: 'calexp',
  dimensions: ['instrument', 'exposure', 'detector'],
  storageClass: 'ExposureF',
  isCalibration: false,
};

describe.skipIf(skipReason !== undefined)('PostgreSQL registry', () => {
  const schemas: string[] = [];
  const newSchema = (): string => {
    const schema = randomSchemaName();
    schemas.push(schema);
    return schema;
  };
  afterAll(() => dropSchemas(url, schemas));

  runRegistryConformance('postgres (a schema per registry)', () =>
    createPostgresRegistry({ url, schema: newSchema(), poolSize: 4 }),
  );

  describe('PostgreSQL specifics', () => {
    it('keeps its contents across close and reopen, and another schema does not see them', async () => {
      const schema = newSchema();
      const a = await createPostgresRegistry({ url, schema });
      await a.registerDatasetType(RAW);
      const [ref] = await a.ingest([rawReq(7, 'r')]);
      await a.close();
      const b = await createPostgresRegistry({ url, schema });
      const other = await createPostgresRegistry({ url, schema: newSchema() });
      try {
        expect(await b.findDataset('raw', ref!.dataId, ['r'])).toEqual(ref);
        expect(await other.getCollection('r')).toBeUndefined();
        expect(await other.getDatasetType('raw')).toBeUndefined();
      } finally {
        await b.close();
        await other.close();
      }
    });

    it('reads int8 columns as exact numbers and refuses a value beyond Number.MAX_SAFE_INTEGER', async () => {
      const schema = newSchema();
      const reg = await createPostgresRegistry({ url, schema });
      try {
        await reg.registerDatasetType(CALEXP);
        const dataId = { instrument: 'LSSTCam', exposure: 2024060100001, detector: 94 };
        const [ref] = await reg.ingest([
          {
            datasetType: 'calexp',
            dataId,
            run: 'out',
            uri: 'out/calexp.fits',
            sizeBytes: Number.MAX_SAFE_INTEGER,
            checksum: 'c',
          },
        ]);
        const back = await reg.findDataset('calexp', dataId, ['out']);
        expect(back).toEqual(ref);
        expect(back?.sizeBytes).toBe(Number.MAX_SAFE_INTEGER);
        expect(back?.dataId.exposure).toBe(2024060100001);
        await withAdminClient(url, (c) =>
          c.query(`update ${schema}.dataset set size_bytes = size_bytes + 2 where id = $1`, [
            ref!.id,
          ]),
        );
        await expectCode(reg.findDataset('calexp', dataId, ['out']), 'PROMPTLY_E_INTERNAL');
        // the failed read did not poison the connection it ran on
        expect(await reg.getDatasetType('calexp')).toEqual(CALEXP);
      } finally {
        await reg.close();
      }
    });

    it('fails with REGISTRY_UNAVAILABLE when a statement outlasts the statement timeout, then works again', async () => {
      const schema = newSchema();
      const reg = await createPostgresRegistry({ url, schema, statementTimeoutMs: 300 });
      try {
        await reg.registerDatasetType(RAW);
        await withAdminClient(url, async (admin) => {
          await admin.query('begin');
          await admin.query(`lock table ${schema}.dataset in access exclusive mode`);
          try {
            await expectCode(reg.ingest([rawReq(1, 'r')]), 'PROMPTLY_E_REGISTRY_UNAVAILABLE');
          } finally {
            await admin.query('rollback');
          }
        });
        const [ref] = await reg.ingest([rawReq(1, 'r')]);
        expect(ref?.run).toBe('r');
      } finally {
        await reg.close();
      }
    });

    it('fails with REGISTRY_UNAVAILABLE rather than hanging when the connection is lost, and recovers', async () => {
      const target = new URL(url);
      const proxy = await startTcpProxy({
        host: target.hostname,
        port: target.port === '' ? 5432 : Number(target.port),
      });
      const viaProxy = new URL(url);
      viaProxy.hostname = '127.0.0.1';
      viaProxy.port = String(proxy.port);
      const reg = await createPostgresRegistry({
        url: viaProxy.toString(),
        schema: newSchema(),
        poolSize: 2,
        statementTimeoutMs: 500,
        connectTimeoutMs: 500,
      });
      try {
        await reg.registerDatasetType(RAW);
        await reg.ingest([rawReq(1, 'r')]);

        // The network stops carrying bytes on open connections: only the client's own
        // deadline (statement timeout + grace) can end the wait.
        proxy.setMode('frozen');
        const frozen = await reg.ingest([rawReq(2, 'r')]).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isPromptlyError(frozen, 'PROMPTLY_E_REGISTRY_UNAVAILABLE')).toBe(true);

        // The server is gone: open connections are cut, new ones are accepted but never answered.
        proxy.cutAll();
        await expectCode(reg.getCollection('r'), 'PROMPTLY_E_REGISTRY_UNAVAILABLE');
        await expectCode(reg.ingest([rawReq(3, 'r')]), 'PROMPTLY_E_REGISTRY_UNAVAILABLE');

        proxy.setMode('open');
        proxy.cutAll();
        const [ref] = await reg.ingest([rawReq(4, 'r')]);
        expect(ref?.dataId.detector).toBe(4);
        // what failed was not written
        const stored = await reg.queryDatasets('raw', { collections: ['r'] });
        expect(stored.map((r) => r.dataId.detector)).toEqual([1, 4]);
      } finally {
        await reg.close();
        await proxy.close();
      }
    });
  });
});
