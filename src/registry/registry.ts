/**
 * The Registry contract: the SQL half of a Butler-like repo. It knows dimensions,
 * dataset types, collections and datasets by data ID; the bytes live in a datastore
 * (an ObjectStore) at each dataset's `uri`. Backends (sqlite/, postgres/) pass
 * `testing/registry-conformance.ts` unchanged.
 */

/** Dimension names a data ID may carry, with their value types. */
export interface DataId {
  readonly instrument: string;
  readonly detector?: number;
  /** Observatory group id (all snaps of a visit). */
  readonly group?: string;
  /** Snap index within the group, from 0. */
  readonly snap?: number;
  readonly exposure?: number;
  readonly visit?: number;
  /** Observing night as YYYYMMDD. */
  readonly day_obs?: number;
  /** Abstract filter, one letter (`u g r i z y`). */
  readonly band?: string;
  readonly physical_filter?: string;
}

export type DimensionName = keyof DataId;

export const DIMENSION_NAMES: readonly DimensionName[] = [
  'instrument',
  'detector',
  'group',
  'snap',
  'exposure',
  'visit',
  'day_obs',
  'band',
  'physical_filter',
];

export interface DatasetType {
  /** e.g. `raw`, `bias`, `flat`, `postISRCCD`, `src`. */
  readonly name: string;
  /** Dimensions every data ID of this type must have (and no others). */
  readonly dimensions: readonly DimensionName[];
  /** How the bytes are stored, e.g. `Exposure`, `SourceCatalog`, `Json`. */
  readonly storageClass: string;
  /** True for calibrations: found through validity ranges in calibration collections. */
  readonly isCalibration: boolean;
}

export type CollectionType = 'run' | 'calibration' | 'chained';

export interface Collection {
  readonly name: string;
  readonly type: CollectionType;
  /** For chained collections: members, searched in order. */
  readonly children: readonly string[];
}

export interface DatasetRef {
  /** Unique id (UUID). */
  readonly id: string;
  readonly datasetType: string;
  readonly dataId: DataId;
  /** The run collection the dataset was written into. */
  readonly run: string;
  /** Key of the bytes in the datastore. */
  readonly uri: string;
  readonly sizeBytes: number;
  /** Hex digest of the bytes (the datastore's eTag). */
  readonly checksum: string;
}

export interface IngestRequest {
  readonly datasetType: string;
  readonly dataId: DataId;
  readonly run: string;
  readonly uri: string;
  readonly sizeBytes: number;
  readonly checksum: string;
}

/** Half-open validity range [beginMs, endMs), ms since the Unix epoch (TAI-free: UTC ms). */
export interface Timespan {
  readonly beginMs: number;
  readonly endMs: number;
}

/** A dimension record, e.g. an exposure's metadata. */
export interface DimensionRecord {
  readonly element: DimensionName;
  /** The data ID that identifies the record (e.g. instrument + exposure). */
  readonly dataId: DataId;
  /** Metadata columns; JSON-serialisable. */
  readonly values: Readonly<Record<string, string | number | boolean | null>>;
}

export interface QueryDatasetsOptions {
  /** Collections to search, in order (chained collections expand). */
  readonly collections: readonly string[];
  /** Only datasets whose data ID has these values. */
  readonly where?: Partial<DataId>;
}

export interface Registry {
  /** Registers a dataset type; idempotent when identical, PROMPTLY_E_REGISTRY_CONFLICT otherwise. */
  registerDatasetType(type: DatasetType): Promise<void>;
  getDatasetType(name: string): Promise<DatasetType | undefined>;
  /** Creates a collection; idempotent when identical (chained: replaces the children). */
  registerCollection(collection: Collection): Promise<void>;
  getCollection(name: string): Promise<Collection | undefined>;
  listCollections(): Promise<Collection[]>;
  /** Inserts or replaces dimension records (idempotent by element + data ID). */
  insertDimensionRecords(records: readonly DimensionRecord[]): Promise<void>;
  getDimensionRecord(element: DimensionName, dataId: DataId): Promise<DimensionRecord | undefined>;
  /**
   * Records datasets in their runs, atomically. Idempotent by (datasetType, dataId, run):
   * an identical existing dataset is returned unchanged; one with another checksum or uri
   * is PROMPTLY_E_REGISTRY_CONFLICT and nothing of the batch is written.
   */
  ingest(requests: readonly IngestRequest[]): Promise<DatasetRef[]>;
  /** The first dataset of that type and exact data ID in the collections, in search order. */
  findDataset(
    datasetType: string,
    dataId: DataId,
    collections: readonly string[],
  ): Promise<DatasetRef | undefined>;
  queryDatasets(datasetType: string, options: QueryDatasetsOptions): Promise<DatasetRef[]>;
  /** Associates calibration datasets with a validity range in a calibration collection. */
  certify(collection: string, refs: readonly DatasetRef[], validity: Timespan): Promise<void>;
  /**
   * The calibration of that type whose data ID matches and whose validity range contains
   * `timeMs`, searching `collections` in order.
   */
  findCalibration(
    datasetType: string,
    dataId: DataId,
    collections: readonly string[],
    timeMs: number,
  ): Promise<DatasetRef | undefined>;
  /** Deletes a run collection and its datasets' registry entries; returns the removed refs. */
  removeRun(run: string): Promise<DatasetRef[]>;
  close(): Promise<void>;
}
