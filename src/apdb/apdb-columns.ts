import { PromptlyError, type ErrorDetail } from '../core/errors.js';
import {
  BANDS,
  BAND_STAT_SUFFIXES,
  type DiaForcedSourceRecord,
  type DiaObjectRecord,
  type DiaSourceRecord,
  type SsObjectRecord,
} from './apdb-records.js';

/**
 * Every column of the APDB tables with the kind of value it holds, stated once: the SQL
 * schema, the checks at the contract's boundary and the row ↔ record conversion all follow
 * from it. Kinds (a leading `?` = nullable):
 * `id` a safe integer ≥ 0 (SQL bigint); `count` a 32-bit integer ≥ 0; `real` a finite number;
 * `ra` degrees [0, 360); `dec` degrees [−90, +90]; `mjd` MJD TAI in [0, 1e6); `bool`
 * (SQL integer 0/1); `text` at most 256 characters.
 */
export type BaseKind = 'id' | 'count' | 'real' | 'ra' | 'dec' | 'mjd' | 'bool' | 'text';
export type ColumnKind = BaseKind | `?${BaseKind}`;

export const DIA_SOURCE_COLUMNS = {
  diaSourceId: 'id',
  visit: 'id',
  detector: 'count',
  diaObjectId: '?id',
  ssObjectId: '?id',
  parentDiaSourceId: '?id',
  midpointMjdTai: 'mjd',
  ra: 'ra',
  raErr: '?real',
  dec: 'dec',
  decErr: '?real',
  ra_dec_Cov: '?real',
  x: 'real',
  xErr: '?real',
  y: 'real',
  yErr: '?real',
  centroid_flag: '?bool',
  apFlux: '?real',
  apFluxErr: '?real',
  apFlux_flag: '?bool',
  isNegative: '?bool',
  snr: '?real',
  psfFlux: '?real',
  psfFluxErr: '?real',
  psfChi2: '?real',
  psfNdata: 'count',
  psfFlux_flag: '?bool',
  trailFlux: '?real',
  trailFluxErr: '?real',
  trailLength: '?real',
  trailAngle: '?real',
  trailNdata: 'count',
  dipoleMeanFlux: '?real',
  dipoleFluxDiff: '?real',
  dipoleLength: '?real',
  dipoleAngle: '?real',
  dipoleChi2: '?real',
  dipoleNdata: 'count',
  isDipole: '?bool',
  scienceFlux: '?real',
  scienceFluxErr: '?real',
  templateFlux: '?real',
  templateFluxErr: '?real',
  ixx: '?real',
  iyy: '?real',
  ixy: '?real',
  extendedness: '?real',
  reliability: '?real',
  band: '?text',
  timeProcessedMjdTai: 'mjd',
  timeWithdrawnMjdTai: '?mjd',
  bboxSize: 'count',
  pixelFlags: '?bool',
  pixelFlags_bad: '?bool',
  pixelFlags_cr: '?bool',
  pixelFlags_edge: '?bool',
  pixelFlags_interpolated: '?bool',
  pixelFlags_saturated: '?bool',
  pixelFlags_suspect: '?bool',
  pixelFlags_offimage: '?bool',
  pixelFlags_nodata: '?bool',
  pixelFlags_streak: '?bool',
} as const satisfies Record<keyof DiaSourceRecord, ColumnKind>;

function bandStatColumns(): Record<string, ColumnKind> {
  const out: Record<string, ColumnKind> = {};
  for (const b of BANDS)
    for (const s of BAND_STAT_SUFFIXES) out[`${b}_${s}`] = s === 'psfFluxNdata' ? 'count' : '?real';
  return out;
}

export const DIA_OBJECT_COLUMNS = {
  diaObjectId: 'id',
  validityStartMjdTai: 'mjd',
  ra: 'ra',
  raErr: '?real',
  dec: 'dec',
  decErr: '?real',
  ra_dec_Cov: '?real',
  nDiaSources: 'count',
  firstDiaSourceMjdTai: '?mjd',
  lastDiaSourceMjdTai: '?mjd',
  ...bandStatColumns(),
} as Record<keyof DiaObjectRecord, ColumnKind>;

