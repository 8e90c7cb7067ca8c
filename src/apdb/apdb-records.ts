/**
 * The records of the APDB tables. Field names and meanings follow Rubin's APDB and alert
 * schema (lsst.v11_0 diaSource, diaObject, diaForcedSource; ssObject after Rubin's SSObject),
 * so a row maps onto an alert record field for field; the columns kept are those
 * association, preload and alert history use. Positions are ICRS degrees (ra [0, 360),
 * dec [−90, +90]); position errors degrees; fluxes nJy; times MJD TAI days; x/y pixels,
 * 0-based, of the detector. `null` = not measured.
 */

/** Photometric bands that have per-band summary columns on diaObject. */
export const BANDS = ['u', 'g', 'r', 'i', 'z', 'y'] as const;
export type Band = (typeof BANDS)[number];

export interface DiaSourceRecord {
  /** Unique id, from `packDiaId(visit, detector, index)`. */
  readonly diaSourceId: number;
  readonly visit: number;
  readonly detector: number;
  /** The object it is associated with; null for a solar-system source. */
  readonly diaObjectId: number | null;
  /** The known solar-system object it is associated with, if any. */
  readonly ssObjectId: number | null;
  readonly parentDiaSourceId: number | null;
  /** Mid-exposure time, MJD TAI. */
  readonly midpointMjdTai: number;
  readonly ra: number;
  readonly raErr: number | null;
  readonly dec: number;
  readonly decErr: number | null;
  /** Covariance of ra and dec, deg². */
  readonly ra_dec_Cov: number | null;
  readonly x: number;
  readonly xErr: number | null;
  readonly y: number;
  readonly yErr: number | null;
  readonly centroid_flag: boolean | null;
  readonly apFlux: number | null;
  readonly apFluxErr: number | null;
  readonly apFlux_flag: boolean | null;
  readonly isNegative: boolean | null;
  /** Signal to noise of the detection on the difference image. */
  readonly snr: number | null;
  readonly psfFlux: number | null;
  readonly psfFluxErr: number | null;
  readonly psfChi2: number | null;
  readonly psfNdata: number;
  readonly psfFlux_flag: boolean | null;
  readonly trailFlux: number | null;
  readonly trailFluxErr: number | null;
  /** Trail length, arcsec. */
  readonly trailLength: number | null;
  /** Angle of the trail from the detector's +x axis towards +y, degrees. */
  readonly trailAngle: number | null;
  readonly trailNdata: number;
  readonly dipoleMeanFlux: number | null;
  readonly dipoleFluxDiff: number | null;
  /** Dipole separation, arcsec. */
  readonly dipoleLength: number | null;
  /** Angle from the negative to the positive lobe, from the detector's +x axis, degrees. */
  readonly dipoleAngle: number | null;
  readonly dipoleChi2: number | null;
  readonly dipoleNdata: number;
  readonly isDipole: boolean | null;
  /** Forced PSF flux on the science image, nJy. */
  readonly scienceFlux: number | null;
  readonly scienceFluxErr: number | null;
  readonly templateFlux: number | null;
  readonly templateFluxErr: number | null;
  /** Second moments, nJy·arcsec². */
  readonly ixx: number | null;
  readonly iyy: number | null;
  readonly ixy: number | null;
  readonly extendedness: number | null;
  /** Real/bogus score, [0, 1]. */
  readonly reliability: number | null;
  /** Band of the visit (u, g, r, i, z, y, or another filter name). */
  readonly band: string | null;
  readonly timeProcessedMjdTai: number;
  readonly timeWithdrawnMjdTai: number | null;
  /** Side of the measurement box, pixels. */
  readonly bboxSize: number;
  readonly pixelFlags: boolean | null;
  readonly pixelFlags_bad: boolean | null;
  readonly pixelFlags_cr: boolean | null;
  readonly pixelFlags_edge: boolean | null;
  readonly pixelFlags_interpolated: boolean | null;
  readonly pixelFlags_saturated: boolean | null;
  readonly pixelFlags_suspect: boolean | null;
  readonly pixelFlags_offimage: boolean | null;
  readonly pixelFlags_nodata: boolean | null;
  readonly pixelFlags_streak: boolean | null;
}

