import { field, recordSchema, type RecordInput, type RecordOf } from './field-spec.js';

/**
 * A DIA source: a detection on a difference image, measured there (and forced on the science and
 * template images). Field names, types and units follow Rubin lsst.v11_0.diaSource; positions are
 * ICRS degrees, fluxes nJy, times MJD TAI days.
 */
export const DIA_SOURCE_FIELDS = [
  field('diaSourceId', 'long'),
  field('visit', 'long'),
  field('detector', 'int'),
  field('diaObjectId', '?long'),
  field('ssObjectId', '?long'),
  field('parentDiaSourceId', '?long'),
  field('midpointMjdTai', 'double', 'd'),
  field('ra', 'double', 'deg'),
  field('raErr', '?float', 'deg'),
  field('dec', 'double', 'deg'),
  field('decErr', '?float', 'deg'),
  field('ra_dec_Cov', '?float', 'deg**2'),
  field('x', 'float', 'pixel'),
  field('xErr', '?float', 'pixel'),
  field('y', 'float', 'pixel'),
  field('yErr', '?float', 'pixel'),
  field('centroid_flag', '?boolean'),
  field('apFlux', '?float', 'nJy'),
  field('apFluxErr', '?float', 'nJy'),
  field('apFlux_flag', '?boolean'),
  field('apFlux_flag_apertureTruncated', '?boolean'),
  field('isNegative', '?boolean'),
  field('snr', '?float'),
  field('psfFlux', '?float', 'nJy'),
  field('psfFluxErr', '?float', 'nJy'),
  field('psfLnL', '?float'),
  field('psfChi2', '?float'),
  field('psfNdata', 'int'),
  field('psfFlux_flag', '?boolean'),
  field('psfFlux_flag_edge', '?boolean'),
  field('psfFlux_flag_noGoodPixels', '?boolean'),
  field('trailFlux', '?float', 'nJy'),
  field('trailFluxErr', '?float', 'nJy'),
  field('trailRa', '?double', 'deg'),
  field('trailRaErr', '?float', 'deg'),
  field('trailDec', '?double', 'deg'),
  field('trailDecErr', '?float', 'deg'),
  field('trailLength', '?float', 'arcsec'),
  field('trailLengthErr', '?float', 'nJy'),
  field('trailAngle', '?float', 'deg'),
  field('trailAngleErr', '?float', 'nJy'),
  field('trailChi2', '?float'),
  field('trailNdata', 'int'),
  field('trail_flag_edge', '?boolean'),
  field('dipoleMeanFlux', '?float', 'nJy'),
  field('dipoleMeanFluxErr', '?float', 'nJy'),
  field('dipoleFluxDiff', '?float', 'nJy'),
  field('dipoleFluxDiffErr', '?float', 'nJy'),
  field('dipoleLength', '?float', 'arcsec'),
  field('dipoleAngle', '?float', 'deg'),
  field('dipoleChi2', '?float'),
  field('dipoleNdata', 'int'),
  field('scienceFlux', '?float', 'nJy'),
  field('scienceFluxErr', '?float', 'nJy'),
  field('forced_PsfFlux_flag', '?boolean'),
  field('forced_PsfFlux_flag_edge', '?boolean'),
  field('forced_PsfFlux_flag_noGoodPixels', '?boolean'),
  field('templateFlux', '?float', 'nJy'),
  field('templateFluxErr', '?float', 'nJy'),
  field('ixx', '?float', 'nJy.arcsec**2'),
  field('iyy', '?float', 'nJy.arcsec**2'),
  field('ixy', '?float', 'nJy.arcsec**2'),
  field('ixxPSF', '?float', 'nJy.arcsec**2'),
  field('iyyPSF', '?float', 'nJy.arcsec**2'),
  field('ixyPSF', '?float', 'nJy.arcsec**2'),
  field('shape_flag', '?boolean'),
  field('shape_flag_no_pixels', '?boolean'),
  field('shape_flag_not_contained', '?boolean'),
  field('shape_flag_parent_source', '?boolean'),
  field('extendedness', '?float'),
  field('reliability', '?float'),
  field('band', '?string'),
  field('isDipole', '?boolean'),
  field('dipoleFitAttempted', '?boolean'),
  field('timeProcessedMjdTai', 'double'),
  field('timeWithdrawnMjdTai', '?double'),
  field('bboxSize', 'int', 'pixel'),
  field('pixelFlags', '?boolean'),
  field('pixelFlags_bad', '?boolean'),
  field('pixelFlags_cr', '?boolean'),
  field('pixelFlags_crCenter', '?boolean'),
  field('pixelFlags_edge', '?boolean'),
  field('pixelFlags_nodata', '?boolean'),
  field('pixelFlags_nodataCenter', '?boolean'),
  field('pixelFlags_interpolated', '?boolean'),
  field('pixelFlags_interpolatedCenter', '?boolean'),
  field('pixelFlags_offimage', '?boolean'),
  field('pixelFlags_saturated', '?boolean'),
  field('pixelFlags_saturatedCenter', '?boolean'),
  field('pixelFlags_suspect', '?boolean'),
  field('pixelFlags_suspectCenter', '?boolean'),
  field('pixelFlags_streak', '?boolean'),
  field('pixelFlags_streakCenter', '?boolean'),
  field('pixelFlags_injected', '?boolean'),
  field('pixelFlags_injectedCenter', '?boolean'),
  field('pixelFlags_injected_template', '?boolean'),
  field('pixelFlags_injected_templateCenter', '?boolean'),
  field('glint_trail', '?boolean'),
] as const;

/**
 * A source detected on a difference image (one per alert, plus the earlier ones of its object).
 * Avro record `lsst.v11_0.diaSource`.
 */
export const DIA_SOURCE_SCHEMA = recordSchema(
  'diaSource',
  'A source detected on a difference image (one per alert, plus the earlier ones of its object).',
  DIA_SOURCE_FIELDS,
);

/**
 * A source detected on a difference image (one per alert, plus the earlier ones of its object). As
 * decoded: every field present.
 */
export type DiaSource = RecordOf<typeof DIA_SOURCE_FIELDS>;

/**
 * A source detected on a difference image (one per alert, plus the earlier ones of its object). As
 * given to `buildAlert`: nullable fields may be left out.
 */
export type DiaSourceInput = RecordInput<typeof DIA_SOURCE_FIELDS>;
