import {
  DIA_FORCED_SOURCE_SCHEMA,
  type DiaForcedSource,
} from './schema/dia-forced-source-schema.js';
import { DIA_OBJECT_SCHEMA, type DiaObject } from './schema/dia-object-schema.js';
import { DIA_SOURCE_SCHEMA, type DiaSource } from './schema/dia-source-schema.js';
import { ALERT_NAMESPACE } from './schema/field-spec.js';
import { MPC_ORBITS_SCHEMA, type MpcOrbits } from './schema/mpc-orbits-schema.js';
import { SS_SOURCE_SCHEMA, type SsSource } from './schema/ss-source-schema.js';

/**
 * promptly's alert schema: one Avro record per DIA source, whose field names, types, order,
 * nullability and defaults follow Rubin's published alert schema lsst.v11_0, so a broker that
 * reads Rubin's alerts reads ours. Written by us as TypeScript data (the record files in
 * `schema/`); `testing/lsst-v11_0-fields.txt` lists Rubin's fields and a test holds the two
 * in step. Named types are defined inline at first use, as the Avro specification requires.
 */

/** Version of Rubin's alert schema this one follows. */
export const ALERT_SCHEMA_VERSION = '11.0';

/** Full name of the top-level record. */
export const ALERT_RECORD_NAME = `${ALERT_NAMESPACE}.alert`;

const ref = (name: string): string => `${ALERT_NAMESPACE}.${name}`;

/** The alert schema as Avro JSON (what avsc compiles and what container files carry). */
export const ALERT_SCHEMA = {
  type: 'record',
  name: 'alert',
  namespace: ALERT_NAMESPACE,
  doc: 'promptly alert, fields following Rubin alert schema lsst.v11_0',
  fields: [
    { name: 'diaSourceId', type: 'long', doc: 'diaSourceId of the triggering DIA source' },
    { name: 'observation_reason', type: ['null', 'string'], default: null },
    { name: 'target_name', type: ['null', 'string'], default: null },
    { name: 'diaSource', type: DIA_SOURCE_SCHEMA },
    {
      name: 'prvDiaSources',
      type: ['null', { type: 'array', items: ref('diaSource') }],
      default: null,
    },
    {
      name: 'prvDiaForcedSources',
      type: ['null', { type: 'array', items: DIA_FORCED_SOURCE_SCHEMA }],
      default: null,
    },
    { name: 'diaObject', type: ['null', DIA_OBJECT_SCHEMA], default: null },
    { name: 'ssSource', type: ['null', SS_SOURCE_SCHEMA], default: null },
    { name: 'mpc_orbits', type: ['null', MPC_ORBITS_SCHEMA], default: null },
    { name: 'cutoutDifference', type: ['null', 'bytes'], default: null, doc: 'FITS image' },
    { name: 'cutoutScience', type: ['null', 'bytes'], default: null, doc: 'FITS image' },
    { name: 'cutoutTemplate', type: ['null', 'bytes'], default: null, doc: 'FITS image' },
  ],
} as const;

/**
 * One alert as written and as decoded: every field present. Cutouts are whole FITS files
 * (see `cutout.ts`); decoding gives Node Buffers, which are Uint8Arrays.
 */
export interface Alert {
  /** Id of the DIA source that triggered the alert (= `diaSource.diaSourceId`). */
  readonly diaSourceId: number;
  /** Scheduler's reason for the visit (next_visit `observation_reason`), when known. */
  readonly observation_reason: string | null;
  /** Scheduler's target name for the visit (next_visit `target_name`), when known. */
  readonly target_name: string | null;
  readonly diaSource: DiaSource;
  /** Earlier DIA sources of the same object, oldest first; null when there is no object. */
  readonly prvDiaSources: readonly DiaSource[] | null;
  /** Earlier forced photometry of the same object, oldest first. */
  readonly prvDiaForcedSources: readonly DiaForcedSource[] | null;
  readonly diaObject: DiaObject | null;
  readonly ssSource: SsSource | null;
  readonly mpc_orbits: MpcOrbits | null;
  readonly cutoutDifference: Uint8Array | null;
  readonly cutoutScience: Uint8Array | null;
  readonly cutoutTemplate: Uint8Array | null;
}

export type { DiaForcedSource, DiaObject, DiaSource, MpcOrbits, SsSource };
