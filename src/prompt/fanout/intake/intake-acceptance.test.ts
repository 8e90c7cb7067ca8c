import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { decodeJson, encodeJson } from '../../../bus/codec.js';
import { activeDetectors, getInstrument } from '../../../core/instruments.js';
import { SAL_ENVELOPE_FIELDS, type NextVisit } from '../../../core/next-visit.js';
import { subjects } from '../../../core/subjects.js';
import { startPromptFixture, type PromptFixture } from '../../testing/prompt-fixture.js';
import { topologyNames } from '../../topology.js';
import { FIXTURE_NAMES, fixtureJson, freshSalNextVisit } from '../fixtures/sal-fixtures.js';
import { createFanoutHttp } from '../http-server.js';
import { encodeNextVisitAvro } from './avro-codec.js';
import { REST_PROXY_MEDIA_TYPES } from './rest-proxy.js';

const INSTRUMENT = 'LATISS';

/** The SAL fixture, sent now, under a fresh group id of the fixture `f`. */
function salVisit(f: PromptFixture): NextVisit {
  return freshSalNextVisit({
    instrument: INSTRUMENT,
    groupId: f.nextVisit().groupId,
    nowMs: f.clock.now(),
  });
}

function restProxyBody(name: string, visit: NextVisit): Record<string, unknown> {
  return { ...fixtureJson(name), records: [{ value: visit }] };
}

type Sender = (f: PromptFixture, app: FastifyInstance, visit: NextVisit) => Promise<void>;

const senders: Record<string, Sender> = {
  'as plain JSON over HTTP': async (_f, app, visit) => {
    const res = await app.inject({ method: 'POST', url: '/next-visit', payload: visit });
    expect(res.statusCode).toBe(202);
  },
  'as a Kafka REST proxy body with an Avro schema': async (_f, app, visit) => {
    const res = await app.inject({
      method: 'POST',
      url: '/next-visit',
      headers: { 'content-type': REST_PROXY_MEDIA_TYPES.avro },
      payload: JSON.stringify(restProxyBody(FIXTURE_NAMES.restProxyAvro, visit)),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      value_schema_id: 2,
      offsets: [{ partition: 0, offset: 0, error_code: null, status: 'enqueued' }],
    });
  },
  'as a Kafka REST proxy body of embedded JSON': async (_f, app, visit) => {
    const res = await app.inject({
      method: 'POST',
      url: '/next-visit',
      headers: { 'content-type': REST_PROXY_MEDIA_TYPES.json },
      payload: JSON.stringify(restProxyBody(FIXTURE_NAMES.restProxyJson, visit)),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ value_schema_id: null, offsets: [{ error_code: null }] });
  },
  'as plain Avro on the bus': async (f, _app, visit) => {
    const bytes = encodeNextVisitAvro(visit, { framing: 'plain' });
    await f.backends.bus.publish(subjects.nextVisit(INSTRUMENT), bytes);
  },
  'as Confluent-framed Avro on the bus': async (f, _app, visit) => {
    const bytes = encodeNextVisitAvro(visit, { framing: 'confluent' });
    await f.backends.bus.publish(subjects.nextVisit(INSTRUMENT), bytes);
  },
};

describe('a nextVisit with the full SAL envelope fans out and its visit-detectors end in outcomes', () => {
  let f: PromptFixture;
  let app: FastifyInstance;
  const detectors = activeDetectors(getInstrument(INSTRUMENT)).map((d) => d.id);
  beforeAll(async () => {
    f = await startPromptFixture({ instrument: INSTRUMENT });
    app = createFanoutHttp(f.service.fanout);
  });
  afterAll(async () => {
    await app.close();
    await f.close();
  });

  for (const [how, send] of Object.entries(senders)) {
    it(`processes a visit sent ${how}`, async () => {
      const visit = salVisit(f);
      await send(f, app, visit);
      await f.statusEvent((e) => e.activity === 'next_visit.accepted' && e.group === visit.groupId);
      for (const d of detectors) await f.writeRaw(visit, d, 0);
      for (const d of detectors) {
        const outcome = await f.outcome(visit.groupId, d, 30_000);
        expect(outcome.kind).toBe('processed');
      }
    });
  }

  it('carries the envelope on every work item and traces its latency on the accepted event', async () => {
    const work = await f.backends.bus.subscribe(subjects.work(INSTRUMENT));
    const visit = salVisit(f);
    await senders['as plain JSON over HTTP']!(f, app, visit);
    let item: Record<string, unknown> | undefined;
    for await (const m of work) {
      item = decodeJson(m.data) as Record<string, unknown>;
      if (item.groupId === visit.groupId) break;
    }
    for (const field of SAL_ENVELOPE_FIELDS) expect(item?.[field]).toBe(visit[field]);
    const accepted = await f.statusEvent(
      (e) => e.activity === 'next_visit.accepted' && e.group === visit.groupId,
    );
    const latency = accepted.detail?.latency as Record<string, number>;
    // The fixture was written 8.14 ms from summit send to Kafka.
    expect(latency.sendToKafkaMs).toBeGreaterThan(8);
    expect(latency.sendToKafkaMs).toBeLessThan(8.3);
    expect(Number.isFinite(latency.kafkaToReceiveMs)).toBe(true);
    expect(Number.isFinite(latency.sendToReceiveMs)).toBe(true);
    for (const d of detectors) await f.writeRaw(visit, d, 0);
    for (const d of detectors) await f.outcome(visit.groupId, d, 30_000);
  });
});

