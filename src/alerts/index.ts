// Public API of src/alerts. Other folders import from here only ('../alerts/index.js').

export {
  ALERT_RECORD_NAME,
  ALERT_SCHEMA,
  ALERT_SCHEMA_VERSION,
  type Alert,
  type DiaForcedSource,
  type DiaObject,
  type DiaSource,
  type MpcOrbits,
  type SsSource,
} from './alert-schema.js';
export type { DiaForcedSourceInput } from './schema/dia-forced-source-schema.js';
export type { DiaObjectInput } from './schema/dia-object-schema.js';
export type { DiaSourceInput } from './schema/dia-source-schema.js';
export type { SsSourceInput } from './schema/ss-source-schema.js';
export {
  AlertCodec,
  DEFAULT_ALERT_SCHEMA_ID,
  MAX_ALERT_BYTES,
  alertAvroType,
  alertProblems,
  type AlertCodecOptions,
} from './alert-codec.js';
export {
  CONFLUENT_HEADER_BYTES,
  MAX_SCHEMA_ID,
  frameConfluent,
  unframeConfluent,
  type ConfluentFrame,
} from './confluent-framing.js';
export {
  MAX_ALERT_CONTAINER_BYTES,
  decodeAlertContainer,
  encodeAlertContainer,
  readAlertContainer,
  readAlertContainerHeader,
  type AlertContainerCodec,
  type AlertContainerHeader,
  type EncodeAlertContainerOptions,
} from './alert-container.js';
export {
  DEFAULT_CUTOUT_SIZE,
  MAX_CUTOUT_SIZE,
  MIN_CUTOUT_SIZE,
  cutoutBox,
  makeCutout,
  type CutoutBox,
  type CutoutRequest,
  type CutoutSource,
} from './cutout.js';
export {
  MAX_CUTOUT_BYTES,
  MAX_PREVIOUS_RECORDS,
  buildAlert,
  type AlertCutouts,
  type AlertInputs,
} from './build-alert.js';
export { ALERTS_STREAM, alertSubjects } from './alert-subjects.js';
export {
  ALERT_SOURCE_HEADER,
  AlertPublisher,
  type AlertPublisherOptions,
} from './alert-publisher.js';
export {
  ALERTS_PREFIX,
  alertFileKey,
  readVisitAlerts,
  visitAlertsPrefix,
  writeVisitAlerts,
  type WrittenAlertFile,
} from './visit-alert-files.js';
