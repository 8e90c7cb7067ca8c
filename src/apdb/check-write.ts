import { PromptlyError } from '../core/errors.js';
import {
  DIA_FORCED_SOURCE_COLUMNS,
  DIA_OBJECT_COLUMNS,
  DIA_SOURCE_COLUMNS,
  SS_OBJECT_COLUMNS,
  completeRecord,
} from './apdb-columns.js';
import type {
  DiaForcedSourceRecord,
  DiaObjectRecord,
  DiaSourceRecord,
  SsObjectRecord,
} from './apdb-records.js';
import type { ApdbWrite } from './apdb.js';
import { MAX_RECORDS_PER_VISIT_DETECTOR, packDiaId, unpackDiaId } from './dia-ids.js';

/** A write whose every record is checked and complete. */
export interface CheckedWrite {
  readonly visit: number;
  readonly detector: number;
  readonly diaSources: readonly DiaSourceRecord[];
  readonly diaObjects: readonly DiaObjectRecord[];
  readonly diaForcedSources: readonly DiaForcedSourceRecord[];
  readonly ssObjects: readonly SsObjectRecord[];
  readonly writtenMs: number;
}

function invalid(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_APDB_INVALID', message);
}

function list<T>(value: readonly T[] | undefined, what: string, max: number): readonly T[] {
  if (value === undefined) return [];
  const given: unknown = value;
  if (!Array.isArray(given)) throw invalid(`${what} must be an array`);
  if (value.length > max)
    throw invalid(`${what} holds ${value.length} records, more than ${max} per visit-detector`);
  return value;
}

function unique(ids: readonly number[], what: string): void {
  const seen = new Set<number>();
  for (const id of ids) {
    if (seen.has(id)) throw invalid(`${what} ${id} appears twice in one write`);
    seen.add(id);
  }
}

/** A record of this visit-detector whose id is the packed one (see dia-ids.ts). */
function ownRecord(
  r: { readonly visit: number; readonly detector: number },
  id: number,
  write: { visit: number; detector: number },
  path: string,
): void {
  if (r.visit !== write.visit || r.detector !== write.detector)
    throw invalid(
      `${path} is of visit ${r.visit} detector ${r.detector}, not of the write's visit ${write.visit} detector ${write.detector}`,
    );
  const owner = unpackDiaId(id);
  if (owner.visit !== write.visit || owner.detector !== write.detector)
    throw invalid(
      `${path} id ${id} was not packed from visit ${write.visit} detector ${write.detector} (use packDiaId)`,
    );
}

/**
 * Checks a write at the contract's boundary: visit and detector packable, at most
 * {@link MAX_RECORDS_PER_VISIT_DETECTOR} records of each kind, every record complete and in
 * range, sources and forced sources of this visit-detector with packed ids, no id twice.
 * Throws PROMPTLY_E_APDB_INVALID naming the first problem.
 */
export function checkWrite(write: ApdbWrite): CheckedWrite {
  if (typeof write !== 'object' || write === null) throw invalid('write must be an object');
  packDiaId(write.visit, write.detector, 0);
  const max = MAX_RECORDS_PER_VISIT_DETECTOR;
  const diaSources = list(write.diaSources, 'diaSources', max).map((s, i) =>
    completeRecord<DiaSourceRecord>(DIA_SOURCE_COLUMNS, s, `diaSources[${i}]`),
  );
  diaSources.forEach((s, i) => ownRecord(s, s.diaSourceId, write, `diaSources[${i}]`));
  unique(
    diaSources.map((s) => s.diaSourceId),
    'diaSourceId',
  );
  // New objects (one per source at most) and updated ones (one per source at most).
  const diaObjects = list(write.diaObjects, 'diaObjects', 2 * max).map((o, i) =>
    completeRecord<DiaObjectRecord>(DIA_OBJECT_COLUMNS, o, `diaObjects[${i}]`),
  );
  unique(
    diaObjects.map((o) => o.diaObjectId),
    'diaObjectId',
  );
  const diaForcedSources = list(write.diaForcedSources, 'diaForcedSources', max).map((f, i) =>
    completeRecord<DiaForcedSourceRecord>(DIA_FORCED_SOURCE_COLUMNS, f, `diaForcedSources[${i}]`),
  );
  diaForcedSources.forEach((f, i) =>
    ownRecord(f, f.diaForcedSourceId, write, `diaForcedSources[${i}]`),
  );
  unique(
    diaForcedSources.map((f) => f.diaForcedSourceId),
    'diaForcedSourceId',
  );
  unique(
    diaForcedSources.map((f) => f.diaObjectId),
    'forced source of diaObjectId',
  );
  const ssObjects = list(write.ssObjects, 'ssObjects', max).map((o, i) =>
    completeRecord<SsObjectRecord>(SS_OBJECT_COLUMNS, o, `ssObjects[${i}]`),
  );
  unique(
    ssObjects.map((o) => o.ssObjectId),
    'ssObjectId',
  );
  const writtenMs = write.writtenMs ?? Date.now();
  if (!Number.isFinite(writtenMs) || writtenMs < 0 || writtenMs > 8.64e15)
    throw invalid(`writtenMs must be a time in ms since the Unix epoch, got ${writtenMs}`);
  return {
    visit: write.visit,
    detector: write.detector,
    diaSources,
    diaObjects,
    diaForcedSources,
    ssObjects,
    writtenMs: Math.round(writtenMs),
  };
}
