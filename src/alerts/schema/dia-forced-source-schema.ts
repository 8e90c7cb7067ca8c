import { field, recordSchema, type RecordInput, type RecordOf } from './field-spec.js';

/**
 * Forced photometry of a DIA object on one visit-detector: PSF flux on the difference image and on
 * the science image at the object position. Field names, types and units follow Rubin
 * lsst.v11_0.diaForcedSource.
 */
export const DIA_FORCED_SOURCE_FIELDS = [
  field('diaForcedSourceId', 'long'),
  field('diaObjectId', 'long'),
  field('ra', 'double', 'deg'),
  field('dec', 'double', 'deg'),
  field('visit', 'long'),
  field('detector', 'int'),
  field('psfFlux', '?float', 'nJy'),
  field('psfFluxErr', '?float', 'nJy'),
  field('midpointMjdTai', 'double', 'd'),
  field('scienceFlux', '?float', 'nJy'),
  field('scienceFluxErr', '?float', 'nJy'),
  field('band', '?string'),
  field('timeProcessedMjdTai', 'double'),
  field('timeWithdrawnMjdTai', '?double'),
] as const;

/**
 * Forced photometry at a DIA object position on one visit. Avro record
 * `lsst.v11_0.diaForcedSource`.
 */
export const DIA_FORCED_SOURCE_SCHEMA = recordSchema(
  'diaForcedSource',
  'Forced photometry at a DIA object position on one visit.',
  DIA_FORCED_SOURCE_FIELDS,
);

/** Forced photometry at a DIA object position on one visit. As decoded: every field present. */
export type DiaForcedSource = RecordOf<typeof DIA_FORCED_SOURCE_FIELDS>;

/**
 * Forced photometry at a DIA object position on one visit. As given to `buildAlert`: nullable
 * fields may be left out.
 */
export type DiaForcedSourceInput = RecordInput<typeof DIA_FORCED_SOURCE_FIELDS>;
