import { CoordSys, Dome, RotSys, type NextVisit } from '../core/next-visit.js';
import { isoNoZone, utcMsToTaiSeconds } from '../core/time.js';
import { Prng } from './prng.js';

/** One planned visit of the night. */
export interface PlannedVisit {
  readonly index: number;
  readonly groupId: string;
  /** Start of the first exposure, summit-clock ms (UTC). */
  readonly startMs: number;
  readonly band: string;
  readonly physicalFilter: string;
  /** Boresight, ICRS degrees. */
  readonly ra: number;
  readonly dec: number;
  /** Sky rotation angle, degrees. */
  readonly rotationDeg: number;
  readonly snaps: number;
  readonly exposureTimeS: number;
  readonly survey: string;
  /** PSF FWHM of the visit, arcseconds (default 0.8 when a caller builds one by hand). */
  readonly seeingArcsec?: number;
}

/** One kind of visit: survey name, snaps, exposure time of a snap (s). */
export interface SurveySpec {
  readonly name: string;
  readonly snaps: number;
  readonly exposureTimeS: number;
}

export interface NightPlanOptions {
  readonly instrument: string;
  /** First exposure of the first visit, summit ms (UTC). */
  readonly firstStartMs: number;
  readonly visits: number;
  readonly cadenceS: number;
  readonly exposureTimeS: number;
  readonly snaps: number;
  readonly readoutS: number;
  readonly bands: readonly string[];
  readonly survey: string;
  readonly seed: number;
  /** Visit kinds taken in turn; default one kind from survey/snaps/exposureTimeS. */
  readonly surveys?: readonly SurveySpec[] | undefined;
  /** Median seeing FWHM, arcseconds; default 0.8. Each visit draws 0.8–1.3 × this. */
  readonly seeingArcsec?: number | undefined;
}

/** The physical filter name the camera reports for a band (ComCam/LSSTCam style). */
export function physicalFilterOf(instrument: string, band: string): string {
  return instrument === 'LATISS' ? `SDSS${band}_65mm~empty` : `${band}_0${band.charCodeAt(0) % 10}`;
}

/**
 * A deterministic plan: visits every `cadenceS`, bands in turn, pointings stepping across a
 * patch of southern sky. Visit `index` depends only on the options and `index`, so an
 * endless night (`visits` 0) is planned lazily with `plannedVisit`.
 */
export function plannedVisit(options: NightPlanOptions, index: number): PlannedVisit {
  const rng = new Prng(options.seed).fork(index);
  const startMs = options.firstStartMs + index * options.cadenceS * 1000;
  const band = options.bands[index % options.bands.length] ?? 'r';
  const kinds = options.surveys ?? [];
  const kind = kinds.length > 0 ? kinds[index % kinds.length] : undefined;
  const ra = (150 + index * 0.35 + rng.uniform(-0.05, 0.05) + 360) % 360;
  const dec = -30 + rng.uniform(-2, 2);
  const rotationDeg = rng.uniform(0, 360);
  const seeingArcsec = (options.seeingArcsec ?? 0.8) * rng.uniform(0.8, 1.3);
  return {
    index,
    groupId: isoNoZone(startMs),
    startMs,
    band,
    physicalFilter: physicalFilterOf(options.instrument, band),
    ra,
    dec,
    rotationDeg,
    snaps: kind?.snaps ?? options.snaps,
    exposureTimeS: kind?.exposureTimeS ?? options.exposureTimeS,
    survey: kind?.name ?? options.survey,
    seeingArcsec,
  };
}

/** Seconds the visit's script takes: exposures plus readouts. */
export function visitDurationS(visit: PlannedVisit, readoutS: number): number {
  return visit.snaps * (visit.exposureTimeS + readoutS);
}

/** The next_visit event the summit publishes for a planned visit. */
export function nextVisitOf(
  visit: PlannedVisit,
  options: { instrument: string; readoutS: number; salIndex?: number; sentMs: number },
): NextVisit {
  return {
    salIndex: options.salIndex ?? 1,
    scriptSalIndex: 100000 + visit.index,
    groupId: visit.groupId,
    coordinateSystem: CoordSys.ICRS,
    position: [visit.ra, visit.dec],
    startTime: utcMsToTaiSeconds(visit.startMs),
    rotationSystem: RotSys.SKY,
    cameraAngle: visit.rotationDeg,
    filters: visit.physicalFilter,
    dome: Dome.OPEN,
    duration: visitDurationS(visit, options.readoutS),
    nimages: visit.snaps,
    instrument: options.instrument,
    survey: visit.survey,
    totalCheckpoints: 0,
    private_sndStamp: utcMsToTaiSeconds(options.sentMs),
  };
}
