import type { ErrorDetail } from '../errors.js';
import type { AvroRecordSchema } from './avro-schema.js';

/**
 * An Avro type reduced to what decides the bytes: `long`, `array<double>`, `union<null,string>`,
 * `record lsst.X`. Docs, defaults and other attributes (Rubin adds `units`, `description`) do
 * not change the encoding and are ignored.
 */
export function avroTypeSignature(type: unknown): string {
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return `union<${type.map(avroTypeSignature).join(',')}>`;
  if (typeof type !== 'object' || type === null) return `invalid(${JSON.stringify(type)})`;
  const t = type as Record<string, unknown>;
  const kind = typeof t.type === 'string' ? t.type : avroTypeSignature(t.type);
  const logical = typeof t.logicalType === 'string' ? `:${t.logicalType}` : '';
  switch (kind) {
    case 'array':
      return `array<${avroTypeSignature(t.items)}>${logical}`;
    case 'map':
      return `map<${avroTypeSignature(t.values)}>${logical}`;
    case 'record':
    case 'error':
    case 'enum':
    case 'fixed':
      return `${kind} ${String(t.name)}${logical}`;
    default:
      return `${kind}${logical}`;
  }
}

/** Field name → type signature of a record schema given as untrusted JSON; undefined if not one. */
function recordFields(schema: unknown): Map<string, string> | undefined {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return undefined;
  const s = schema as Record<string, unknown>;
  if (s.type !== 'record' || !Array.isArray(s.fields)) return undefined;
  const fields = new Map<string, string>();
  for (const f of s.fields as unknown[]) {
    if (typeof f !== 'object' || f === null) return undefined;
    const { name, type } = f as Record<string, unknown>;
    if (typeof name !== 'string') return undefined;
    fields.set(name, avroTypeSignature(type));
  }
  return fields;
}

/**
 * How a record schema given by a sender (parsed JSON, untrusted) differs from `ours`, by
 * field name and type; field order, record name and namespace are not compared (Avro
 * resolves fields by name). Empty when they agree. Each detail's path is
 * `value_schema.<field>`; a schema that is not a record is one detail at `value_schema`.
 */
export function diffRecordSchema(theirs: unknown, ours: AvroRecordSchema): ErrorDetail[] {
  const given = recordFields(theirs);
  if (given === undefined) {
    return [{ path: 'value_schema', message: 'is not an Avro record schema with named fields' }];
  }
  const expected = new Map(ours.fields.map((f) => [f.name, avroTypeSignature(f.type)]));
  const details: ErrorDetail[] = [];
  for (const [name, type] of expected) {
    const theirType = given.get(name);
    if (theirType === undefined) {
      details.push({ path: `value_schema.${name}`, message: `missing (expected ${type})` });
    } else if (theirType !== type) {
      details.push({ path: `value_schema.${name}`, message: `is ${theirType}, expected ${type}` });
    }
  }
  for (const [name, type] of given) {
    if (!expected.has(name)) {
      details.push({
        path: `value_schema.${name}`,
        message: `unknown field of type ${type} (not in nextVisit)`,
      });
    }
  }
  return details;
}

/** Parses a `value_schema` string (JSON text of an Avro schema). */
export function parseSchemaText(text: string): { ok: true; schema: unknown } | { ok: false } {
  try {
    return { ok: true, schema: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}
