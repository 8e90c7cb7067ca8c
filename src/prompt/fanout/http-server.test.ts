import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFanoutHttp } from './http-server.js';
import { startPromptFixture, type PromptFixture } from '../testing/prompt-fixture.js';
import { topologyNames } from '../topology.js';
import { utcMsToTaiSeconds } from '../../core/time.js';
import { FIXTURE_NAMES, fixtureJson, freshSalNextVisit } from './fixtures/sal-fixtures.js';
import { REST_PROXY_MEDIA_TYPES } from './intake/rest-proxy.js';

describe('POST /next-visit', () => {
  let f: PromptFixture;
  beforeEach(async () => {
    f = await startPromptFixture({ instrument: 'LSSTComCam', worker: { slots: 1 } });
    await f.service.worker.drain(); // keep the queue still so what was enqueued can be counted
  });
  afterEach(async () => {
    await f.close();
  });

  const pending = async (): Promise<number> =>
    (await f.backends.bus.queueInfo(topologyNames('LSSTComCam').workQueue)).pending;

  it('enqueues one work item per detector and answers 202', async () => {
    const app = createFanoutHttp(f.service.fanout);
    const res = await app.inject({ method: 'POST', url: '/next-visit', payload: f.nextVisit() });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ status: 'enqueued', items: 9 });
    expect(await pending()).toBe(9);
  });

  it('rejects a body that is not JSON with 400 and enqueues nothing', async () => {
    const app = createFanoutHttp(f.service.fanout);
    const res = await app.inject({
      method: 'POST',
      url: '/next-visit',
      headers: { 'content-type': 'application/json' },
      payload: '{"groupId": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('PROMPTLY_E_NEXT_VISIT_MALFORMED');
    expect(await pending()).toBe(0);
  });

  it('rejects bad fields with 422 and one detail per field, enqueuing nothing', async () => {
    const app = createFanoutHttp(f.service.fanout);
    const body = { ...f.nextVisit(), nimages: -1, position: [1], extra: true };
    const res = await app.inject({ method: 'POST', url: '/next-visit', payload: body });
    expect(res.statusCode).toBe(422);
    const json = res.json<{ code: string; details: { path: string; message: string }[] }>();
    expect(json.code).toBe('PROMPTLY_E_NEXT_VISIT_INVALID');
    const paths = json.details.map((d) => d.path).sort();
    expect(paths).toEqual(expect.arrayContaining(['nimages', 'position']));
    expect(json.details.some((d) => d.message.includes('extra'))).toBe(true);
    expect(await pending()).toBe(0);
  });

  it('rejects an unknown instrument with 422', async () => {
    const app = createFanoutHttp(f.service.fanout);
    const res = await app.inject({
      method: 'POST',
      url: '/next-visit',
      payload: f.nextVisit({ instrument: 'HSC' }),
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('PROMPTLY_E_INSTRUMENT_UNKNOWN');
    expect(await pending()).toBe(0);
  });

  it('drops a next_visit older than the expiration', async () => {
    const app = createFanoutHttp(f.service.fanout);
    const stale = f.nextVisit({ private_sndStamp: utcMsToTaiSeconds(Date.now() - 10 * 60_000) });
    const res = await app.inject({ method: 'POST', url: '/next-visit', payload: stale });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('PROMPTLY_E_NEXT_VISIT_EXPIRED');
    expect(await pending()).toBe(0);
  });

  it('enqueues a repeated next_visit once', async () => {
    const app = createFanoutHttp(f.service.fanout);
    const visit = f.nextVisit();
    await app.inject({ method: 'POST', url: '/next-visit', payload: visit });
    const again = await app.inject({ method: 'POST', url: '/next-visit', payload: visit });
    expect(again.statusCode).toBe(200);
    expect(again.json().status).toBe('duplicate');
    expect(await pending()).toBe(9);
  });

  it('keeps serving after bad input', async () => {
    const app = createFanoutHttp(f.service.fanout);
    await app.inject({ method: 'POST', url: '/next-visit', payload: 'nonsense' });
    const res = await app.inject({ method: 'POST', url: '/next-visit', payload: f.nextVisit() });
    expect(res.statusCode).toBe(202);
  });

  it('refuses a group id of 128 "%" characters at intake, naming groupId', async () => {
    const app = createFanoutHttp(f.service.fanout);
    const res = await app.inject({
      method: 'POST',
      url: '/next-visit',
      payload: f.nextVisit({ groupId: '%'.repeat(128) }),
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      code: 'PROMPTLY_E_NEXT_VISIT_INVALID',
      details: [{ path: 'groupId' }],
    });
    expect(await pending()).toBe(0);
  });
});

describe('POST /next-visit with a Kafka REST proxy v2 body', () => {
  let f: PromptFixture;
  beforeEach(async () => {
    f = await startPromptFixture({ instrument: 'LSSTComCam', worker: { slots: 1 } });
    await f.service.worker.drain();
  });
  afterEach(async () => {
    await f.close();
  });

  const pending = async (): Promise<number> =>
    (await f.backends.bus.queueInfo(topologyNames('LSSTComCam').workQueue)).pending;
  const salVisit = (overrides: Record<string, unknown> = {}) => ({
    ...freshSalNextVisit({
      instrument: 'LSSTComCam',
      groupId: f.nextVisit().groupId,
      nowMs: f.clock.now(),
      filters: 'r_03',
    }),
    ...overrides,
  });
  const post = (contentType: string, body: unknown) =>
    createFanoutHttp(f.service.fanout).inject({
      method: 'POST',
      url: '/next-visit',
      headers: { 'content-type': contentType },
      payload: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const avroBody = (records: unknown[]): Record<string, unknown> => ({
    ...fixtureJson(FIXTURE_NAMES.restProxyAvro),
    records: records.map((value) => ({ value })),
  });

  it("answers each record in the proxy's own shape and content type", async () => {
    const [a, b] = [salVisit(), salVisit()];
    const res = await post(REST_PROXY_MEDIA_TYPES.avro, avroBody([a, b]));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/vnd\.kafka\.v2\+json/);
    expect(res.json()).toEqual({
      key_schema_id: null,
      value_schema_id: 2,
      offsets: [
        {
          partition: 0,
          offset: 0,
          error_code: null,
          error: null,
          status: 'enqueued',
          group: a.groupId,
          items: 9,
        },
        {
          partition: 0,
          offset: 1,
          error_code: null,
          error: null,
          status: 'enqueued',
          group: b.groupId,
          items: 9,
        },
      ],
    });
    expect(await pending()).toBe(18);
  });

  it('takes a content type with parameters, and a schema given by id', async () => {
    const { value_schema: _s, ...body } = avroBody([salVisit()]);
    const res = await post(`${REST_PROXY_MEDIA_TYPES.avro}; charset=utf-8`, {
      ...body,
      value_schema_id: 2,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ value_schema_id: 2, offsets: [{ error_code: null }] });
    expect(await pending()).toBe(9);
  });

  it('answers a record the fan-out refuses (expired) in its offset, and enqueues the others', async () => {
    const stale = salVisit({ private_sndStamp: utcMsToTaiSeconds(Date.now() - 10 * 60_000) });
    const res = await post(REST_PROXY_MEDIA_TYPES.json, {
      records: [{ value: stale }, { value: salVisit() }],
    });
    expect(res.statusCode).toBe(200);
    const offsets = res.json<{ offsets: Record<string, unknown>[] }>().offsets;
    expect(offsets[0]).toMatchObject({
      partition: null,
      offset: null,
      error_code: 1,
      code: 'PROMPTLY_E_NEXT_VISIT_EXPIRED',
      error: expect.stringContaining('PROMPTLY_E_NEXT_VISIT_EXPIRED'),
    });
    expect(offsets[1]).toMatchObject({ error_code: null, status: 'enqueued' });
    expect(await pending()).toBe(9);
  });

  it('refuses an unknown value_schema_id (40403) and an Avro body without a schema (42202)', async () => {
    const { value_schema: _s, ...bare } = avroBody([salVisit()]);
    const unknown = await post(REST_PROXY_MEDIA_TYPES.avro, { ...bare, value_schema_id: 12 });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({
      error_code: 40403,
      code: 'PROMPTLY_E_NEXT_VISIT_SCHEMA_UNKNOWN',
    });
    const missing = await post(REST_PROXY_MEDIA_TYPES.avro, bare);
    expect(missing.statusCode).toBe(422);
    expect(missing.json()).toMatchObject({ error_code: 42202 });
    expect(await pending()).toBe(0);
  });

  it('refuses a body that is not JSON, or not a produce request, with 400', async () => {
    const broken = await post(REST_PROXY_MEDIA_TYPES.json, '{"records": [');
    expect(broken.statusCode).toBe(400);
    expect(broken.json().code).toBe('PROMPTLY_E_NEXT_VISIT_MALFORMED');
    const notProduce = await post(REST_PROXY_MEDIA_TYPES.json, salVisit());
    expect(notProduce.statusCode).toBe(400);
    expect(notProduce.json()).toMatchObject({
      error_code: 42203,
      code: 'PROMPTLY_E_NEXT_VISIT_MALFORMED',
    });
    expect(await pending()).toBe(0);
  });
});
