import { PromptlyError } from '../errors.js';
import type { AvroField, AvroRecordSchema } from './avro-schema.js';

/**
 * promptly's own Avro schemas of Rubin's ScriptQueue `logevent_nextVisit`, as the summit writes
 * it to Kafka (Sasquatch): the SAL envelope first, then the event's fields, with the field
 * names, order and Avro types of the ts_xml definition. Written here from the published field
 * list, not copied; docs are ours.
 */
const envelopeHead: AvroField[] = [
  { name: 'private_efdStamp', type: 'double', default: 0, doc: 'EFD stamp, UTC s.' },
  { name: 'private_kafkaStamp', type: 'double', default: 0, doc: 'Kafka write, TAI s.' },
  { name: 'salIndex', type: 'long', default: 0, doc: 'ScriptQueue index.' },
  { name: 'private_revCode', type: 'string', default: '', doc: 'Topic revision hash.' },
  { name: 'private_sndStamp', type: 'double', default: 0, doc: 'Sent, TAI s.' },
  { name: 'private_rcvStamp', type: 'double', default: 0, doc: 'Received by SAL, TAI s.' },
  { name: 'private_seqNum', type: 'long', default: 0, doc: 'Publisher sequence number.' },
  { name: 'private_identity', type: 'string', default: '', doc: 'Publisher identity.' },
  { name: 'private_origin', type: 'long', default: 0, doc: 'Publisher process id.' },
];

const bodyBeforeInstrument: AvroField[] = [
  { name: 'scriptSalIndex', type: 'long', default: 0, doc: 'Announcing script.' },
  { name: 'groupId', type: 'string', default: '', doc: 'Group id of the visit.' },
  { name: 'coordinateSystem', type: 'long', default: 0, doc: 'CoordSys of position.' },
  {
    name: 'position',
    type: { type: 'array', items: 'double' },
    default: [0, 0],
    doc: 'Longitude, latitude, degrees.',
  },
  { name: 'startTime', type: 'double', default: 0, doc: 'Expected start, TAI s.' },
  { name: 'rotationSystem', type: 'long', default: 0, doc: 'RotSys of cameraAngle.' },
  { name: 'cameraAngle', type: 'double', default: 0, doc: 'Camera angle, degrees.' },
  { name: 'filters', type: 'string', default: '', doc: 'Physical filter(s).' },
  { name: 'dome', type: 'long', default: 0, doc: 'Dome state wanted.' },
  { name: 'duration', type: 'double', default: 0, doc: 'Script duration, s.' },
  { name: 'nimages', type: 'long', default: 0, doc: 'Snaps; 0 = unknown.' },
];

const instrumentField: AvroField = {
  name: 'instrument',
  type: 'string',
  default: '',
  doc: 'Instrument short name.',
};

const bodyAfterInstrument: AvroField[] = [
  { name: 'survey', type: 'string', default: '', doc: 'Survey name.' },
  { name: 'totalCheckpoints', type: 'long', default: 0, doc: 'Script checkpoints.' },
];

function nextVisitRecord(fields: AvroField[]): AvroRecordSchema {
  return {
    type: 'record',
    name: 'logevent_nextVisit',
    namespace: 'lsst.sal.ScriptQueue',
    doc: 'Advance notice of the next visit (promptly intake schema).',
    fields,
  };
}

/** One known version of the nextVisit Avro schema. */
export interface NextVisitSchemaVersion {
  /**
   * Schema id: what a Confluent-framed message carries after its magic byte, and what a REST
   * proxy body's `value_schema_id` names. These ids are promptly's own; a deployment whose
   * schema registry assigned other ids adds an entry here with the same schema.
   */
  readonly id: number;
  /** Which ts_xml releases write this shape. */
  readonly label: string;
  readonly schema: AvroRecordSchema;
}

/** The registry of nextVisit schemas promptly decodes, oldest first. */
export const NEXT_VISIT_SCHEMAS: readonly NextVisitSchemaVersion[] = [
  {
    id: 1,
    label: 'ts_xml before 16.0 (no instrument field)',
    schema: nextVisitRecord([...envelopeHead, ...bodyBeforeInstrument, ...bodyAfterInstrument]),
  },
  {
    id: 2,
    label: 'ts_xml 16.0 and later',
    schema: nextVisitRecord([
      ...envelopeHead,
      ...bodyBeforeInstrument,
      instrumentField,
      ...bodyAfterInstrument,
    ]),
  },
];

/** Id of the schema promptly writes (CLI, fixtures) and compares REST proxy schemas against. */
export const CURRENT_NEXT_VISIT_SCHEMA_ID = 2;

/** The registered schema of that id, or undefined. */
export function nextVisitSchemaById(id: number): NextVisitSchemaVersion | undefined {
  return NEXT_VISIT_SCHEMAS.find((v) => v.id === id);
}

/** The schema promptly writes. */
export function currentNextVisitSchema(): NextVisitSchemaVersion {
  const current = nextVisitSchemaById(CURRENT_NEXT_VISIT_SCHEMA_ID);
  if (current === undefined) {
    throw new PromptlyError(
      'PROMPTLY_E_INTERNAL',
      'the current nextVisit schema is not registered',
    );
  }
  return current;
}
