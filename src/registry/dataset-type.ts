import { PromptlyError } from '../core/errors.js';
import { checkDimensionName } from './data-id.js';
import type { DatasetType } from './registry.js';

/** Dataset type names: a letter or `_`, then letters, digits, `_`, `.`, `-` (at most 128). */
export const DATASET_TYPE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;

function invalid(message: string): never {
  throw new PromptlyError('PROMPTLY_E_REGISTRY_INVALID', message);
}

/**
 * Validates a dataset type: a name matching {@link DATASET_TYPE_NAME}, distinct known
 * dimensions including `instrument` (every data ID has one), a non-empty storage class and
 * a boolean isCalibration. Returns a clean copy. Throws PROMPTLY_E_REGISTRY_INVALID.
 */
export function checkDatasetType(type: DatasetType): DatasetType {
  if (typeof type.name !== 'string' || !DATASET_TYPE_NAME.test(type.name)) {
    invalid(`invalid dataset type name ${JSON.stringify(type.name)}`);
  }
  if (!Array.isArray(type.dimensions))
    invalid(`dataset type ${type.name}: dimensions must be an array`);
  const dimensions = (type.dimensions as readonly unknown[]).map((d) =>
    checkDimensionName(String(d)),
  );
  if (new Set(dimensions).size !== dimensions.length)
    invalid(`dataset type ${type.name}: a dimension is repeated`);
  if (!dimensions.includes('instrument'))
    invalid(`dataset type ${type.name}: dimensions must include instrument`);
  if (typeof type.storageClass !== 'string' || type.storageClass.length === 0) {
    invalid(`dataset type ${type.name}: storageClass must be a non-empty string`);
  }
  if (typeof type.isCalibration !== 'boolean')
    invalid(`dataset type ${type.name}: isCalibration must be a boolean`);
  return {
    name: type.name,
    dimensions,
    storageClass: type.storageClass,
    isCalibration: type.isCalibration,
  };
}

/** True when two types agree on everything; dimension order does not matter. */
export function sameDatasetType(a: DatasetType, b: DatasetType): boolean {
  return (
    a.name === b.name &&
    a.storageClass === b.storageClass &&
    a.isCalibration === b.isCalibration &&
    a.dimensions.length === b.dimensions.length &&
    a.dimensions.every((d) => b.dimensions.includes(d))
  );
}