export const DIA_FORCED_SOURCE_COLUMNS = {
  diaForcedSourceId: 'id',
  diaObjectId: 'id',
  ra: 'ra',
  dec: 'dec',
  visit: 'id',
  detector: 'count',
  psfFlux: '?real',
  psfFluxErr: '?real',
  midpointMjdTai: 'mjd',
  scienceFlux: '?real',
  scienceFluxErr: '?real',
  band: '?text',
  timeProcessedMjdTai: 'mjd',
  timeWithdrawnMjdTai: '?mjd',
} as const satisfies Record<keyof DiaForcedSourceRecord, ColumnKind>;

export const SS_OBJECT_COLUMNS = {
  ssObjectId: 'id',
  designation: '?text',
  discoverySubmissionDate: '?mjd',
  firstObservationDate: '?mjd',
  arc: '?real',
  numObs: '?count',
} as const satisfies Record<keyof SsObjectRecord, ColumnKind>;

export type ColumnSpec = Readonly<Record<string, ColumnKind>>;

const INT32_MAX = 0x7fff_ffff;
const MAX_TEXT = 256;

function problem(kind: BaseKind, value: unknown): string | undefined {
  const num = typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  switch (kind) {
    case 'id':
      return Number.isSafeInteger(value) && (value as number) >= 0
        ? undefined
        : 'must be a non-negative safe integer';
    case 'count':
      return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= INT32_MAX
        ? undefined
        : 'must be an integer in 0..2^31-1';
    case 'real':
      return num !== undefined ? undefined : 'must be a finite number';
    case 'ra':
      return num !== undefined && num >= 0 && num < 360 ? undefined : 'must be degrees in [0, 360)';
    case 'dec':
      return num !== undefined && num >= -90 && num <= 90
        ? undefined
        : 'must be degrees in [-90, 90]';
    case 'mjd':
      return num !== undefined && num >= 0 && num < 1e6 ? undefined : 'must be an MJD in [0, 1e6)';
    case 'bool':
      return typeof value === 'boolean' ? undefined : 'must be a boolean';
    case 'text':
      return typeof value === 'string' && value.length <= MAX_TEXT
        ? undefined
        : `must be a string of at most ${MAX_TEXT} characters`;
  }
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * `input` checked against `spec` and completed: every column present, absent nullable ones
 * null, NaN in a nullable number null ("not measured"), unknown keys dropped. Count columns
 * left out default to 0. Throws PROMPTLY_E_APDB_INVALID listing every bad field under `path`.
 */
export function completeRecord<T>(spec: ColumnSpec, input: unknown, path: string): T {
  if (typeof input !== 'object' || input === null)
    throw new PromptlyError('PROMPTLY_E_APDB_INVALID', `${path} must be an object`);
  const given = input as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const details: ErrorDetail[] = [];
  for (const [name, kind] of Object.entries(spec)) {
    const nullable = kind.startsWith('?');
    const base = (nullable ? kind.slice(1) : kind) as BaseKind;
    let value = given[name];
    if (value === undefined && base === 'count' && !nullable) value = 0;
    if (nullable && (value === undefined || value === null || Number.isNaN(value))) {
      out[name] = null;
      continue;
    }
    const why = problem(base, value);
    if (why !== undefined)
      details.push({ path: `${path}.${name}`, message: `${why}, got ${show(value)}` });
    else out[name] = value;
  }
  if (details.length > 0)
    throw new PromptlyError(
      'PROMPTLY_E_APDB_INVALID',
      `${path}: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`,
      { details },
    );
  return out as T;
}

/** A record as a SQL row: booleans as 0/1. */
export function toRow(spec: ColumnSpec, record: object): Record<string, unknown> {
  const r = record as Record<string, unknown>;
  const row: Record<string, unknown> = {};
  for (const [name, kind] of Object.entries(spec)) {
    const v = r[name] ?? null;
    row[name] = kind.endsWith('bool') && v !== null ? (v ? 1 : 0) : v;
  }
  return row;
}

/** A SQL row as a record: 0/1 as booleans, numbers as numbers; other columns dropped. */
export function fromRow<T>(spec: ColumnSpec, row: Readonly<Record<string, unknown>>): T {
  const out: Record<string, unknown> = {};
  for (const [name, kind] of Object.entries(spec)) {
    const v = row[name] ?? null;
    if (v === null) out[name] = null;
    else if (kind.endsWith('bool')) out[name] = Number(v) !== 0;
    else if (kind.endsWith('text')) out[name] = typeof v === 'string' ? v : JSON.stringify(v);
    else out[name] = Number(v);
  }
  return out as T;
}
