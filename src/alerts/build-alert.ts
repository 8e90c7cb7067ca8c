import { PromptlyError } from '../core/errors.js';
import type { Alert } from './alert-schema.js';
import { checkSkyPosition, completeRecord } from './complete-record.js';
import {
  DIA_FORCED_SOURCE_FIELDS,
  type DiaForcedSource,
  type DiaForcedSourceInput,
} from './schema/dia-forced-source-schema.js';
import {
  DIA_OBJECT_FIELDS,
  type DiaObject,
  type DiaObjectInput,
} from './schema/dia-object-schema.js';
import {
  DIA_SOURCE_FIELDS,
  type DiaSource,
  type DiaSourceInput,
} from './schema/dia-source-schema.js';
import { SS_SOURCE_FIELDS, type SsSource, type SsSourceInput } from './schema/ss-source-schema.js';

/** Most previous DIA sources or forced sources one alert carries (Rubin sends 12 months). */
export const MAX_PREVIOUS_RECORDS = 10_000;
/** Largest cutout accepted, bytes (a 30×30 float32 FITS is 8,640). */
export const MAX_CUTOUT_BYTES = 4 * 1024 * 1024;
/** Longest `observation_reason` / `target_name`, characters. */
export const MAX_SCHEDULER_TEXT = 1024;

/** The three cutouts of an alert, each a whole FITS file (see `makeCutout`); any may be absent. */
export interface AlertCutouts {
  readonly difference?: Uint8Array | null;
  readonly science?: Uint8Array | null;
  readonly template?: Uint8Array | null;
}

/**
 * What one alert is made from: the DIA source that triggers it, the object it was
 * associated with, that object's history, and the cutouts. The record types follow Rubin's
 * lsst.v11_0 fields (see `schema/`); whoever produces them (APDB, association) maps its rows
 * to these.
 */
export interface AlertInputs {
  readonly diaSource: DiaSourceInput;
  /** The associated object; when given, its id must equal `diaSource.diaObjectId`. */
  readonly diaObject?: DiaObjectInput | null;
  /** Earlier DIA sources of the object (any order; written oldest first), ≤ 10,000. */
  readonly prvDiaSources?: readonly DiaSourceInput[] | null;
  /** Earlier forced photometry of the object (any order; written oldest first), ≤ 10,000. */
  readonly prvDiaForcedSources?: readonly DiaForcedSourceInput[] | null;
  /** Solar-system association of the source; its diaSourceId must be the source's. */
  readonly ssSource?: SsSourceInput | null;
  readonly cutouts?: AlertCutouts;
  /** Scheduler's reason for the visit (next_visit), ≤ 1024 characters. */
  readonly observationReason?: string | null;
  /** Scheduler's target name for the visit (next_visit), ≤ 1024 characters. */
  readonly targetName?: string | null;
}

function invalid(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_ALERT_INVALID', message);
}

function diaSource(input: DiaSourceInput, path: string): DiaSource {
  const out = completeRecord(DIA_SOURCE_FIELDS, input, path) as unknown as DiaSource;
  checkSkyPosition(path, out.ra, out.dec);
  return out;
}

function byTime<T extends { readonly midpointMjdTai: number }>(records: T[]): T[] {
  return records.sort((a, b) => a.midpointMjdTai - b.midpointMjdTai);
}

function previous<
  I,
  O extends { readonly diaObjectId: number | null; readonly midpointMjdTai: number },
>(
  inputs: readonly I[] | null | undefined,
  what: string,
  objectId: number | null,
  make: (input: I, path: string) => O,
): O[] | null {
  if (inputs === undefined || inputs === null) return null;
  if (inputs.length > MAX_PREVIOUS_RECORDS) {
    throw invalid(`${what} holds ${inputs.length} records, more than ${MAX_PREVIOUS_RECORDS}`);
  }
  const out = inputs.map((r, i) => make(r, `${what}[${i}]`));
  out.forEach((r, i) => {
    if (objectId !== null && r.diaObjectId !== objectId) {
      throw invalid(`${what}[${i}] belongs to diaObject ${r.diaObjectId}, not ${objectId}`);
    }
  });
  return byTime(out);
}

