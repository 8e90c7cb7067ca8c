import { field, recordSchema, type RecordInput, type RecordOf } from './field-spec.js';

/**
 * A DIA object: the association of DIA sources at one sky position, with per-band (u g r i z y)
 * flux summaries. Field names, types and units follow Rubin lsst.v11_0.diaObject; positions ICRS
 * degrees, fluxes nJy, times MJD TAI days.
 */
export const DIA_OBJECT_FIELDS = [
  field('diaObjectId', 'long'),
  field('validityStartMjdTai', 'double'),
  field('ra', 'double', 'deg'),
  field('raErr', '?float', 'deg'),
  field('dec', 'double', 'deg'),
  field('decErr', '?float', 'deg'),
  field('ra_dec_Cov', '?float', 'deg**2'),
  field('u_psfFluxMean', '?float', 'nJy'),
  field('u_psfFluxMeanErr', '?float', 'nJy'),
  field('u_psfFluxSigma', '?float', 'nJy'),
  field('u_psfFluxNdata', 'int'),
  field('u_fpFluxMean', '?float', 'nJy'),
  field('u_fpFluxMeanErr', '?float', 'nJy'),
  field('g_psfFluxMean', '?float', 'nJy'),
  field('g_psfFluxMeanErr', '?float', 'nJy'),
  field('g_psfFluxSigma', '?float', 'nJy'),
  field('g_psfFluxNdata', 'int'),
  field('g_fpFluxMean', '?float', 'nJy'),
  field('g_fpFluxMeanErr', '?float', 'nJy'),
  field('r_psfFluxMean', '?float', 'nJy'),
  field('r_psfFluxMeanErr', '?float', 'nJy'),
  field('r_psfFluxSigma', '?float', 'nJy'),
  field('r_psfFluxNdata', 'int'),
  field('r_fpFluxMean', '?float', 'nJy'),
  field('r_fpFluxMeanErr', '?float', 'nJy'),
  field('i_psfFluxMean', '?float', 'nJy'),
  field('i_psfFluxMeanErr', '?float', 'nJy'),
  field('i_psfFluxSigma', '?float', 'nJy'),
  field('i_psfFluxNdata', 'int'),
  field('i_fpFluxMean', '?float', 'nJy'),
  field('i_fpFluxMeanErr', '?float', 'nJy'),
  field('z_psfFluxMean', '?float', 'nJy'),
  field('z_psfFluxMeanErr', '?float', 'nJy'),
  field('z_psfFluxSigma', '?float', 'nJy'),
  field('z_psfFluxNdata', 'int'),
  field('z_fpFluxMean', '?float', 'nJy'),
  field('z_fpFluxMeanErr', '?float', 'nJy'),
  field('y_psfFluxMean', '?float', 'nJy'),
  field('y_psfFluxMeanErr', '?float', 'nJy'),
  field('y_psfFluxSigma', '?float', 'nJy'),
  field('y_psfFluxNdata', 'int'),
  field('y_fpFluxMean', '?float', 'nJy'),
  field('y_fpFluxMeanErr', '?float', 'nJy'),
  field('u_scienceFluxMean', '?float', 'nJy'),
  field('u_scienceFluxMeanErr', '?float', 'nJy'),
  field('g_scienceFluxMean', '?float', 'nJy'),
  field('g_scienceFluxMeanErr', '?float', 'nJy'),
  field('r_scienceFluxMean', '?float', 'nJy'),
  field('r_scienceFluxMeanErr', '?float', 'nJy'),
  field('i_scienceFluxMean', '?float', 'nJy'),
  field('i_scienceFluxMeanErr', '?float', 'nJy'),
  field('z_scienceFluxMean', '?float', 'nJy'),
  field('z_scienceFluxMeanErr', '?float', 'nJy'),
  field('y_scienceFluxMean', '?float', 'nJy'),
  field('y_scienceFluxMeanErr', '?float', 'nJy'),
  field('u_psfFluxMin', '?float', 'nJy'),
  field('u_psfFluxMax', '?float', 'nJy'),
  field('u_psfFluxMaxSlope', '?float', 'nJy/d'),
  field('u_psfFluxErrMean', '?float', 'nJy'),
  field('g_psfFluxMin', '?float', 'nJy'),
  field('g_psfFluxMax', '?float', 'nJy'),
  field('g_psfFluxMaxSlope', '?float', 'nJy/d'),
  field('g_psfFluxErrMean', '?float', 'nJy'),
  field('r_psfFluxMin', '?float', 'nJy'),
  field('r_psfFluxMax', '?float', 'nJy'),
  field('r_psfFluxMaxSlope', '?float', 'nJy/d'),
  field('r_psfFluxErrMean', '?float', 'nJy'),
  field('i_psfFluxMin', '?float', 'nJy'),
  field('i_psfFluxMax', '?float', 'nJy'),
  field('i_psfFluxMaxSlope', '?float', 'nJy/d'),
  field('i_psfFluxErrMean', '?float', 'nJy'),
  field('z_psfFluxMin', '?float', 'nJy'),
  field('z_psfFluxMax', '?float', 'nJy'),
  field('z_psfFluxMaxSlope', '?float', 'nJy/d'),
  field('z_psfFluxErrMean', '?float', 'nJy'),
  field('y_psfFluxMin', '?float', 'nJy'),
  field('y_psfFluxMax', '?float', 'nJy'),
  field('y_psfFluxMaxSlope', '?float', 'nJy/d'),
  field('y_psfFluxErrMean', '?float', 'nJy'),
  field('firstDiaSourceMjdTai', '?double'),
  field('lastDiaSourceMjdTai', '?double'),
  field('nDiaSources', 'int'),
] as const;

/**
 * An astrophysical object built by associating DIA sources, with per-band summary statistics. Avro
 * record `lsst.v11_0.diaObject`.
 */
export const DIA_OBJECT_SCHEMA = recordSchema(
  'diaObject',
  'An astrophysical object built by associating DIA sources, with per-band summary statistics.',
  DIA_OBJECT_FIELDS,
);

/**
 * An astrophysical object built by associating DIA sources, with per-band summary statistics. As
 * decoded: every field present.
 */
export type DiaObject = RecordOf<typeof DIA_OBJECT_FIELDS>;

/**
 * An astrophysical object built by associating DIA sources, with per-band summary statistics. As
 * given to `buildAlert`: nullable fields may be left out.
 */
export type DiaObjectInput = RecordInput<typeof DIA_OBJECT_FIELDS>;
