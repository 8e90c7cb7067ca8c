import { describe, expect, it } from 'vitest';
import { parseNextVisit } from '../../../core/next-visit.js';
import { FIXTURE_NAMES, fixtureBytes, salNextVisit } from '../fixtures/sal-fixtures.js';
import { encodeNextVisitAvro } from './avro-codec.js';
import { decodeNextVisitBytes } from './next-visit-decoder.js';

const encoder = new TextEncoder();

describe('decoding a next_visit from the bus', () => {
  it('reads JSON, keeping every field', () => {
    const decoded = decodeNextVisitBytes(encoder.encode(`  ${JSON.stringify(salNextVisit())}`));
    expect(decoded).toEqual({ format: 'json', value: salNextVisit() });
  });

  it('reads plain Avro binary with the newest schema that decodes it', () => {
    const decoded = decodeNextVisitBytes(fixtureBytes(FIXTURE_NAMES.avroPlain));
    expect(decoded).toEqual({ format: 'avro', schemaId: 2, value: salNextVisit() });
  });

  it('reads Confluent-framed Avro, resolving the schema id in the registry', () => {
    const decoded = decodeNextVisitBytes(fixtureBytes(FIXTURE_NAMES.avroConfluent));
    expect(decoded).toEqual({ format: 'avro-confluent', schemaId: 2, value: salNextVisit() });
  });

  it('reads plain Avro whose first bytes look like a Confluent header', () => {
    // An EFD stamp whose little-endian double starts 00 00 00 00 02: "schema id 2".
    const bytes = new Uint8Array(8);
    bytes.set([0, 0, 0, 0, 2, 0, 0xd0, 0x41]);
    const efd = new DataView(bytes.buffer).getFloat64(0, true);
    const visit = { ...salNextVisit(), private_efdStamp: efd };
    const plain = encodeNextVisitAvro(visit, { framing: 'plain' });
    expect([...plain.subarray(0, 5)]).toEqual([0, 0, 0, 0, 2]);
    expect(decodeNextVisitBytes(plain)).toEqual({ format: 'avro', schemaId: 2, value: visit });
  });

  it('reads a message framed with the older schema, whose missing instrument intake then names', () => {
    const { instrument: _i, ...older } = salNextVisit();
    const framed = encodeNextVisitAvro(older, { framing: 'confluent', schemaId: 1 });
    const decoded = decodeNextVisitBytes(framed);
    expect(decoded).toMatchObject({ format: 'avro-confluent', schemaId: 1 });
    expect(() => parseNextVisit(decoded.value)).toThrow(
      expect.objectContaining({
        code: 'PROMPTLY_E_NEXT_VISIT_INVALID',
        details: [expect.objectContaining({ path: 'instrument' })],
      }),
    );
  });

  it('calls a Confluent frame with an unregistered schema id a coded error', () => {
    const framed = fixtureBytes(FIXTURE_NAMES.avroConfluent).slice();
    framed[4] = 99;
    expect(() => decodeNextVisitBytes(framed)).toThrow(
      expect.objectContaining({
        code: 'PROMPTLY_E_NEXT_VISIT_SCHEMA_UNKNOWN',
        message: expect.stringContaining('schema id 99'),
      }),
    );
  });

  it('calls a truncated framed message malformed, naming its schema id', () => {
    const framed = fixtureBytes(FIXTURE_NAMES.avroConfluent);
    expect(() => decodeNextVisitBytes(framed.subarray(0, framed.length - 10))).toThrow(
      expect.objectContaining({
        code: 'PROMPTLY_E_NEXT_VISIT_MALFORMED',
        message: expect.stringContaining('schema id 2'),
      }),
    );
  });

  it('calls broken JSON, empty messages and other bytes malformed, with a clear message', () => {
    const cases: [Uint8Array, string][] = [
      [encoder.encode('{"groupId": '), 'not valid JSON'],
      [new Uint8Array(0), 'empty'],
      [encoder.encode('hello, summit'), 'neither JSON nor Avro'],
    ];
    for (const [bytes, message] of cases) {
      expect(() => decodeNextVisitBytes(bytes)).toThrow(
        expect.objectContaining({
          code: 'PROMPTLY_E_NEXT_VISIT_MALFORMED',
          message: expect.stringContaining(message),
        }),
      );
    }
  });
});
