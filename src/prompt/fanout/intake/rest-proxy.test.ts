import { describe, expect, it } from 'vitest';
import { NEXT_VISIT_SCHEMAS } from '../../../core/avro/next-visit-schemas.js';
import { FIXTURE_NAMES, fixtureJson, salNextVisit } from '../fixtures/sal-fixtures.js';
import { checkRestProxyBody, embeddedFormatOf } from './rest-proxy.js';

const avroBody = (): Record<string, unknown> => fixtureJson(FIXTURE_NAMES.restProxyAvro);

/** The fixture's value_schema with `edit` applied to its parsed form. */
function withSchema(edit: (schema: { fields: { name: string; type: unknown }[] }) => void) {
  const body = avroBody();
  const schema = JSON.parse(body.value_schema as string) as {
    fields: { name: string; type: unknown }[];
  };
  edit(schema);
  return { ...body, value_schema: JSON.stringify(schema) };
}

describe('Kafka REST proxy bodies', () => {
  it('knows the v2 content types, with or without parameters', () => {
    expect(embeddedFormatOf('application/vnd.kafka.avro.v2+json')).toBe('avro');
    expect(embeddedFormatOf('application/vnd.kafka.json.v2+json; charset=utf-8')).toBe('json');
    expect(embeddedFormatOf('application/json')).toBeUndefined();
    expect(embeddedFormatOf(undefined)).toBeUndefined();
  });

  it('accepts the Avro fixture body, matching its schema to registry id 2', () => {
    const checked = checkRestProxyBody(avroBody(), 'avro');
    expect(checked).toEqual({
      ok: true,
      valueSchemaId: 2,
      records: [{ ok: true, visit: salNextVisit() }],
    });
  });

  it('accepts the JSON fixture body without a schema', () => {
    const checked = checkRestProxyBody(fixtureJson(FIXTURE_NAMES.restProxyJson), 'json');
    expect(checked).toMatchObject({ ok: true, valueSchemaId: null, records: [{ ok: true }] });
  });

  it('matches a schema without instrument to the older registered version', () => {
    const body = withSchema((s) => {
      s.fields = s.fields.filter((f) => f.name !== 'instrument');
    });
    const checked = checkRestProxyBody(body, 'avro');
    expect(checked).toMatchObject({ ok: true, valueSchemaId: NEXT_VISIT_SCHEMAS[0]!.id });
  });

  it('refuses a value schema that differs, naming each differing field', () => {
    const body = withSchema((s) => {
      s.fields = s.fields.filter((f) => f.name !== 'survey');
      for (const f of s.fields) if (f.name === 'nimages') f.type = 'double';
    });
    const checked = checkRestProxyBody(body, 'avro');
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.kafkaErrorCode).toBe(42205);
    expect(checked.error.code).toBe('PROMPTLY_E_NEXT_VISIT_SCHEMA_MISMATCH');
    expect(checked.error.details.map((d) => d.path)).toEqual([
      'value_schema.nimages',
      'value_schema.survey',
    ]);
  });

  it('refuses a value schema that is not JSON', () => {
    const checked = checkRestProxyBody({ ...avroBody(), value_schema: '{nope' }, 'avro');
    expect(checked).toMatchObject({
      ok: false,
      kafkaErrorCode: 42205,
      error: { code: 'PROMPTLY_E_NEXT_VISIT_SCHEMA_MISMATCH' },
    });
  });

  it('resolves value_schema_id in the registry, and refuses one it does not have', () => {
    const { value_schema: _s, ...rest } = avroBody();
    expect(checkRestProxyBody({ ...rest, value_schema_id: 2 }, 'avro')).toMatchObject({
      ok: true,
      valueSchemaId: 2,
    });
    expect(checkRestProxyBody({ ...rest, value_schema_id: 41 }, 'avro')).toMatchObject({
      ok: false,
      kafkaErrorCode: 40403,
      error: {
        code: 'PROMPTLY_E_NEXT_VISIT_SCHEMA_UNKNOWN',
        details: [{ path: 'value_schema_id' }],
      },
    });
  });

  it('refuses an Avro body with no schema at all, as the proxy does (42202)', () => {
    const { value_schema: _s, ...rest } = avroBody();
    expect(checkRestProxyBody(rest, 'avro')).toMatchObject({
      ok: false,
      kafkaErrorCode: 42202,
      error: { code: 'PROMPTLY_E_NEXT_VISIT_SCHEMA_UNKNOWN' },
    });
  });

  it('refuses bodies that are not produce requests, naming what is wrong', () => {
    for (const [body, path] of [
      [{ records: [] }, 'records'],
      [{ records: [{ value: {} }], topic: 'x' }, 'topic'],
      [[1, 2], '(root)'],
    ] as const) {
      const checked = checkRestProxyBody(body, 'json');
      expect(checked).toMatchObject({
        ok: false,
        error: { code: 'PROMPTLY_E_NEXT_VISIT_MALFORMED' },
      });
      if (!checked.ok) expect(checked.error.details.map((d) => d.path)).toContain(path);
    }
  });

  it('checks every record, prefixing each problem with its record', () => {
    const good = salNextVisit();
    const body = {
      records: [
        { value: good },
        { value: { ...good, nimages: 'two', exposureTime: 30 } },
        { value: { ...good, instrument: 'HSC' } },
        { value: 7 },
      ],
    };
    const checked = checkRestProxyBody(body, 'json');
    if (!checked.ok) throw checked.error;
    const [r0, r1, r2, r3] = checked.records;
    expect(r0?.ok).toBe(true);
    expect(r1?.ok ? [] : r1?.error.details.map((d) => d.path).sort()).toEqual([
      'records.1.value.exposureTime',
      'records.1.value.nimages',
    ]);
    expect(r2?.ok ? undefined : r2?.error.code).toBe('PROMPTLY_E_INSTRUMENT_UNKNOWN');
    expect(r3?.ok ? undefined : r3?.error.code).toBe('PROMPTLY_E_NEXT_VISIT_MALFORMED');
  });
});
