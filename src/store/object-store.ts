/**
 * The ObjectStore contract. Keys are `/`-separated relative paths. `put` is atomic: a
 * reader sees the whole old object or the whole new one, never part; it resolves only
 * once the bytes are durable, and then emits exactly one arrival notice (the fs store; the
 * S3 store leaves notices to the bucket's notifications). A put can be write-once
 * (`ifAbsent`), so two writers never leave mismatched bytes under one key. Backends (fs/,
 * s3/) pass `testing/object-store-conformance.ts` unchanged.
 */

/** What the store knows of one object. */
export interface ObjectInfo {
  readonly key: string;
  /** Size in bytes. */
  readonly size: number;
  /** Quoted hex MD5 of the bytes, as S3 reports it for a single-part put. */
  readonly eTag: string;
  /** Last modification, ms since the Unix epoch. */
  readonly lastModifiedMs: number;
}

// Arrival notices belong to the Arrivals contract; re-exported for the stores that emit them.
export type { ArrivalNotice, ArrivalRecord, NoticeSink } from '../arrivals/arrival-notice.js';

export interface StoreCallOptions {
  readonly signal?: AbortSignal;
}

/** Options of {@link ObjectStore.put}. */
export interface PutOptions extends StoreCallOptions {
  /**
   * Write-once (S3's `If-None-Match: *`). When true and an object already exists at the key,
   * the put writes nothing, emits no notice and rejects with PROMPTLY_E_STORE_EXISTS. Of
   * concurrent ifAbsent puts to one key, through any handles on the same backing store,
   * exactly one wins and the object holds exactly its bytes. A retried request may find its
   * own earlier attempt in place: STORE_EXISTS then names an object with our eTag, so a
   * caller that cares compares eTags (as Repo does). Default false (overwrite).
   */
  readonly ifAbsent?: boolean;
}

export interface ObjectStore {
  /** Bucket name used in arrival notices. */
  readonly bucket: string;
  /**
   * Writes atomically and durably, then emits one arrival notice (stores whose arrivals come
   * from elsewhere, like S3 bucket notifications, emit none). With `ifAbsent`, write-once.
   */
  put(key: string, body: Uint8Array, options?: PutOptions): Promise<ObjectInfo>;
  /** Whole object, or PROMPTLY_E_STORE_NOT_FOUND. */
  get(key: string, options?: StoreCallOptions): Promise<Uint8Array>;
  /**
   * Bytes [start, end) of the object (end clipped to its size; empty when start >= size), or
   * PROMPTLY_E_STORE_NOT_FOUND. start/end not integers with 0 <= start <= end:
   * PROMPTLY_E_STORE_RANGE_INVALID.
   */
  getRange(
    key: string,
    start: number,
    end: number,
    options?: StoreCallOptions,
  ): Promise<Uint8Array>;
  /** Info of the object, or undefined when absent. */
  head(key: string, options?: StoreCallOptions): Promise<ObjectInfo | undefined>;
  /** Every object whose key starts with `prefix`, in key order. */
  list(prefix: string, options?: StoreCallOptions): AsyncIterable<ObjectInfo>;
  /** Removes the object; true when it existed. */
  delete(key: string, options?: StoreCallOptions): Promise<boolean>;
  /** Moves an object to a new key (no arrival notice); PROMPTLY_E_STORE_NOT_FOUND if absent. */
  move(from: string, to: string, options?: StoreCallOptions): Promise<ObjectInfo>;
  close(): Promise<void>;
}
