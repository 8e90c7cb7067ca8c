import { describe, expect, it } from 'vitest';
import { currentNextVisitSchema, NEXT_VISIT_SCHEMAS } from './next-visit-schemas.js';
import { avroTypeSignature, diffRecordSchema } from './schema-diff.js';

const ours = currentNextVisitSchema().schema;

/** Our schema as another system might write it: other docs, extra attributes, other order. */
function asWrittenElsewhere(): { type: string; name: string; fields: Record<string, unknown>[] } {
  return {
    type: 'record',
    name: 'something_else',
    fields: [...ours.fields].reverse().map((f) => ({
      name: f.name,
      type: f.type,
      description: 'another text',
      units: 'unitless',
    })),
  };
}

describe('Avro record schema comparison', () => {
  it('finds no difference when names and types agree, whatever the docs, order or record name', () => {
    expect(diffRecordSchema(asWrittenElsewhere(), ours)).toEqual([]);
  });

  it('names every field that is missing, extra or of another type', () => {
    const theirs = asWrittenElsewhere();
    theirs.fields = theirs.fields
      .filter((f) => f.name !== 'survey')
      .map((f) => (f.name === 'nimages' ? { ...f, type: 'int' } : f));
    theirs.fields.push({ name: 'exposureTime', type: 'double' });
    expect(diffRecordSchema(theirs, ours)).toEqual([
      { path: 'value_schema.nimages', message: 'is int, expected long' },
      { path: 'value_schema.survey', message: 'missing (expected string)' },
      {
        path: 'value_schema.exposureTime',
        message: 'unknown field of type double (not in nextVisit)',
      },
    ]);
  });

  it('refuses what is not a record schema', () => {
    for (const bad of ['long', null, { type: 'record' }, { type: 'enum', symbols: [] }]) {
      expect(diffRecordSchema(bad, ours)).toEqual([
        { path: 'value_schema', message: 'is not an Avro record schema with named fields' },
      ]);
    }
  });

  it('reduces types to what decides the bytes', () => {
    expect(avroTypeSignature({ type: 'array', items: 'double', doc: 'x' })).toBe('array<double>');
    expect(avroTypeSignature(['null', { type: 'string' }])).toBe('union<null,string>');
    expect(avroTypeSignature({ type: 'long', logicalType: 'timestamp-millis' })).toBe(
      'long:timestamp-millis',
    );
  });

  it('keeps registered versions distinct: the older lacks only instrument', () => {
    const [older, current] = NEXT_VISIT_SCHEMAS;
    expect(diffRecordSchema(older!.schema, current!.schema)).toEqual([
      { path: 'value_schema.instrument', message: 'missing (expected string)' },
    ]);
  });
});
