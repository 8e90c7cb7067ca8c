import { field, recordSchema, type RecordInput, type RecordOf } from './field-spec.js';

/**
 * A DIA source associated with a known solar-system object: ecliptic and galactic coordinates,
 * geometry of the observation and the ephemeris offset. Field names and types follow Rubin
 * lsst.v11_0.ssSource, whose schema states no units for these fields; the worker fills them
 * for a source associated with a known mover (units in
 * `src/prompt/worker/stages/solar-system.ts`: degrees, degrees per day, arcseconds, AU, AU per
 * day, J2000 ecliptic vectors); other alerts carry null.
 */
export const SS_SOURCE_FIELDS = [
  field('diaSourceId', 'long'),
  field('ssObjectId', 'long'),
  field('designation', '?string'),
  field('eclLambda', 'double'),
  field('eclBeta', 'double'),
  field('galLon', 'double'),
  field('galLat', 'double'),
  field('elongation', '?float'),
  field('phaseAngle', '?float'),
  field('topoRange', '?float'),
  field('topoRangeRate', '?float'),
  field('helioRange', '?float'),
  field('helioRangeRate', '?float'),
  field('ephRa', '?double'),
  field('ephDec', '?double'),
  field('ephVmag', '?float'),
  field('ephRate', '?float'),
  field('ephRateRa', '?float'),
  field('ephRateDec', '?float'),
  field('ephOffset', '?float'),
  field('ephOffsetRa', '?double'),
  field('ephOffsetDec', '?double'),
  field('ephOffsetAlongTrack', '?float'),
  field('ephOffsetCrossTrack', '?float'),
  field('helio_x', '?float'),
  field('helio_y', '?float'),
  field('helio_z', '?float'),
  field('helio_vx', '?float'),
  field('helio_vy', '?float'),
  field('helio_vz', '?float'),
  field('helio_vtot', '?float'),
  field('topo_x', '?float'),
  field('topo_y', '?float'),
  field('topo_z', '?float'),
  field('topo_vx', '?float'),
  field('topo_vy', '?float'),
  field('topo_vz', '?float'),
  field('topo_vtot', '?float'),
  field('diaDistanceRank', '?int'),
] as const;

/** A DIA source associated with a known solar-system object. Avro record `lsst.v11_0.ssSource`. */
export const SS_SOURCE_SCHEMA = recordSchema(
  'ssSource',
  'A DIA source associated with a known solar-system object.',
  SS_SOURCE_FIELDS,
);

/** A DIA source associated with a known solar-system object. As decoded: every field present. */
export type SsSource = RecordOf<typeof SS_SOURCE_FIELDS>;

/**
 * A DIA source associated with a known solar-system object. As given to `buildAlert`: nullable
 * fields may be left out.
 */
export type SsSourceInput = RecordInput<typeof SS_SOURCE_FIELDS>;