function cutout(bytes: Uint8Array | null | undefined, name: string): Uint8Array | null {
  if (bytes === undefined || bytes === null) return null;
  if (!(bytes instanceof Uint8Array)) throw invalid(`${name} must be bytes`);
  if (bytes.length > MAX_CUTOUT_BYTES) {
    throw invalid(`${name} is ${bytes.length} bytes, more than ${MAX_CUTOUT_BYTES}`);
  }
  // avsc writes `bytes` from Node Buffers only: a view, no copy.
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

function schedulerText(value: string | null | undefined, name: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > MAX_SCHEDULER_TEXT) {
    throw invalid(`${name} must be a string of at most ${MAX_SCHEDULER_TEXT} characters`);
  }
  return value;
}

/**
 * One alert, every field present and checked (see `complete-record.ts` for the number
 * rules; positions in degrees, ICRS). The alert's `diaSourceId` is its source's. Previous
 * sources and forced sources must belong to the source's object and are ordered by
 * `midpointMjdTai`; `mpc_orbits` is null (no MPC orbits yet). Any violation:
 * PROMPTLY_E_ALERT_INVALID naming the field.
 */
export function buildAlert(inputs: AlertInputs): Alert {
  const source = diaSource(inputs.diaSource, 'diaSource');
  const objectId = source.diaObjectId;
  let diaObject: DiaObject | null = null;
  if (inputs.diaObject !== undefined && inputs.diaObject !== null) {
    diaObject = completeRecord(
      DIA_OBJECT_FIELDS,
      inputs.diaObject,
      'diaObject',
    ) as unknown as DiaObject;
    checkSkyPosition('diaObject', diaObject.ra, diaObject.dec);
    if (diaObject.diaObjectId !== objectId) {
      throw invalid(
        `diaObject ${diaObject.diaObjectId} is not the source's object (diaSource.diaObjectId ${objectId})`,
      );
    }
  }
  const prvDiaSources = previous(inputs.prvDiaSources, 'prvDiaSources', objectId, diaSource);
  prvDiaSources?.forEach((s, i) => {
    if (s.diaSourceId === source.diaSourceId) {
      throw invalid(`prvDiaSources[${i}] is the triggering source ${s.diaSourceId} itself`);
    }
  });
  const prvDiaForcedSources = previous(
    inputs.prvDiaForcedSources,
    'prvDiaForcedSources',
    objectId,
    (r: DiaForcedSourceInput, path) => {
      const out = completeRecord(DIA_FORCED_SOURCE_FIELDS, r, path) as unknown as DiaForcedSource;
      checkSkyPosition(path, out.ra, out.dec);
      return out;
    },
  );
  let ssSource: SsSource | null = null;
  if (inputs.ssSource !== undefined && inputs.ssSource !== null) {
    ssSource = completeRecord(SS_SOURCE_FIELDS, inputs.ssSource, 'ssSource') as unknown as SsSource;
    if (ssSource.diaSourceId !== source.diaSourceId) {
      throw invalid(`ssSource.diaSourceId ${ssSource.diaSourceId} is not ${source.diaSourceId}`);
    }
  }
  return {
    diaSourceId: source.diaSourceId,
    observation_reason: schedulerText(inputs.observationReason, 'observationReason'),
    target_name: schedulerText(inputs.targetName, 'targetName'),
    diaSource: source,
    prvDiaSources,
    prvDiaForcedSources,
    diaObject,
    ssSource,
    mpc_orbits: null,
    cutoutDifference: cutout(inputs.cutouts?.difference, 'cutouts.difference'),
    cutoutScience: cutout(inputs.cutouts?.science, 'cutouts.science'),
    cutoutTemplate: cutout(inputs.cutouts?.template, 'cutouts.template'),
  };
}
