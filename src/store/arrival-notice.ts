import { createHash } from 'node:crypto';
import type { ArrivalNotice } from '../arrivals/arrival-notice.js';

/** `eventSource` of notices promptly's own stores emit. */
export const PROMPTLY_EVENT_SOURCE = 'promptly:store';

/** Hex MD5 of `bytes`, unquoted (what notices carry and DatasetRef.checksum holds). */
export function md5Hex(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex');
}

/** `"<hex>"`: the eTag as ObjectInfo reports it. */
export function quoteETag(hex: string): string {
  return `"${hex}"`;
}

/** The hex digest inside an eTag, with surrounding quotes (if any) removed. */
export function unquoteETag(eTag: string): string {
  return eTag.length >= 2 && eTag.startsWith('"') && eTag.endsWith('"') ? eTag.slice(1, -1) : eTag;
}

let lastSequencerUs = 0n;

/**
 * A sequencer for a put: 16 upper-case hex digits of microseconds since the Unix epoch,
 * strictly increasing within this process. Compare two sequencers of the same key as
 * strings (same length): the greater one is the later put. Across processes the order is
 * that of the hosts' clocks.
 */
export function nextSequencer(): string {
  const nowUs = BigInt(Math.floor((performance.timeOrigin + performance.now()) * 1000));
  lastSequencerUs = nowUs > lastSequencerUs ? nowUs : lastSequencerUs + 1n;
  return lastSequencerUs.toString(16).toUpperCase().padStart(16, '0');
}

/** Fields of one created object, for {@link makeArrivalNotice}. */
export interface ArrivalFields {
  readonly bucket: string;
  readonly key: string;
  /** Bytes. */
  readonly size: number;
  /** Hex MD5, quoted or not (the notice carries it unquoted). */
  readonly eTag: string;
  readonly sequencer: string;
  /** Time of the put, ms since the Unix epoch (default: now). */
  readonly timeMs?: number;
}

/** An `ObjectCreated:Put` notice with one record, in S3 event-notification shape. */
export function makeArrivalNotice(fields: ArrivalFields): ArrivalNotice {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: PROMPTLY_EVENT_SOURCE,
        eventTime: new Date(fields.timeMs ?? Date.now()).toISOString(),
        eventName: 'ObjectCreated:Put',
        s3: {
          bucket: { name: fields.bucket },
          object: {
            key: fields.key,
            size: fields.size,
            eTag: unquoteETag(fields.eTag),
            sequencer: fields.sequencer,
          },
        },
      },
    ],
  };
}
