/**
 * The parts of an Avro schema (https://avro.apache.org/docs/1.11.1/specification/) that
 * promptly writes: records of primitives and arrays of primitives. Plain data: no Avro
 * library is needed to read it. (Schemas received from others are compared as untrusted
 * JSON: `schema-diff.ts`.)
 */
export type AvroPrimitive =
  'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';

/** A field type promptly writes. */
export type AvroType = AvroPrimitive | { type: 'array'; items: AvroPrimitive };

/** One field of a record. */
export interface AvroField {
  name: string;
  type: AvroType;
  doc?: string;
  default?: unknown;
}

/** A record schema. */
export interface AvroRecordSchema {
  type: 'record';
  name: string;
  namespace?: string;
  doc?: string;
  fields: AvroField[];
}
