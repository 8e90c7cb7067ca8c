import { z } from 'zod';
import { PromptlyError, type ErrorDetail } from '../../core/errors.js';
import { unquoteETag } from '../../store/arrival-notice.js';
import {
  isObjectCreated,
  normalizeEventName,
  type ArrivalNotice,
  type ArrivalRecord,
} from '../arrival-notice.js';

/**
 * A key encoded as senders do: Go's `url.QueryEscape` (MinIO) — everything but
 * `A-Za-z0-9-_.~` as UTF-8 `%XX`, space as `+`; with `keepSlash` (S3, Ceph RGW) `/` stays.
 */
export function encodeS3Key(key: string, keepSlash = false): string {
  const encoded = encodeURIComponent(key)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
  return keepSlash ? encoded.replace(/%2F/g, '/') : encoded;
}

/**
 * Decodes an object key as S3, MinIO and Ceph RGW put it in event notifications: form
 * URL-encoding, `+` for a space, `%XX` for UTF-8 bytes (`%2B` is a literal `+`). This is
 * the one place promptly decodes a key (see `arrival-notice.ts`). A malformed escape is
 * PROMPTLY_E_NOTICE_INVALID.
 */
export function decodeS3Key(encoded: string): string {
  try {
    return decodeURIComponent(encoded.replace(/\+/g, ' '));
  } catch (err) {
    throw new PromptlyError(
      'PROMPTLY_E_NOTICE_INVALID',
      `object key ${JSON.stringify(encoded)} is not validly URL-encoded`,
      { cause: err, details: [{ path: 's3.object.key', message: 'malformed %-escape' }] },
    );
  }
}

const recordSchema = z.object({
  eventVersion: z.string().optional(),
  eventSource: z.string().optional(),
  eventTime: z
    .string()
    .refine((t) => !Number.isNaN(Date.parse(t)), 'not a date-time')
    .optional(),
  eventName: z.string().min(1),
  s3: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({
      key: z.string().min(1),
      size: z.number().int().nonnegative().optional(),
      eTag: z.string().optional(),
      sequencer: z.string().optional(),
    }),
  }),
});

/**
 * The bodies Ceph RGW and MinIO send: `{ Records: [...] }`; MinIO's webhook adds
 * `EventName` and `Key` (ignored: the records say it all). S3's `s3:TestEvent` (no
 * records) is accepted and ignored.
 */
const bodySchema = z.object({ Records: z.array(recordSchema).min(1) });

/** A record that was valid but not an object creation (delete, tagging, test event…). */
export interface IgnoredRecord {
  readonly eventName: string;
  /** Decoded key ('' for a test event). */
  readonly key: string;
}

export interface ParsedS3Event {
  /** The creation records, keys decoded; undefined when there are none. */
  readonly notice: ArrivalNotice | undefined;
  readonly ignored: readonly IgnoredRecord[];
}

/**
 * Validates an S3 event notification body (already JSON-parsed) and returns its
 * `ObjectCreated:*` records as an ArrivalNotice, keys decoded once, eTags unquoted, event
 * names without the `s3:` prefix. Other events are returned as `ignored`. Anything that is
 * not the S3 event shape — or a creation record without a size — is
 * PROMPTLY_E_NOTICE_INVALID with one detail per problem; nothing of such a body is kept.
 */
export function parseS3Event(body: unknown): ParsedS3Event {
  if (isTestEvent(body)) {
    return { notice: undefined, ignored: [{ eventName: 's3:TestEvent', key: '' }] };
  }
  const result = bodySchema.safeParse(body);
  if (!result.success) {
    throw invalid('not an S3 event notification', describe(result.error.issues));
  }
  const records: ArrivalRecord[] = [];
  const ignored: IgnoredRecord[] = [];
  const problems: ErrorDetail[] = [];
  result.data.Records.forEach((r, i) => {
    let key: string;
    try {
      key = decodeS3Key(r.s3.object.key);
    } catch (err) {
      problems.push({ path: `Records.${i}.s3.object.key`, message: errorMessage(err) });
      return;
    }
    const eventName = normalizeEventName(r.eventName);
    if (!isObjectCreated(eventName)) {
      ignored.push({ eventName, key });
      return;
    }
    if (r.s3.object.size === undefined) {
      problems.push({ path: `Records.${i}.s3.object.size`, message: 'required for ObjectCreated' });
      return;
    }
    records.push({
      eventVersion: r.eventVersion ?? '2.1',
      eventSource: r.eventSource ?? 's3',
      eventTime: r.eventTime === undefined ? new Date().toISOString() : toUtcIso(r.eventTime),
      eventName,
      s3: {
        bucket: { name: r.s3.bucket.name },
        object: {
          key,
          size: r.s3.object.size,
          eTag: unquoteETag(r.s3.object.eTag ?? ''),
          sequencer: r.s3.object.sequencer ?? '',
        },
      },
    });
  });
  if (problems.length > 0) throw invalid('invalid S3 event records', problems);
  return { notice: records.length > 0 ? { Records: records } : undefined, ignored };
}

function isTestEvent(body: unknown): boolean {
  return (
    typeof body === 'object' &&
    body !== null &&
    !('Records' in body) &&
    'Event' in body &&
    body.Event === 's3:TestEvent'
  );
}

function toUtcIso(time: string): string {
  return new Date(Date.parse(time)).toISOString();
}

function invalid(message: string, details: readonly ErrorDetail[]): PromptlyError {
  const first = details[0];
  const summary = first ? `${message}: ${first.path ?? ''} ${first.message}`.trim() : message;
  return new PromptlyError('PROMPTLY_E_NOTICE_INVALID', summary, { details });
}

function describe(issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  return issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
