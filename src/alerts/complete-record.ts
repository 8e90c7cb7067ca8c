import { PromptlyError, type ErrorDetail } from '../core/errors.js';
import type { AvroScalar, FieldSpec } from './schema/field-spec.js';

/**
 * Checks a record given by a caller against its field list and returns it with every field
 * present, so what reaches the Avro writer is exactly what the schema states. Numbers are
 * checked at this boundary: `int` is a 32-bit integer, `long` and timestamps a safe integer
 * (|n| ≤ 2^53 − 1), `float`/`double` finite. A NaN in a nullable float becomes null (how
 * measurement code says "not measured"); in a required one it is an error, as is ±Infinity.
 */

const INT_MIN = -0x8000_0000;
const INT_MAX = 0x7fff_ffff;

function problem(scalar: AvroScalar, value: unknown, nullable: boolean): string | undefined {
  switch (scalar) {
    case 'int':
      return Number.isInteger(value) && (value as number) >= INT_MIN && (value as number) <= INT_MAX
        ? undefined
        : 'must be a 32-bit integer';
    case 'long':
      return Number.isSafeInteger(value) ? undefined : 'must be a safe integer (|n| < 2^53)';
    case 'float':
    case 'double':
      if (typeof value !== 'number') return 'must be a number';
      if (Number.isFinite(value)) return undefined;
      return Number.isNaN(value) && nullable ? undefined : 'must be finite';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be a boolean';
    case 'string':
      return typeof value === 'string' ? undefined : 'must be a string';
    case 'bytes':
      return value instanceof Uint8Array ? undefined : 'must be bytes (Uint8Array)';
  }
}

function describeValue(value: unknown): string {
  if (typeof value === 'object' && value !== null)
    return Array.isArray(value) ? 'an array' : 'an object';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * `input` with every field of `fields`, in schema order: absent nullable fields are null,
 * NaN in nullable floats is null. Fields not in the schema are dropped. Throws
 * PROMPTLY_E_ALERT_INVALID listing every bad field, paths prefixed with `path`.
 */
export function completeRecord(
  fields: readonly FieldSpec[],
  input: Readonly<Record<string, unknown>>,
  path: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const details: ErrorDetail[] = [];
  for (const f of fields) {
    const nullable = f.kind.startsWith('?');
    const scalar = (
      f.kind === '?timestamp-micros' ? 'long' : f.kind.replace('?', '')
    ) as AvroScalar;
    const value = input[f.name];
    if (value === undefined || value === null) {
      if (nullable) out[f.name] = null;
      else details.push({ path: `${path}.${f.name}`, message: 'is required' });
      continue;
    }
    const why = problem(scalar, value, nullable);
    if (why !== undefined) {
      details.push({ path: `${path}.${f.name}`, message: `${why}, got ${describeValue(value)}` });
      continue;
    }
    out[f.name] = typeof value === 'number' && Number.isNaN(value) ? null : value;
  }
  if (details.length > 0) {
    throw new PromptlyError(
      'PROMPTLY_E_ALERT_INVALID',
      `${path} does not fit the alert schema: ${details
        .slice(0, 10)
        .map((d) => `${d.path} ${d.message}`)
        .join('; ')}${details.length > 10 ? ` (and ${details.length - 10} more)` : ''}`,
      { details },
    );
  }
  return out;
}

/** Throws PROMPTLY_E_ALERT_INVALID unless `ra` ∈ [0, 360) and `dec` ∈ [−90, 90] degrees. */
export function checkSkyPosition(path: string, ra: number, dec: number): void {
  if (!(ra >= 0 && ra < 360) || !(dec >= -90 && dec <= 90)) {
    throw new PromptlyError(
      'PROMPTLY_E_ALERT_INVALID',
      `${path}: ra must be in [0, 360) and dec in [-90, 90] degrees, got (${ra}, ${dec})`,
    );
  }
}
