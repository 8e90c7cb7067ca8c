/**
 * Arrival notices: the S3 event-notification shape every Arrivals source yields.
 *
 * The decoding rule, stated once for all of promptly: S3, MinIO and Ceph RGW bucket
 * notifications carry the object key URL-encoded in form style (`+` for a space, `%2B` for
 * a `+`, UTF-8 bytes as `%XX`). Such a key is decoded exactly once, at the S3 intake edge
 * (`s3/s3-event.ts`, used by the webhook and the bus intake). Every ArrivalNotice past that
 * edge — and every notice promptly's own stores and the listing reconciler make — carries
 * the raw object key, exactly as given to `put`. Nothing downstream decodes again: a key
 * `a%2Bb` or `a+b` is that literal key.
 *
 * This file imports nothing, so the store contract can re-export these types without an
 * import cycle.
 */

/** One record of an S3 event notification (the subset promptly reads and writes). */
export interface ArrivalRecord {
  readonly eventVersion: string;
  /** Who made the notice: `promptly:store`, `promptly:reconciler`, `minio:s3`, `ceph:s3`… */
  readonly eventSource: string;
  /** ISO-8601 UTC time of the put. */
  readonly eventTime: string;
  /** `ObjectCreated:Put`, `ObjectCreated:CompleteMultipartUpload`… (no `s3:` prefix). */
  readonly eventName: string;
  readonly s3: {
    readonly bucket: { readonly name: string };
    readonly object: {
      /** The object key as given to put, NOT URL-encoded (see the decoding rule above). */
      readonly key: string;
      /** Size in bytes. */
      readonly size: number;
      /** eTag without quotes, as S3 notifications carry it ('' when the source gave none). */
      readonly eTag: string;
      /** Hex string that orders puts to the same key ('' when the source gave none). */
      readonly sequencer: string;
    };
  };
}

/** An arrival notice, shaped like an S3 event notification. */
export interface ArrivalNotice {
  readonly Records: readonly ArrivalRecord[];
}

/** Receives arrival notices; the put resolves after the sink does. */
export type NoticeSink = (notice: ArrivalNotice) => void | Promise<void>;

/**
 * `eventName` without the `s3:` prefix MinIO (and older Ceph) put in front:
 * `s3:ObjectCreated:Put` → `ObjectCreated:Put`.
 */
export function normalizeEventName(eventName: string): string {
  return eventName.startsWith('s3:') ? eventName.slice(3) : eventName;
}

/** True for every `ObjectCreated:*` event (Put, Post, Copy, CompleteMultipartUpload). */
export function isObjectCreated(eventName: string): boolean {
  return normalizeEventName(eventName).startsWith('ObjectCreated:');
}

/** Identity of one stored version of an object, for de-duplication: bucket, key and eTag. */
export function recordIdentity(record: ArrivalRecord): string {
  const { bucket, object } = record.s3;
  return JSON.stringify([bucket.name, object.key, object.eTag]);
}
