import { PromptlyError } from '../core/errors.js';
import { DIMENSION_NAMES, type DataId, type DimensionName } from './registry.js';

/** Dimensions whose values are non-negative integers; the others are non-empty strings. */
const INTEGER_DIMENSIONS: ReadonlySet<DimensionName> = new Set<DimensionName>([
  'detector',
  'snap',
  'exposure',
  'visit',
  'day_obs',
  'patch',
  'htm7',
]);

const KNOWN: ReadonlySet<string> = new Set<string>(DIMENSION_NAMES);

function invalid(message: string): never {
  throw new PromptlyError('PROMPTLY_E_REGISTRY_INVALID', message);
}

/** True for a dimension whose values are integers (detector, snap, exposure, visit, day_obs, patch, htm7). */
export function isIntegerDimension(name: DimensionName): boolean {
  return INTEGER_DIMENSIONS.has(name);
}

/** Throws PROMPTLY_E_REGISTRY_INVALID unless `name` is a known dimension. */
export function checkDimensionName(name: string): DimensionName {
  if (!KNOWN.has(name)) invalid(`unknown dimension ${JSON.stringify(name)}`);
  return name as DimensionName;
}

/** Throws PROMPTLY_E_REGISTRY_INVALID unless `value` has the value type of dimension `name`. */
export function checkDimensionValue(name: DimensionName, value: unknown): string | number {
  if (INTEGER_DIMENSIONS.has(name)) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      invalid(`dimension ${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
    }
    return value;
  }
  if (typeof value !== 'string' || value.length === 0) {
    invalid(`dimension ${name} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * A data ID's defined entries, validated, in {@link DIMENSION_NAMES} order (entries whose
 * value is `undefined` count as absent). With `required`, the data ID must have exactly
 * those dimensions. Throws PROMPTLY_E_REGISTRY_INVALID.
 */
export function dataIdEntries(
  dataId: unknown,
  required?: readonly DimensionName[],
): [DimensionName, string | number][] {
  if (typeof dataId !== 'object' || dataId === null || Array.isArray(dataId)) {
    invalid('a data ID must be an object');
  }
  const given = dataId as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (given[key] !== undefined) checkDimensionName(key);
  }
  const entries: [DimensionName, string | number][] = [];
  for (const name of DIMENSION_NAMES) {
    const value = given[name];
    if (value !== undefined) entries.push([name, checkDimensionValue(name, value)]);
  }
  if (required !== undefined) {
    const have = entries.map(([n]) => n);
    const missing = required.filter((n) => !have.includes(n));
    const extra = have.filter((n) => !required.includes(n));
    if (missing.length > 0 || extra.length > 0) {
      invalid(
        `data ID ${canonicalDataIdKey(entries)} does not match dimensions [${required.join(', ')}]` +
          (missing.length > 0 ? `; missing ${missing.join(', ')}` : '') +
          (extra.length > 0 ? `; not allowed ${extra.join(', ')}` : ''),
      );
    }
  }
  return entries;
}

/** Validates a data ID (see {@link dataIdEntries}) and returns a clean copy. */
export function checkDataId(dataId: unknown, required?: readonly DimensionName[]): DataId {
  return Object.fromEntries(dataIdEntries(dataId, required)) as unknown as DataId;
}

/**
 * Canonical JSON of validated entries: keys sorted by code unit, no spaces. Two data IDs
 * with the same values give the same string, whatever their key order; the registry's
 * uniqueness key.
 */
export function canonicalDataIdKey(entries: readonly [DimensionName, string | number][]): string {
  const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(Object.fromEntries(sorted));
}
