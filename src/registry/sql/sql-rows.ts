import type { DataId, DatasetRef, DatasetType, DimensionName } from '../registry.js';
import { DIMENSION_NAMES } from '../registry.js';
import {
  DIMENSION_COLUMNS,
  type DatasetTable,
  type DatasetTypeTable,
  type DimensionColumns,
} from './registry-db.js';

/**
 * Binary (UTF-16 code unit) order of two strings: the same on every database, whatever its
 * collation (PostgreSQL's `ORDER BY` on text follows the database locale, SQLite's is binary).
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The dimension columns of a dataset row for validated data-ID entries (absent → null). */
export function dimensionColumns(
  entries: readonly [DimensionName, string | number][],
): DimensionColumns {
  const cols: Record<string, string | number | null> = {
    instrument: '',
    detector: null,
    group_id: null,
    snap: null,
    exposure: null,
    visit: null,
    day_obs: null,
    band: null,
    physical_filter: null,
    patch: null,
    htm7: null,
  };
  for (const [name, value] of entries) cols[DIMENSION_COLUMNS[name]] = value;
  return cols as unknown as DimensionColumns;
}

/** The data ID held in a row's dimension columns, in DIMENSION_NAMES order. */
export function dataIdOfRow(row: DimensionColumns): DataId {
  const out: Record<string, string | number> = {};
  for (const name of DIMENSION_NAMES) {
    const value = row[DIMENSION_COLUMNS[name]];
    if (value !== null && value !== undefined) out[name] = value;
  }
  return out as unknown as DataId;
}

/** A DatasetRef from a dataset row. */
export function refOfRow(row: DatasetTable): DatasetRef {
  return {
    id: row.id,
    datasetType: row.dataset_type,
    dataId: dataIdOfRow(row),
    run: row.run,
    uri: row.uri,
    sizeBytes: Number(row.size_bytes),
    checksum: row.checksum,
  };
}

/** A DatasetType from its row. */
export function datasetTypeOfRow(row: DatasetTypeTable): DatasetType {
  return {
    name: row.name,
    dimensions: JSON.parse(row.dimensions) as DimensionName[],
    storageClass: row.storage_class,
    isCalibration: Number(row.is_calibration) === 1,
  };
}
