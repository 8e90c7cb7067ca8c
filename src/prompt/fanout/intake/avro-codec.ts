import avsc from 'avsc';
import { PromptlyError, type ErrorDetail } from '../../../core/errors.js';
import {
  CURRENT_NEXT_VISIT_SCHEMA_ID,
  NEXT_VISIT_SCHEMAS,
  nextVisitSchemaById,
} from '../../../core/avro/next-visit-schemas.js';

/**
 * Avro binary of nextVisit, plain or in the Confluent wire framing (magic byte 0, then the
 * schema id as a 4-byte big-endian integer, then the Avro binary). The one file that imports
 * the Avro library.
 */

/** Bytes before the Avro body in the Confluent framing. */
export const CONFLUENT_HEADER_BYTES = 5;
const CONFLUENT_MAGIC = 0;

const types = new Map<number, avsc.Type>();

function typeOf(id: number): avsc.Type | undefined {
  const cached = types.get(id);
  if (cached) return cached;
  const version = nextVisitSchemaById(id);
  if (version === undefined) return undefined;
  const type = avsc.Type.forSchema(version.schema, { omitRecordMethods: true });
  types.set(id, type);
  return type;
}

/** Avro-decoded record → a plain object (own enumerable fields), as JSON parsing gives. */
function plain(value: unknown): Record<string, unknown> {
  return { ...(value as Record<string, unknown>) };
}

/**
 * Encodes a nextVisit record with schema `schemaId` (default: the current one). Fields it
 * omits take the schema's defaults (SAL's: 0 and ""); a field the schema does not have, or
 * a value of the wrong Avro type, is PROMPTLY_E_NEXT_VISIT_INVALID naming the field.
 */
export function encodeNextVisitAvro(
  value: Readonly<Record<string, unknown>>,
  options: { framing: 'plain' | 'confluent'; schemaId?: number },
): Uint8Array {
  const schemaId = options.schemaId ?? CURRENT_NEXT_VISIT_SCHEMA_ID;
  const type = typeOf(schemaId);
  if (type === undefined) {
    throw new PromptlyError(
      'PROMPTLY_E_NEXT_VISIT_SCHEMA_UNKNOWN',
      `nextVisit schema id ${schemaId} is not registered (known: ${knownIds()})`,
    );
  }
  const fields = new Set(fieldNames(schemaId));
  const details: ErrorDetail[] = Object.keys(value)
    .filter((key) => !fields.has(key))
    .map((key) => ({
      path: key,
      message: `unknown field "${key}" (not in Avro schema ${schemaId})`,
    }));
  const given = Object.entries(value).filter(([, v]) => v !== undefined);
  const full = { ...defaults(schemaId), ...Object.fromEntries(given) };
  type.isValid(full, {
    errorHook: (path, bad: unknown, t) =>
      details.push({
        path: path.join('.') || '(root)',
        message: `${JSON.stringify(bad) ?? 'undefined'} is not Avro ${t.typeName}`,
      }),
  });
  if (details.length > 0) {
    throw new PromptlyError(
      'PROMPTLY_E_NEXT_VISIT_INVALID',
      `nextVisit does not fit Avro schema ${schemaId}: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
      { details },
    );
  }
  const body = type.toBuffer(full);
  if (options.framing === 'plain') return new Uint8Array(body);
  const out = new Uint8Array(CONFLUENT_HEADER_BYTES + body.length);
  out[0] = CONFLUENT_MAGIC;
  new DataView(out.buffer).setUint32(1, schemaId, false);
  out.set(body, CONFLUENT_HEADER_BYTES);
  return out;
}

function defaults(schemaId: number): Record<string, unknown> {
  const fields = nextVisitSchemaById(schemaId)?.schema.fields ?? [];
  return Object.fromEntries(fields.map((f) => [f.name, f.default]));
}

function fieldNames(schemaId: number): string[] {
  return (nextVisitSchemaById(schemaId)?.schema.fields ?? []).map((f) => f.name);
}

/** Ids of the registered schemas, for messages. */
export function knownIds(): string {
  return NEXT_VISIT_SCHEMAS.map((v) => v.id).join(', ');
}

/** What a decoding attempt gives: the record, or why it did not decode. */
export type AvroAttempt =
  | { readonly ok: true; readonly value: Record<string, unknown>; readonly schemaId: number }
  | { readonly ok: false; readonly reason: string };

/** Decodes `bytes` as exactly one record of schema `schemaId` (trailing bytes are an error). */
export function decodeAvroWith(bytes: Uint8Array, schemaId: number): AvroAttempt {
  const type = typeOf(schemaId);
  if (type === undefined) return { ok: false, reason: `schema id ${schemaId} is not registered` };
  try {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return { ok: true, value: plain(type.fromBuffer(buffer)), schemaId };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

/** The schema id of a Confluent-framed message, or undefined when `bytes` is not framed. */
export function confluentSchemaId(bytes: Uint8Array): number | undefined {
  if (bytes.length < CONFLUENT_HEADER_BYTES || bytes[0] !== CONFLUENT_MAGIC) return undefined;
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1, false);
}