describe('a nextVisit that is wrong is refused with the field named, and nothing is enqueued', () => {
  let f: PromptFixture;
  let app: FastifyInstance;
  beforeAll(async () => {
    f = await startPromptFixture({ instrument: INSTRUMENT });
    await f.service.worker.drain(); // keep the queue still so what was enqueued can be counted
    app = createFanoutHttp(f.service.fanout);
  });
  afterAll(async () => {
    await app.close();
    await f.close();
  });
  const pending = async (): Promise<number> =>
    (await f.backends.bus.queueInfo(topologyNames(INSTRUMENT).workQueue)).pending;

  const refusals: [string, (v: NextVisit) => Record<string, unknown>, string][] = [
    ['an unknown non-envelope field', (v) => ({ ...v, exposureTime: 30 }), 'exposureTime'],
    ['a wrong type', (v) => ({ ...v, nimages: '1' }), 'nimages'],
    ['a wrongly typed envelope field', (v) => ({ ...v, private_seqNum: 'x' }), 'private_seqNum'],
  ];

  for (const [what, spoil, field] of refusals) {
    it(`refuses ${what} posted as JSON`, async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/next-visit',
        payload: spoil(salVisit(f)),
      });
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({
        code: 'PROMPTLY_E_NEXT_VISIT_INVALID',
        details: [expect.objectContaining({ path: field })],
      });
      expect(await pending()).toBe(0);
    });

    it(`refuses ${what} in a REST proxy record, enqueuing none of the batch`, async () => {
      const body = {
        ...fixtureJson(FIXTURE_NAMES.restProxyAvro),
        records: [{ value: salVisit(f) }, { value: spoil(salVisit(f)) }],
      };
      const res = await app.inject({
        method: 'POST',
        url: '/next-visit',
        headers: { 'content-type': REST_PROXY_MEDIA_TYPES.avro },
        payload: JSON.stringify(body),
      });
      expect(res.statusCode).toBe(422);
      const json = res.json<{ details: { path: string }[]; offsets: { error_code: number }[] }>();
      expect(json.details.map((d) => d.path)).toEqual([`records.1.value.${field}`]);
      expect(json.offsets.map((o) => o.error_code)).toEqual([1, 1]);
      expect(await pending()).toBe(0);
    });

    it(`refuses ${what} published on the bus`, async () => {
      const seen = f.statusEvents.length;
      await f.backends.bus.publish(subjects.nextVisit(INSTRUMENT), encodeJson(spoil(salVisit(f))));
      const rejected = await f.statusEvent(
        (e) => e.activity === 'next_visit.rejected' && f.statusEvents.indexOf(e) >= seen,
      );
      expect(rejected.detail?.code).toBe('PROMPTLY_E_NEXT_VISIT_INVALID');
      expect(String(rejected.detail?.message)).toContain(field);
      expect(await pending()).toBe(0);
    });
  }

  it('refuses a REST proxy body whose value schema differs from nextVisit, naming the fields', async () => {
    const body = fixtureJson(FIXTURE_NAMES.restProxyAvro);
    const schema = JSON.parse(body.value_schema as string) as {
      fields: { name: string; type: unknown }[];
    };
    schema.fields = schema.fields.map((fl) =>
      fl.name === 'duration' ? { ...fl, type: 'long' } : fl,
    );
    schema.fields.push({ name: 'exposureTime', type: 'double' });
    const res = await app.inject({
      method: 'POST',
      url: '/next-visit',
      headers: { 'content-type': REST_PROXY_MEDIA_TYPES.avro },
      payload: JSON.stringify({
        value_schema: JSON.stringify(schema),
        records: [{ value: salVisit(f) }],
      }),
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      error_code: 42205,
      code: 'PROMPTLY_E_NEXT_VISIT_SCHEMA_MISMATCH',
      details: [
        { path: 'value_schema.duration', message: 'is long, expected double' },
        { path: 'value_schema.exposureTime' },
      ],
    });
    expect(await pending()).toBe(0);
  });

  it('refuses Avro on the bus framed with an unknown schema id, and keeps serving', async () => {
    const framed = encodeNextVisitAvro(salVisit(f), { framing: 'confluent' });
    framed[4] = 77;
    await f.backends.bus.publish(subjects.nextVisit(INSTRUMENT), framed);
    const rejected = await f.statusEvent(
      (e) =>
        e.activity === 'next_visit.rejected' &&
        e.detail?.code === 'PROMPTLY_E_NEXT_VISIT_SCHEMA_UNKNOWN',
    );
    expect(String(rejected.detail?.message)).toContain('schema id 77');
    expect(await pending()).toBe(0);
    const visit = salVisit(f);
    await f.backends.bus.publish(
      subjects.nextVisit(INSTRUMENT),
      encodeNextVisitAvro(visit, { framing: 'confluent' }),
    );
    await f.statusEvent((e) => e.activity === 'next_visit.accepted' && e.group === visit.groupId);
    expect(await pending()).toBe(1);
  });
});
