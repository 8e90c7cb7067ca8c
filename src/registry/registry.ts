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
  /** Sky-map patch id (src/wcs/sky-map.ts): where templates live, independent of any visit. */
  readonly patch?: number;
  /** HTM level-7 trixel id (sphgeom numbering, src/sim/refcat/htm.ts): a reference-catalog shard. */
  readonly htm7?: number;
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
  'patch',
  'htm7',
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
  /**
   * Dataset id to keep (a UUID), e.g. when transferring between repos so both agree;
   * default: a new UUID. An id already used by another dataset is PROMPTLY_E_REGISTRY_CONFLICT.
   * An identical dataset already present under another id is returned as it is.
   */
  readonly id?: string;
  readonly datasetType: string;
  readonly dataId: DataId;
  readonly run: string;
  readonly uri: string;
  readonly sizeBytes: number;
  readonly checksum: string;
}

/**
 * Half-open validity range [beginMs, endMs), ms since the Unix epoch (TAI-free: UTC ms).
 * Integers with beginMs < endMs; `beginMs: -Infinity` / `endMs: Infinity` mean unbounded.
 */
export interface Timespan {
  readonly beginMs: number;
  readonly endMs: number;
}

/** One certification: a calibration dataset valid over `validity` in a calibration collection. */
export interface CalibrationAssociation {
  readonly collection: string;
  readonly ref: DatasetRef;
  readonly validity: Timespan;
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
  /**
   * Collections to search, in order (chained collections expand). Names that do not exist
   * are treated as empty, here and in every search path of the Registry.
   */
  readonly collections: readonly string[];
  /** Only datasets whose data ID has these values. */
  readonly where?: Partial<DataId>;
}

export interface Registry {
  /** Registers a dataset type; idempotent when identical, PROMPTLY_E_REGISTRY_CONFLICT otherwise. */
  registerDatasetType(type: DatasetType): Promise<void>;
  getDatasetType(name: string): Promise<DatasetType | undefined>;
  /**
   * Creates a collection; idempotent when identical (chained: replaces the children, which
   * must exist, be distinct, and not lead back to the chain: NOT_FOUND / INVALID). A name
   * already registered with another type is PROMPTLY_E_REGISTRY_CONFLICT.
   */
  registerCollection(collection: Collection): Promise<void>;
  getCollection(name: string): Promise<Collection | undefined>;
  listCollections(): Promise<Collection[]>;
  /** Inserts or replaces dimension records (idempotent by element + data ID). */
  insertDimensionRecords(records: readonly DimensionRecord[]): Promise<void>;
  getDimensionRecord(element: DimensionName, dataId: DataId): Promise<DimensionRecord | undefined>;
  /**
   * Records datasets in their runs, atomically. Idempotent by (datasetType, dataId, run):
   * an identical existing dataset is returned unchanged; one with another checksum or uri
   * is PROMPTLY_E_REGISTRY_CONFLICT and nothing of the batch is written. Data IDs must have
   * exactly the type's dimensions (PROMPTLY_E_REGISTRY_INVALID); a run collection that does
   * not exist yet is created. Refs come back in request order.
   */
  ingest(requests: readonly IngestRequest[]): Promise<DatasetRef[]>;
  /**
   * The first dataset of that type and exact data ID in the run collections of the search
   * path (chains expand), in order. Calibration collections are skipped: use
   * findCalibration. Collections that do not exist are empty; an unknown dataset type is
   * PROMPTLY_E_REGISTRY_NOT_FOUND.
   */
  findDataset(
    datasetType: string,
    dataId: DataId,
    collections: readonly string[],
  ): Promise<DatasetRef | undefined>;
  /**
   * Every dataset of the type in the collections (not first-per-data-ID: Butler's
   * findFirst=false), each once, ordered by search position then data ID; datasets
   * certified in calibration collections on the path are included.
   */
  queryDatasets(datasetType: string, options: QueryDatasetsOptions): Promise<DatasetRef[]>;
  /**
   * Associates calibration datasets with a validity range in a calibration collection
   * (created when missing), atomically. A range overlapping another certification of the same type + data ID in
   * that collection is PROMPTLY_E_REGISTRY_CONFLICT (as Butler); repeating an identical
   * certification is a no-op.
   */
  certify(collection: string, refs: readonly DatasetRef[], validity: Timespan): Promise<void>;
  /**
   * The calibration of that type whose data ID matches and whose validity range contains
   * `timeMs` (begin inclusive, end exclusive), searching `collections` in order. A run
   * collection on the path matches at any time (as in Butler).
   */
  findCalibration(
    datasetType: string,
    dataId: DataId,
    collections: readonly string[],
    timeMs: number,
  ): Promise<DatasetRef | undefined>;
  /**
   * Certifications of `datasetType` in the calibration collections among `options.collections`
   * (chains expand; run collections are ignored), ordered by search order, data ID, begin.
   * What a repo needs to copy certifications to another repo.
   */
  queryCalibrationAssociations(
    datasetType: string,
    options: QueryDatasetsOptions,
  ): Promise<CalibrationAssociation[]>;
  /**
   * Deletes a run collection, its datasets' registry entries and their certifications, and
   * drops it from chains; returns the removed refs ([] when the run does not exist).
   * A collection that is not a run: PROMPTLY_E_REGISTRY_INVALID.
   */
  removeRun(run: string): Promise<DatasetRef[]>;
  /**
   * Deletes single datasets' registry entries (and their certifications) by id; returns the
   * refs removed, in id order (unknown ids are skipped). The bytes are the caller's to delete.
   */
  removeDatasets(ids: readonly string[]): Promise<DatasetRef[]>;
  close(): Promise<void>;
}
