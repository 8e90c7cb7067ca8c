import { PromptlyError } from '../core/errors.js';

/**
 * The Confluent wire framing Kafka brokers and Rubin's alert stream use: magic byte 0, the
 * schema registry id as a 4-byte big-endian integer, then the Avro binary body.
 */

/** Bytes before the Avro body. */
export const CONFLUENT_HEADER_BYTES = 5;
/** The one magic byte the framing defines. */
export const CONFLUENT_MAGIC = 0;
/** Largest schema id: a schema registry id is a non-negative signed 32-bit integer. */
export const MAX_SCHEMA_ID = 0x7fff_ffff;

/** A framed message taken apart; `body` is a view into the input, not a copy. */
export interface ConfluentFrame {
  /** Schema registry id, integer in [0, {@link MAX_SCHEMA_ID}]. */
  readonly schemaId: number;
  /** The Avro binary after the 5 header bytes. */
  readonly body: Uint8Array;
}

/** Throws PROMPTLY_E_ALERT_INVALID unless `id` is an integer in [0, {@link MAX_SCHEMA_ID}]. */
export function checkSchemaId(id: number): number {
  if (!Number.isInteger(id) || id < 0 || id > MAX_SCHEMA_ID) {
    throw new PromptlyError(
      'PROMPTLY_E_ALERT_INVALID',
      `schema id must be an integer in [0, ${MAX_SCHEMA_ID}], got ${id}`,
    );
  }
  return id;
}

/** Writes the 5 header bytes for `schemaId` at the start of `out` (at least 5 bytes long). */
export function writeConfluentHeader(out: Uint8Array, schemaId: number): void {
  checkSchemaId(schemaId);
  out[0] = CONFLUENT_MAGIC;
  out[1] = (schemaId >>> 24) & 0xff;
  out[2] = (schemaId >>> 16) & 0xff;
  out[3] = (schemaId >>> 8) & 0xff;
  out[4] = schemaId & 0xff;
}

/** `body` framed with `schemaId` (a new array of 5 + body.length bytes). */
export function frameConfluent(schemaId: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(CONFLUENT_HEADER_BYTES + body.length);
  writeConfluentHeader(out, schemaId);
  out.set(body, CONFLUENT_HEADER_BYTES);
  return out;
}

/**
 * Splits a framed message. Shorter than 5 bytes, or a first byte other than 0, or a schema
 * id with the sign bit set: PROMPTLY_E_ALERT_MALFORMED. An empty body is returned as is (the
 * Avro decoder decides whether it is valid).
 */
export function unframeConfluent(bytes: Uint8Array): ConfluentFrame {
  if (bytes.length < CONFLUENT_HEADER_BYTES) {
    throw new PromptlyError(
      'PROMPTLY_E_ALERT_MALFORMED',
      `a Confluent-framed message needs at least ${CONFLUENT_HEADER_BYTES} bytes, got ${bytes.length}`,
    );
  }
  if (bytes[0] !== CONFLUENT_MAGIC) {
    throw new PromptlyError(
      'PROMPTLY_E_ALERT_MALFORMED',
      `Confluent magic byte must be 0, got ${bytes[0]}`,
    );
  }
  const schemaId =
    ((bytes[1] ?? 0) << 24) | ((bytes[2] ?? 0) << 16) | ((bytes[3] ?? 0) << 8) | (bytes[4] ?? 0);
  if (schemaId < 0) {
    throw new PromptlyError(
      'PROMPTLY_E_ALERT_MALFORMED',
      `Confluent schema id ${schemaId >>> 0} is beyond ${MAX_SCHEMA_ID}`,
    );
  }
  return { schemaId, body: bytes.subarray(CONFLUENT_HEADER_BYTES) };
}
