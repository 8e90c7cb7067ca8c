import type {
  DiaForcedSourceInput,
  DiaForcedSourceRecord,
  DiaObjectInput,
  DiaObjectRecord,
  DiaSourceInput,
  DiaSourceRecord,
  SsObjectInput,
  SsObjectRecord,
} from './apdb-records.js';
import type { SkyRegion } from './sky-region.js';

/**
 * The Alert Production Database contract: the DIA objects, DIA sources, forced sources and
 * known solar-system objects that association reads before a visit-detector and writes
 * after it. Tables and fields follow Rubin's APDB (see `apdb-records.ts`).
 *
 * - **Preload** (at next_visit): the objects in a sky region — the detector's footprint,
 *   padded — with their DIA sources and forced sources since a given time.
 * - **Store** (after association): one visit-detector's new DIA sources, its new and
 *   updated objects, its forced sources and solar-system objects, in one transaction, at
 *   most once: a visit-detector that has written is refused a second write with
 *   PROMPTLY_E_APDB_ALREADY_WRITTEN, even when two processes race to write it, so a
 *   redelivered work item can never store its sources twice.
 *
 * Backends (`sql/` over Kysely: SQLite embedded, PostgreSQL distributed) pass
 * `testing/apdb-conformance.ts` unchanged. Region queries use a HEALPix index
 * (`pixelId`, nested, order {@link APDB_HEALPIX_ORDER}) and then exact distance.
 *
 * Concurrent updates of one object by two detectors of the same visit (an object on both
 * footprints' margins) are last-writer-wins per row, as in Rubin's APDB.
 */
export interface Apdb {
  /**
   * The objects whose position lies in `query.region` and their DIA sources and forced
   * sources with `midpointMjdTai ≥ query.sinceMjdTai`, ordered by id (sources by time, then
   * id). Refuses (PROMPTLY_E_APDB_INVALID) a region holding more than `maxObjects` objects.
   */
  preload(query: ApdbPreloadQuery, options?: ApdbCallOptions): Promise<ApdbPreload>;
  /** The objects whose position lies in `region`, by id (at most `maxObjects`). */
  diaObjects(
    region: SkyRegion,
    maxObjects?: number,
    options?: ApdbCallOptions,
  ): Promise<DiaObjectRecord[]>;
  /** DIA sources of these objects (≤ 100 000 ids) at or after `sinceMjdTai`, by time then id. */
  diaSources(
    diaObjectIds: readonly number[],
    sinceMjdTai: number,
    options?: ApdbCallOptions,
  ): Promise<DiaSourceRecord[]>;
  /** Forced sources of these objects (≤ 100 000 ids) at or after `sinceMjdTai`, by time then id. */
  diaForcedSources(
    diaObjectIds: readonly number[],
    sinceMjdTai: number,
    options?: ApdbCallOptions,
  ): Promise<DiaForcedSourceRecord[]>;
  /** DIA sources of one visit-detector, by id (what it stored). */
  visitDetectorSources(
    visit: number,
    detector: number,
    options?: ApdbCallOptions,
  ): Promise<DiaSourceRecord[]>;
  /** The known solar-system objects of these ids (≤ 100 000) that are stored, by id. */
  ssObjects(ids: readonly number[], options?: ApdbCallOptions): Promise<SsObjectRecord[]>;
  /**
   * Stores one visit-detector's results atomically (all or nothing) and marks it written.
   * Every DIA source and forced source must belong to the write's visit and detector, with
   * the id `packDiaId(visit, detector, index)` gives; objects and solar-system objects are
   * inserted or replaced by id. PROMPTLY_E_APDB_ALREADY_WRITTEN when the visit-detector has
   * written before (nothing is written); PROMPTLY_E_APDB_CONFLICT when an id collides;
   * PROMPTLY_E_APDB_INVALID for a bad record (naming the field).
   */
  store(write: ApdbWrite, options?: ApdbCallOptions): Promise<ApdbWriteReceipt>;
  /** The receipt of a visit-detector's write, or undefined when it has not written. */
  written(
    visit: number,
    detector: number,
    options?: ApdbCallOptions,
  ): Promise<ApdbWriteReceipt | undefined>;
  /** Whether the visit-detector has written (a rerun must not process it blindly). */
  hasWritten(visit: number, detector: number, options?: ApdbCallOptions): Promise<boolean>;
  /** Releases connections; later calls reject with PROMPTLY_E_APDB_CLOSED. Idempotent. */
  dispose(): Promise<void>;
}

export interface ApdbCallOptions {
  readonly signal?: AbortSignal;
}

/** Default and largest number of objects one region query returns. */
export const DEFAULT_MAX_OBJECTS = 100_000;
export const MAX_OBJECTS_LIMIT = 1_000_000;
/** Largest id list of one lookup. */
export const MAX_ID_LIST = 100_000;

export interface ApdbPreloadQuery {
  readonly region: SkyRegion;
  /**
   * Oldest source returned, MJD TAI: usually the visit's midpoint less a history window
   * (Rubin loads 12 months).
   */
  readonly sinceMjdTai: number;
  /** Most objects the region may hold, 1..{@link MAX_OBJECTS_LIMIT}; default 100 000. */
  readonly maxObjects?: number;
}

export interface ApdbPreload {
  readonly diaObjects: DiaObjectRecord[];
  readonly diaSources: DiaSourceRecord[];
  readonly diaForcedSources: DiaForcedSourceRecord[];
}

/** What one visit-detector writes. */
export interface ApdbWrite {
  readonly visit: number;
  readonly detector: number;
  /** Its DIA sources (with diaObjectId / ssObjectId as association set them). */
  readonly diaSources: readonly DiaSourceInput[];
  /** New and updated objects (full rows: a stored row is replaced). */
  readonly diaObjects: readonly DiaObjectInput[];
  /** Its forced sources. */
  readonly diaForcedSources?: readonly DiaForcedSourceInput[];
  /** Solar-system objects to insert or replace. */
  readonly ssObjects?: readonly SsObjectInput[];
  /** When it was written, real ms since the Unix epoch (default: now). */
  readonly writtenMs?: number;
}

/** The marker a write leaves: what was stored for the visit-detector, and when. */
export interface ApdbWriteReceipt {
  readonly visit: number;
  readonly detector: number;
  readonly diaSources: number;
  readonly diaObjects: number;
  readonly diaForcedSources: number;
  readonly ssObjects: number;
  /** Real ms since the Unix epoch. */
  readonly writtenMs: number;
}

export { APDB_HEALPIX_ORDER } from './healpix.js';
