import type { BusMessage, Bus, DeliverPolicy, Subscription } from '../../bus/bus.js';
import { decodeJson } from '../../bus/codec.js';
import { isPromptlyError } from '../../core/errors.js';
import { subjectToken } from '../../core/subjects.js';
import type { StatusEmitter } from '../../observe/status-emitter.js';
import { DEFAULT_ARRIVALS_CAPACITY, type Arrivals } from '../arrivals.js';
import { NoticeQueue } from '../notice-queue.js';
import { parseS3Event } from './s3-event.js';

/** The conventional subject for a bucket's S3 event JSON: `s3.events.<bucket>`. */
export function s3EventsSubject(bucket: string): string {
  return `s3.events.${subjectToken(bucket)}`;
}

export interface S3BusNoticesOptions {
  readonly bus: Bus;
  /** Subject or filter carrying the S3 event JSON, e.g. {@link s3EventsSubject}`('raw')`. */
  readonly subject: string;
  /**
   * Read this durable stream (which must capture `subject`) from `deliver` instead of a
   * live subscription, so events published while nobody listened are read too.
   */
  readonly stream?: { readonly name: string; readonly deliver: DeliverPolicy };
  /** Notices buffered before the bus reader waits (integer ≥ 1, default 1024). */
  readonly capacity?: number;
  /** Where invalid and ignored messages are reported, as `notice.*`. */
  readonly status?: StatusEmitter;
}

/**
 * Arrivals from S3 event JSON taken off a bus subject: Ceph RGW can push bucket
 * notifications to AMQP or Kafka, and a bridge (or the sender itself) publishes them on
 * our Bus. Each message is one S3 event body, validated and decoded exactly as the webhook
 * does (`s3-event.ts`). A message that is not S3 event JSON is reported as
 * `notice.invalid` and skipped; the intake keeps reading. The intake reads the next
 * message only once the previous one's notice was handed on, so a slow reader slows the
 * intake (a live subscription then buffers on the bus side).
 *
 * Subscribes (or opens the stream reader) before resolving: nothing published after is missed.
 */
export async function createS3BusNotices(options: S3BusNoticesOptions): Promise<Arrivals> {
  const queue = new NoticeQueue(options.capacity ?? DEFAULT_ARRIVALS_CAPACITY);
  const stop = new AbortController();
  const sub: Subscription<BusMessage> = options.stream
    ? await options.bus.readStream(options.stream.name, {
        deliver: options.stream.deliver,
        filter: options.subject,
        signal: stop.signal,
      })
    : await options.bus.subscribe(options.subject, { signal: stop.signal });
  const pump = (async () => {
    for await (const message of sub) {
      let parsed;
      try {
        parsed = parseS3Event(decodeJson(message.data));
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        options.status?.emit({
          activity: 'notice.invalid',
          detail: { subject: message.subject, reason },
        });
        continue;
      }
      for (const r of parsed.ignored) {
        options.status?.emit({
          activity: 'notice.ignored',
          detail: { key: r.key, eventName: r.eventName, reason: 'not an object creation' },
        });
      }
      if (parsed.notice === undefined) continue;
      try {
        const handoff = await queue.push(parsed.notice, stop.signal);
        await handoff.handedOn;
      } catch (err) {
        if (isPromptlyError(err, 'PROMPTLY_E_ARRIVALS_CLOSED')) break;
        if (isPromptlyError(err, 'PROMPTLY_E_ABORTED')) break;
        throw err;
      }
    }
  })().catch((err: unknown) => {
    // The bus reader failed (not a bad message): end the readers so the failure shows.
    const reason = err instanceof Error ? err.message : String(err);
    options.status?.emit({
      activity: 'intake.failed',
      detail: { subject: options.subject, reason },
    });
    queue.close();
  });
  return {
    notices: (subscribeOptions) => queue.subscribe(subscribeOptions),
    async close() {
      stop.abort();
      queue.close();
      await sub.close();
      await pump;
    },
  };
}
