/**
 * Row types of the registry tables, for Kysely. Column types are those SQLite and
 * PostgreSQL share: text, integer/bigint (booleans as 0/1). A PostgreSQL backend must
 * parse bigint (int8) columns as numbers (pg returns them as strings by default).
 */
import type { DimensionName } from '../registry.js';

export interface DatasetTypeTable {
  name: string;
  /** JSON array of dimension names, as registered. */
  dimensions: string;
  storage_class: string;
  /** 0 or 1. */
  is_calibration: number;
}

export interface CollectionTable {
  name: string;
  /** 'run' | 'calibration' | 'chained'. */
  type: string;
}

export interface CollectionChainTable {
  parent: string;
  /** 0-based search position of `child` in `parent`. */
  position: number;
  child: string;
}

export interface DimensionRecordTable {
  element: string;
  /** Canonical JSON of the record's data ID (see canonicalDataIdKey). */
  data_id_key: string;
  /** JSON object of the record's values. */
  values_json: string;
}

/** One column per dimension, so `where` filters run in SQL; null when absent. */
export interface DimensionColumns {
  instrument: string;
  detector: number | null;
  group_id: string | null;
  snap: number | null;
  exposure: number | null;
  visit: number | null;
  day_obs: number | null;
  band: string | null;
  physical_filter: string | null;
  patch: number | null;
  htm7: number | null;
}

export interface DatasetTable extends DimensionColumns {
  /** UUID. */
  id: string;
  dataset_type: string;
  run: string;
  /** Canonical JSON of the data ID; unique with (dataset_type, run). */
  data_id_key: string;
  uri: string;
  size_bytes: number;
  checksum: string;
  /** When the row was written, ms since the Unix epoch. */
  ingested_ms: number;
}

export interface CalibrationTable {
  collection: string;
  dataset_id: string;
  /** Denormalised from the dataset, for the overlap check and lookups. */
  dataset_type: string;
  data_id_key: string;
  /** Integer ms; unbounded ends are stored as ∓Number.MAX_SAFE_INTEGER. */
  begin_ms: number;
  end_ms: number;
}

export interface RegistryDb {
  dataset_type: DatasetTypeTable;
  collection: CollectionTable;
  collection_chain: CollectionChainTable;
  dimension_record: DimensionRecordTable;
  dataset: DatasetTable;
  calibration: CalibrationTable;
}

/** Column of the dataset table holding each dimension (`group` is reserved in SQL). */
export const DIMENSION_COLUMNS = {
  instrument: 'instrument',
  detector: 'detector',
  group: 'group_id',
  snap: 'snap',
  exposure: 'exposure',
  visit: 'visit',
  day_obs: 'day_obs',
  band: 'band',
  physical_filter: 'physical_filter',
  patch: 'patch',
  htm7: 'htm7',
} as const satisfies Record<DimensionName, keyof DimensionColumns>;
