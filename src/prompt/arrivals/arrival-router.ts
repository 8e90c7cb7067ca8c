import type { ArrivalNotice } from '../../arrivals/arrival-notice.js';
import type { Arrivals } from '../../arrivals/arrivals.js';
import type { Bus } from '../../bus/bus.js';
import { encodeJson } from '../../bus/codec.js';
import { realNowMs, sleepReal, type Clock } from '../../core/clock.js';
import { isPromptlyError } from '../../core/errors.js';
import { INSTRUMENTS } from '../../core/instruments.js';
import { parseRawKey } from '../../core/raw-key.js';
import { subjects } from '../../core/subjects.js';
import type { StatusEmitter } from '../../observe/status-emitter.js';
import type { RawArrival } from './raw-arrival.js';

export interface ArrivalRouterDeps {
  readonly arrivals: Arrivals;
  readonly bus: Bus;
  /** Summit clock (status event times). */
  readonly clock: Clock;
  /** Reports `raw.arrived`, `notice.ignored`, `notice.invalid`, `route.retry`, `router.stopped`. */
  readonly status: StatusEmitter;
  /** Stops the router when it fires (as `close()` does). */
  readonly signal?: AbortSignal;
  /** Longest wait between publish retries, ms (default 5 000). */
  readonly maxRetryDelayMs?: number;
}

/** Lifecycle of the router. */
export type ArrivalRouterState = 'running' | 'stopped';

/** The running router role. */
export interface ArrivalRouter {
  readonly state: ArrivalRouterState;
  /** Resolves once the router has stopped (closed, signal, arrivals closed, bus closed). */
  readonly done: Promise<void>;
  /** Stops taking notices; the one being routed is finished first. Idempotent. */
  close(): Promise<void>;
}

/**
 * The router role: takes arrival notices from `arrivals` and publishes each raw on
 * `raw.arrived.<instrument>.<detector>.<group>`, so a worker hears only about its own
 * visit-detector. Keys are used as they come — raw object keys (the S3 intake decoded them
 * once; nothing here decodes again). Keys that are not raws of a known instrument
 * (quarantine, outputs) are ignored with `notice.ignored`; a malformed record is reported as
 * `notice.invalid` and skipped; neither stops the router.
 *
 * A notice is handed on only after all its raws were published: a publish that fails is
 * retried (backoff up to `maxRetryDelayMs`, `route.retry` each time) until it succeeds or
 * the router stops; a closed bus stops the router (`router.stopped`).
 */
export function startArrivalRouter(deps: ArrivalRouterDeps): ArrivalRouter {
  const stop = new AbortController();
  const signal = deps.signal ? AbortSignal.any([stop.signal, deps.signal]) : stop.signal;
  const maxRetryDelayMs = deps.maxRetryDelayMs ?? 5_000;
  let state: ArrivalRouterState = 'running';

  const run = async (): Promise<void> => {
    const sub = deps.arrivals.notices({ signal });
    try {
      for await (const notice of sub) {
        if (!(await routeNotice(notice))) break;
      }
    } finally {
      await sub.close();
    }
  };

  /** False when the router must stop (aborted, bus closed). */
  const routeNotice = async (notice: ArrivalNotice): Promise<boolean> => {
    const arrivedMs = realNowMs();
    const records: unknown = notice.Records;
    if (!Array.isArray(records)) {
      deps.status.emit({ activity: 'notice.invalid', detail: { reason: 'no Records array' } });
      return true;
    }
    for (const [index, record] of records.entries()) {
      const fields = recordFields(record);
      if (typeof fields === 'string') {
        deps.status.emit({ activity: 'notice.invalid', detail: { index, reason: fields } });
        continue;
      }
      const arrival = toArrival(fields, arrivedMs);
      if (typeof arrival === 'string') {
        deps.status.emit({
          activity: 'notice.ignored',
          detail: { key: fields.key, reason: arrival },
        });
        continue;
      }
      if (!(await publish(arrival))) return false;
      deps.status.emit({
        activity: 'raw.arrived',
        instrument: arrival.instrument,
        group: arrival.group,
        detector: arrival.detector,
        detail: { snap: arrival.snap, key: arrival.key, source: fields.eventSource },
      });
    }
    return true;
  };

  const publish = async (arrival: RawArrival): Promise<boolean> => {
    const subject = subjects.rawArrived(arrival.instrument, arrival.detector, arrival.group);
    for (let attempt = 1; ; attempt++) {
      if (signal.aborted) return false;
      try {
        await deps.bus.publish(subject, encodeJson(arrival), { signal });
        return true;
      } catch (err) {
        if (signal.aborted || isPromptlyError(err, 'PROMPTLY_E_ABORTED')) return false;
        if (isPromptlyError(err, 'PROMPTLY_E_BUS_CLOSED')) {
          deps.status.emit({ activity: 'router.stopped', detail: { reason: 'bus closed' } });
          return false;
        }
        const delayMs = Math.min(maxRetryDelayMs, 50 * 2 ** Math.min(attempt, 16));
        deps.status.emit({
          activity: 'route.retry',
          detail: { key: arrival.key, attempt, delayMs, reason: errorMessage(err) },
        });
        const slept = await sleepReal(delayMs, signal).then(
          () => true,
          () => false,
        );
        if (!slept) return false;
      }
    }
  };

  const done = run()
    .catch((err: unknown) => {
      deps.status.emit({ activity: 'router.stopped', detail: { reason: errorMessage(err) } });
    })
    .finally(() => {
      state = 'stopped';
    });

  return {
    get state() {
      return state;
    },
    done,
    async close() {
      stop.abort();
      await done;
    },
  };
}

interface RecordFields {
  readonly key: string;
  readonly size: number;
  readonly eTag: string;
  readonly eventTime: string | undefined;
  readonly eventSource: string | undefined;
}

/** The fields the router needs from one record, or why the record is malformed. */
function recordFields(record: unknown): RecordFields | string {
  if (!isObject(record) || !isObject(record.s3)) return 'record has no s3 member';
  const object = record.s3.object;
  if (!isObject(object)) return 'record has no s3.object';
  if (typeof object.key !== 'string' || object.key === '') return 's3.object.key is not a string';
  if (typeof object.size !== 'number' || !Number.isInteger(object.size) || object.size < 0) {
    return 's3.object.size is not a byte count';
  }
  return {
    key: object.key,
    size: object.size,
    eTag: typeof object.eTag === 'string' ? object.eTag : '',
    eventTime: typeof record.eventTime === 'string' ? record.eventTime : undefined,
    eventSource: typeof record.eventSource === 'string' ? record.eventSource : undefined,
  };
}

/** The RawArrival of a record, or why its key is not a routable raw. */
function toArrival(fields: RecordFields, arrivedMs: number): RawArrival | string {
  let raw;
  try {
    raw = parseRawKey(fields.key);
  } catch (err) {
    if (isPromptlyError(err)) return err.message;
    throw err;
  }
  if (!INSTRUMENTS.has(raw.instrument)) return 'unknown instrument';
  return {
    key: fields.key,
    instrument: raw.instrument,
    detector: raw.detector,
    group: raw.group,
    snap: raw.snap,
    size: fields.size,
    eTag: fields.eTag,
    arrivedMs,
    ...(fields.eventTime === undefined ? {} : { eventTime: fields.eventTime }),
    ...(fields.eventSource === undefined ? {} : { eventSource: fields.eventSource }),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
