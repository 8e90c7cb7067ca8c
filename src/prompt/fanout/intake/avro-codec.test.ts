import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../../../core/errors.js';
import { CURRENT_NEXT_VISIT_SCHEMA_ID } from '../../../core/avro/next-visit-schemas.js';
import {
  FIXTURE_NAMES,
  fixtureBytes,
  fixturePath,
  salNextVisit,
} from '../fixtures/sal-fixtures.js';
import { confluentSchemaId, decodeAvroWith, encodeNextVisitAvro } from './avro-codec.js';

// Set PROMPTLY_WRITE_FIXTURES=1 to rewrite the committed Avro fixtures after a deliberate
// schema change; without it, these tests catch any drift of the schema or the encoder.
if (process.env.PROMPTLY_WRITE_FIXTURES === '1') {
  const visit = salNextVisit();
  writeFileSync(
    fixturePath(FIXTURE_NAMES.avroPlain),
    encodeNextVisitAvro(visit, { framing: 'plain' }),
  );
  writeFileSync(
    fixturePath(FIXTURE_NAMES.avroConfluent),
    encodeNextVisitAvro(visit, { framing: 'confluent' }),
  );
}

/**
 * An independent reading of Avro binary, straight from the specification (doubles are 8
 * bytes little-endian, longs zig-zag varints, strings a length then UTF-8, arrays blocks of
 * items ended by a 0 count), for the field types nextVisit uses.
 */
function readBySpec(bytes: Uint8Array, fields: [string, string][]): Record<string, unknown> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const long = (): number => {
    let n = 0n;
    let shift = 0n;
    for (;;) {
      const b = BigInt(bytes[at++]!);
      n |= (b & 0x7fn) << shift;
      if ((b & 0x80n) === 0n) break;
      shift += 7n;
    }
    return Number((n >> 1n) ^ -(n & 1n));
  };
  const double = (): number => {
    const v = view.getFloat64(at, true);
    at += 8;
    return v;
  };
  const out: Record<string, unknown> = {};
  for (const [name, type] of fields) {
    if (type === 'double') out[name] = double();
    else if (type === 'long') out[name] = long();
    else if (type === 'string') {
      const n = long();
      out[name] = new TextDecoder().decode(bytes.subarray(at, at + n));
      at += n;
    } else {
      const items: number[] = [];
      for (let count = long(); count !== 0; count = long()) {
        for (let i = 0; i < Math.abs(count); i++) items.push(double());
      }
      out[name] = items;
    }
  }
  expect(at).toBe(bytes.length);
  return out;
}

describe('nextVisit Avro codec', () => {
  it('writes bytes an independent reading of the Avro specification decodes to the fixture', () => {
    // Rubin's logevent_nextVisit as written to Kafka, in its field order (ts_xml 16+).
    const rubinOrder: [string, string][] = [
      ['private_efdStamp', 'double'],
      ['private_kafkaStamp', 'double'],
      ['salIndex', 'long'],
      ['private_revCode', 'string'],
      ['private_sndStamp', 'double'],
      ['private_rcvStamp', 'double'],
      ['private_seqNum', 'long'],
      ['private_identity', 'string'],
      ['private_origin', 'long'],
      ['scriptSalIndex', 'long'],
      ['groupId', 'string'],
      ['coordinateSystem', 'long'],
      ['position', 'array<double>'],
      ['startTime', 'double'],
      ['rotationSystem', 'long'],
      ['cameraAngle', 'double'],
      ['filters', 'string'],
      ['dome', 'long'],
      ['duration', 'double'],
      ['nimages', 'long'],
      ['instrument', 'string'],
      ['survey', 'string'],
      ['totalCheckpoints', 'long'],
    ];
    const visit = salNextVisit();
    const read = readBySpec(fixtureBytes(FIXTURE_NAMES.avroPlain), rubinOrder);
    expect(Object.keys(visit)).toEqual(rubinOrder.map(([name]) => name));
    expect(read).toEqual(visit);
  });

  it('encodes the SAL fixture to exactly the committed plain and Confluent-framed bytes', () => {
    const visit = salNextVisit();
    expect(encodeNextVisitAvro(visit, { framing: 'plain' })).toEqual(
      fixtureBytes(FIXTURE_NAMES.avroPlain),
    );
    expect(encodeNextVisitAvro(visit, { framing: 'confluent' })).toEqual(
      fixtureBytes(FIXTURE_NAMES.avroConfluent),
    );
  });

  it('decodes the committed bytes back to the SAL fixture, field for field', () => {
    const decoded = decodeAvroWith(fixtureBytes(FIXTURE_NAMES.avroPlain), 2);
    expect(decoded).toEqual({ ok: true, schemaId: 2, value: salNextVisit() });
  });

  it('frames with magic byte 0 and the schema id, big-endian, before the plain body', () => {
    const framed = fixtureBytes(FIXTURE_NAMES.avroConfluent);
    const plain = fixtureBytes(FIXTURE_NAMES.avroPlain);
    expect([...framed.subarray(0, 5)]).toEqual([0, 0, 0, 0, CURRENT_NEXT_VISIT_SCHEMA_ID]);
    expect(framed.subarray(5)).toEqual(plain);
    expect(confluentSchemaId(framed)).toBe(2);
  });

  it('fills envelope fields a visit leaves out with the schema defaults', () => {
    const { private_kafkaStamp: _k, private_identity: _i, ...bare } = salNextVisit();
    const decoded = decodeAvroWith(encodeNextVisitAvro(bare, { framing: 'plain' }), 2);
    expect(decoded).toMatchObject({
      ok: true,
      value: { private_kafkaStamp: 0, private_identity: '' },
    });
  });

  it('refuses to encode a field the schema lacks or a value of the wrong type, naming each', () => {
    try {
      encodeNextVisitAvro({ ...salNextVisit(), nimages: 'two', bogus: 1 }, { framing: 'plain' });
      expect.unreachable();
    } catch (err) {
      expect(isPromptlyError(err, 'PROMPTLY_E_NEXT_VISIT_INVALID')).toBe(true);
      const paths = (err as { details: { path: string }[] }).details.map((d) => d.path).sort();
      expect(paths).toEqual(['bogus', 'nimages']);
    }
  });

  it('refuses to encode with a schema id that is not registered', () => {
    expect(() =>
      encodeNextVisitAvro(salNextVisit(), { framing: 'confluent', schemaId: 99 }),
    ).toThrow(expect.objectContaining({ code: 'PROMPTLY_E_NEXT_VISIT_SCHEMA_UNKNOWN' }));
  });

  it('reports bytes that are truncated or run past one record', () => {
    const plain = fixtureBytes(FIXTURE_NAMES.avroPlain);
    expect(decodeAvroWith(plain.subarray(0, plain.length - 3), 2)).toMatchObject({ ok: false });
    expect(decodeAvroWith(new Uint8Array([...plain, 0]), 2)).toMatchObject({ ok: false });
  });
});
