import { PromptlyError } from '../core/errors.js';

/**
 * Deterministic ids of the records one visit-detector creates — DIA sources, forced sources
 * and the DIA objects new sources start — packed from (visit, detector, index) into a safe
 * integer, so that processing a visit-detector again gives the same ids and two
 * visit-detectors never share one:
 *
 *     id = (visitKey · 2^8 + detector) · 2^14 + index        (< 2^53)
 *
 * - `index`: 0 … {@link MAX_RECORDS_PER_VISIT_DETECTOR} − 1, the record's position in its
 *   visit-detector's list;
 * - `detector`: 0 … 255 (LSSTCam's ids end at 204);
 * - `visitKey` (31 bits): a visit below 2^29 is its own key; a larger visit must be a Rubin
 *   exposure id `dayObs · 100000 + seqNum` (dayObs a date YYYYMMDD from 2020-01-01, seqNum <
 *   100000), keyed 2^29 + (days since 2020-01-01) · 100000 + seqNum — enough days to 2064.
 *
 * A new DIA object takes the id of the source that starts it (as Rubin's association does).
 */

export const MAX_RECORDS_PER_VISIT_DETECTOR = 2 ** 14;
export const MAX_DETECTOR_ID = 255;
/** Visits below this are their own key; larger ones must be Rubin exposure ids. */
export const COMPACT_VISIT_LIMIT = 2 ** 29;

const INDEX_SPAN = MAX_RECORDS_PER_VISIT_DETECTOR;
const DETECTOR_SPAN = MAX_DETECTOR_ID + 1;
const VISIT_KEY_LIMIT = 2 ** 31;
const DAY_MS = 86_400_000;
const EPOCH_MS = Date.UTC(2020, 0, 1);
const SEQ_SPAN = 100_000;

function invalid(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_APDB_INVALID', message);
}

/** Throws PROMPTLY_E_APDB_INVALID unless `value` is a safe integer ≥ 0. */
export function checkId(what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw invalid(`${what} must be a non-negative safe integer, got ${String(value)}`);
  return value;
}

/** The 31-bit key of a visit id (see the module comment). */
export function visitKey(visit: number): number {
  checkId('visit', visit);
  if (visit < COMPACT_VISIT_LIMIT) return visit;
  const seq = visit % SEQ_SPAN;
  const dayObs = Math.floor(visit / SEQ_SPAN);
  const y = Math.floor(dayObs / 10_000);
  const m = Math.floor(dayObs / 100) % 100;
  const d = dayObs % 100;
  const ms = Date.UTC(y, m - 1, d);
  const date = new Date(ms);
  const days = (ms - EPOCH_MS) / DAY_MS;
  const key = COMPACT_VISIT_LIMIT + days * SEQ_SPAN + seq;
  if (
    date.getUTCFullYear() !== y ||
    date.getUTCMonth() !== m - 1 ||
    date.getUTCDate() !== d ||
    days < 0 ||
    key >= VISIT_KEY_LIMIT
  )
    throw invalid(
      `visit ${visit} is neither below ${COMPACT_VISIT_LIMIT} nor a Rubin exposure id dayObs·100000+seqNum with dayObs from 20200101 to 20640101`,
    );
  return key;
}

function visitFromKey(key: number): number {
  if (key < COMPACT_VISIT_LIMIT) return key;
  const rest = key - COMPACT_VISIT_LIMIT;
  const days = Math.floor(rest / SEQ_SPAN);
  const date = new Date(EPOCH_MS + days * DAY_MS);
  const dayObs =
    date.getUTCFullYear() * 10_000 + (date.getUTCMonth() + 1) * 100 + date.getUTCDate();
  return dayObs * SEQ_SPAN + (rest % SEQ_SPAN);
}

/** The id of record `index` of (visit, detector); PROMPTLY_E_APDB_INVALID when out of range. */
export function packDiaId(visit: number, detector: number, index: number): number {
  const key = visitKey(visit);
  if (!Number.isInteger(detector) || detector < 0 || detector > MAX_DETECTOR_ID)
    throw invalid(`detector must be an integer in 0..${MAX_DETECTOR_ID}, got ${detector}`);
  if (!Number.isInteger(index) || index < 0 || index >= INDEX_SPAN)
    throw invalid(
      `record index must be an integer in 0..${INDEX_SPAN - 1} (at most ${INDEX_SPAN} records per visit-detector), got ${index}`,
    );
  return (key * DETECTOR_SPAN + detector) * INDEX_SPAN + index;
}

/** The (visit, detector, index) an id was packed from. */
export function unpackDiaId(id: number): { visit: number; detector: number; index: number } {
  checkId('id', id);
  const index = id % INDEX_SPAN;
  const vd = Math.floor(id / INDEX_SPAN);
  return {
    visit: visitFromKey(Math.floor(vd / DETECTOR_SPAN)),
    detector: vd % DETECTOR_SPAN,
    index,
  };
}