type PerBand<Suffix extends string, T> = { readonly [B in Band as `${B}_${Suffix}`]: T };

/** Per-band summaries of an object's DIA sources (psf*) and forced sources (fp*). */
export type DiaObjectBandStats = PerBand<'psfFluxMean', number | null> &
  PerBand<'psfFluxMeanErr', number | null> &
  PerBand<'psfFluxSigma', number | null> &
  PerBand<'psfFluxNdata', number> &
  PerBand<'psfFluxMin', number | null> &
  PerBand<'psfFluxMax', number | null> &
  PerBand<'psfFluxErrMean', number | null> &
  PerBand<'fpFluxMean', number | null> &
  PerBand<'fpFluxMeanErr', number | null>;

/** Per-band summary columns, in table order. */
export const BAND_STAT_SUFFIXES = [
  'psfFluxMean',
  'psfFluxMeanErr',
  'psfFluxSigma',
  'psfFluxNdata',
  'psfFluxMin',
  'psfFluxMax',
  'psfFluxErrMean',
  'fpFluxMean',
  'fpFluxMeanErr',
] as const;

export interface DiaObjectCore {
  /** Unique id: the diaSourceId of the source that started it. */
  readonly diaObjectId: number;
  /** MJD TAI of the visit whose association produced this version of the row. */
  readonly validityStartMjdTai: number;
  /** Weighted mean position of its DIA sources. */
  readonly ra: number;
  readonly raErr: number | null;
  readonly dec: number;
  readonly decErr: number | null;
  readonly ra_dec_Cov: number | null;
  /** DIA sources ever associated with it. */
  readonly nDiaSources: number;
  readonly firstDiaSourceMjdTai: number | null;
  readonly lastDiaSourceMjdTai: number | null;
}

export type DiaObjectRecord = DiaObjectCore & DiaObjectBandStats;

export interface DiaForcedSourceRecord {
  /** Unique id, from `packDiaId(visit, detector, index)`. */
  readonly diaForcedSourceId: number;
  readonly diaObjectId: number;
  /** Position measured at (the object's), degrees. */
  readonly ra: number;
  readonly dec: number;
  readonly visit: number;
  readonly detector: number;
  /** Forced PSF flux on the difference image, nJy. */
  readonly psfFlux: number | null;
  readonly psfFluxErr: number | null;
  readonly midpointMjdTai: number;
  /** Forced PSF flux on the science image, nJy. */
  readonly scienceFlux: number | null;
  readonly scienceFluxErr: number | null;
  readonly band: string | null;
  readonly timeProcessedMjdTai: number;
  readonly timeWithdrawnMjdTai: number | null;
}

/** A known solar-system object (after Rubin's SSObject; the orbit lives elsewhere). */
export interface SsObjectRecord {
  readonly ssObjectId: number;
  /** MPC designation, e.g. "2024 AB1". */
  readonly designation: string | null;
  /** MJD TAI of the discovery submission, when LSST discovered it. */
  readonly discoverySubmissionDate: number | null;
  /** MJD TAI of the first LSST observation. */
  readonly firstObservationDate: number | null;
  /** Time spanned by the LSST observations, days. */
  readonly arc: number | null;
  /** LSST observations of it. */
  readonly numObs: number | null;
}

type NullableKeys<T> = { [K in keyof T]-?: null extends T[K] ? K : never }[keyof T];

/** A record as a caller gives it: nullable fields may be left out (stored as null). */
export type InputOf<T> = Omit<T, NullableKeys<T>> & { readonly [K in NullableKeys<T>]?: T[K] };

export type DiaSourceInput = InputOf<DiaSourceRecord>;
export type DiaObjectInput = InputOf<DiaObjectCore> & Partial<DiaObjectBandStats>;
export type DiaForcedSourceInput = InputOf<DiaForcedSourceRecord>;
export type SsObjectInput = InputOf<SsObjectRecord>;
