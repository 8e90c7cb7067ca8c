import { PromptlyError } from '../../../core/errors.js';
import { NEXT_VISIT_SCHEMAS } from '../../../core/avro/next-visit-schemas.js';
import {
  confluentSchemaId,
  decodeAvroWith,
  knownIds,
  CONFLUENT_HEADER_BYTES,
} from './avro-codec.js';

/** How a next_visit arrived on the wire. */
export type NextVisitWireFormat = 'json' | 'avro' | 'avro-confluent';

/** A decoded next_visit message: the value still to be validated, and how it came. */
export interface DecodedNextVisit {
  readonly value: unknown;
  readonly format: NextVisitWireFormat;
  /** Registry id of the Avro schema it decoded with (Avro only). */
  readonly schemaId?: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

function looksLikeJson(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (WHITESPACE.has(b)) continue;
    return b === 0x7b; // '{': a next_visit is an object
  }
  return false;
}

/**
 * Bytes of a next_visit → the value to validate. Tried in this order, first success wins:
 * 1. JSON, when the first non-blank byte is `{` and the text parses;
 * 2. Confluent framing, when byte 0 is 0 and bytes 1..4 name a registered schema id whose
 *    schema decodes the rest exactly (no byte left over);
 * 3. plain Avro binary, with each registered schema, newest first, decoding all the bytes.
 * Plain Avro may itself begin with `{` or 0 (its first field is a double), hence the
 * fallbacks. Nothing decodes: PROMPTLY_E_NEXT_VISIT_SCHEMA_UNKNOWN when the bytes are framed
 * with an id the registry does not have, else PROMPTLY_E_NEXT_VISIT_MALFORMED saying what
 * was tried.
 */
export function decodeNextVisitBytes(bytes: Uint8Array): DecodedNextVisit {
  if (bytes.length === 0) {
    throw new PromptlyError('PROMPTLY_E_NEXT_VISIT_MALFORMED', 'next_visit message is empty');
  }
  let jsonError: string | undefined;
  if (looksLikeJson(bytes)) {
    try {
      return { value: JSON.parse(utf8.decode(bytes)) as unknown, format: 'json' };
    } catch (err) {
      jsonError = err instanceof Error ? err.message : String(err);
    }
  }
  const framedId = confluentSchemaId(bytes);
  const framedKnown = framedId !== undefined && NEXT_VISIT_SCHEMAS.some((v) => v.id === framedId);
  let framedError: string | undefined;
  if (framedId !== undefined && framedKnown) {
    const framed = decodeAvroWith(bytes.subarray(CONFLUENT_HEADER_BYTES), framedId);
    if (framed.ok) return { value: framed.value, format: 'avro-confluent', schemaId: framedId };
    framedError = framed.reason;
  }
  for (const version of [...NEXT_VISIT_SCHEMAS].reverse()) {
    const attempt = decodeAvroWith(bytes, version.id);
    if (attempt.ok) return { value: attempt.value, format: 'avro', schemaId: version.id };
  }
  if (jsonError !== undefined) {
    throw new PromptlyError(
      'PROMPTLY_E_NEXT_VISIT_MALFORMED',
      `next_visit is not valid JSON: ${jsonError}`,
    );
  }
  if (framedError !== undefined) {
    throw new PromptlyError(
      'PROMPTLY_E_NEXT_VISIT_MALFORMED',
      `next_visit is Confluent-framed Avro with schema id ${framedId} but does not decode with it: ${framedError}`,
    );
  }
  if (framedId !== undefined) {
    throw new PromptlyError(
      'PROMPTLY_E_NEXT_VISIT_SCHEMA_UNKNOWN',
      `next_visit starts like Confluent-framed Avro with schema id ${framedId}, which is not a registered nextVisit schema (known: ${knownIds()}), and does not decode as plain Avro either`,
    );
  }
  throw new PromptlyError(
    'PROMPTLY_E_NEXT_VISIT_MALFORMED',
    `next_visit is neither JSON nor Avro binary of a registered nextVisit schema (${bytes.length} bytes; tried schema ids ${knownIds()})`,
  );
}
