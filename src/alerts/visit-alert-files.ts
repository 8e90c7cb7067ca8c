import { createHash } from 'node:crypto';
import { PromptlyError, isPromptlyError } from '../core/errors.js';
import type { ObjectStore } from '../store/object-store.js';
import type { Alert } from './alert-schema.js';
import { decodeAlertContainer, encodeAlertContainer } from './alert-container.js';

/**
 * Alerts written per visit as Avro object container files in an ObjectStore (the central
 * repo's store, or a directory through the fs store). Layout:
 *
 *     alerts/<instrument>/<visit>/<visit>_<detector, 3 digits>.avro
 *
 * one file per visit-detector (detectors are processed by different workers, so one file
 * per visit would need a merge step); a visit's alerts are every file under
 * `alerts/<instrument>/<visit>/`. Files are write-once: a rerun that makes the same alerts
 * writes the same bytes (the sync marker is derived from the key) and finds its own file;
 * one that makes different alerts is refused (PROMPTLY_E_STORE_EXISTS) rather than
 * replacing alerts brokers may already have.
 */

/** Top folder of alert files in the store. */
export const ALERTS_PREFIX = 'alerts';

/** Largest visit id accepted (a safe integer: Rubin's are YYYYMMDDnnnnn). */
const MAX_VISIT = Number.MAX_SAFE_INTEGER;

function checkIds(instrument: string, visit: number, detector?: number): void {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(instrument)) {
    throw new PromptlyError(
      'PROMPTLY_E_ALERT_INVALID',
      `instrument must be 1-64 letters, digits, _ or -, got ${JSON.stringify(instrument)}`,
    );
  }
  if (!Number.isInteger(visit) || visit < 0 || visit > MAX_VISIT) {
    throw new PromptlyError(
      'PROMPTLY_E_ALERT_INVALID',
      `visit must be a safe integer ≥ 0, got ${visit}`,
    );
  }
  if (detector !== undefined && (!Number.isInteger(detector) || detector < 0 || detector > 9999)) {
    throw new PromptlyError(
      'PROMPTLY_E_ALERT_INVALID',
      `detector must be an integer in [0, 9999], got ${detector}`,
    );
  }
}

/** Key prefix holding one visit's alert files (ends with `/`). */
export function visitAlertsPrefix(instrument: string, visit: number): string {
  checkIds(instrument, visit);
  return `${ALERTS_PREFIX}/${instrument}/${visit}/`;
}

/** Key of one visit-detector's alert file. */
export function alertFileKey(instrument: string, visit: number, detector: number): string {
  checkIds(instrument, visit, detector);
  return `${visitAlertsPrefix(instrument, visit)}${visit}_${String(detector).padStart(3, '0')}.avro`;
}

/** What {@link writeVisitAlerts} did. */
export interface WrittenAlertFile {
  readonly key: string;
  readonly alerts: number;
  readonly bytes: number;
  /** False when an identical file was already there (a rerun). */
  readonly created: boolean;
}

/**
 * One visit-detector's alerts as an Avro object container file: the sync marker comes from
 * its key and the metadata names instrument, visit and detector, so the same alerts give the
 * same bytes on every run.
 */
export async function visitAlertsContainer(
  where: { readonly instrument: string; readonly visit: number; readonly detector: number },
  alerts: readonly Alert[],
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const key = alertFileKey(where.instrument, where.visit, where.detector);
  const syncMarker = createHash('sha256').update(key).digest().subarray(0, 16);
  return encodeAlertContainer(alerts, {
    syncMarker,
    metadata: {
      'promptly.instrument': where.instrument,
      'promptly.visit': String(where.visit),
      'promptly.detector': String(where.detector),
    },
    ...(signal ? { signal } : {}),
  });
}

/** One visit-detector's alerts, written once to {@link alertFileKey}. */
export async function writeVisitAlerts(
  store: ObjectStore,
  where: { readonly instrument: string; readonly visit: number; readonly detector: number },
  alerts: readonly Alert[],
  options: { readonly signal?: AbortSignal } = {},
): Promise<WrittenAlertFile> {
  const key = alertFileKey(where.instrument, where.visit, where.detector);
  const bytes = await visitAlertsContainer(where, alerts, options.signal);
  const base = { key, alerts: alerts.length, bytes: bytes.length };
  try {
    await store.put(key, bytes, {
      ifAbsent: true,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return { ...base, created: true };
  } catch (err) {
    if (!isPromptlyError(err, 'PROMPTLY_E_STORE_EXISTS')) throw err;
    const existing = await store.head(key, options);
    const ours = `"${createHash('md5').update(bytes).digest('hex')}"`;
    if (existing?.eTag === ours) return { ...base, created: false };
    throw new PromptlyError(
      'PROMPTLY_E_STORE_EXISTS',
      `${key} already holds different alerts; refusing to replace them`,
      { cause: err },
    );
  }
}

/** Every alert of a visit, file by file in key order (detector order). */
export async function* readVisitAlerts(
  store: ObjectStore,
  instrument: string,
  visit: number,
  options: { readonly signal?: AbortSignal } = {},
): AsyncGenerator<Alert> {
  for await (const info of store.list(visitAlertsPrefix(instrument, visit), options)) {
    if (!info.key.endsWith('.avro')) continue;
    yield* decodeAlertContainer(await store.get(info.key, options), options);
  }
}
