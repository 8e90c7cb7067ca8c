import { CoordSys, Dome, RotSys, type NextVisit } from '../core/next-visit.js';
import { isoNoZone, utcMsToTaiSeconds } from '../core/time.js';
import { Prng } from './prng.js';
import { transparencyOfNight } from './sky/clouds.js';
import { SurveySchedule, type ScheduledVisit } from './sky/night-schedule.js';
import { deliveredSeeingArcsec, seeingOfNight } from './sky/seeing.js';
import { CERRO_PACHON, checkedSite, type Site } from './sky/site.js';
import { visitConditions, type VisitConditions } from './sky/visit-conditions.js';

export type { VisitConditions, MoonState } from './sky/visit-conditions.js';

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
  /** Night of the survey, from 0. */
  readonly night?: number;
  /** Survey field of the boresight (`sky/survey-fields.ts` id). */
  readonly fieldId?: number;
  /** 0: first visit of the field's pair that night; 1: its revisit in the same band. */
  readonly pair?: 0 | 1;
  /** Site, Sun, Moon, sky and weather of the visit at its true time. */
  readonly conditions?: VisitConditions;
  /**
   * Start of the first exposure at its true time at the site, ms UTC: `startMs` less the
   * replay offset of a live summit (equal to `startMs` offline). Alt/az, air mass and hour
   * angle are computed at true times; absent, `startMs` is taken as true.
   */
  readonly siteStartMs?: number;
}

/** One kind of visit: survey name, snaps, exposure time of a snap (s). */
export interface SurveySpec {
  readonly name: string;
  readonly snaps: number;
  readonly exposureTimeS: number;
}

/** Defaults of the survey plan. */
export const NIGHT_PLAN_DEFAULTS = {
  /**
   * A real night: dayObs 2026-11-13 at Cerro Pachón, evening twilight (−12°) 00:13 UTC, morning
   * 08:41 UTC; a 19 % waxing crescent Moon sets about 3 h into the night, dark after that.
   */
  nightDate: '2026-11-13',
  airmassLimit: 2,
  twilightDeg: -12,
  pairGapS: 1800,
  moonAvoidDeg: 30,
  seeingArcsec: 0.7,
} as const;

export interface NightPlanOptions {
  readonly instrument: string;
  /**
   * Summit ms (UTC) of the first exposure of the first visit: the plan's true site times are
   * shifted by one constant so visit 0 starts then (a live summit replays the night from
   * now). Absent: visits start at their true times at the site.
   */
  readonly firstStartMs?: number | undefined;
  /** Visits per night; 0 = every slot of the night (and, without `nights`, nights without end). */
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
  /** Median zenith seeing FWHM at 500 nm, arcseconds; default 0.7. */
  readonly seeingArcsec?: number | undefined;
  /** Observatory; default Cerro Pachón. */
  readonly site?: Site | undefined;
  /** Observing night (dayObs, YYYY-MM-DD) of the first night; default 2026-11-13. */
  readonly nightDate?: string | undefined;
  /** Nights observed; default 1 (unbounded when `visits` is 0). */
  readonly nights?: number | undefined;
  /** Highest air mass (sec z) of any exposure; default 2. */
  readonly airmassLimit?: number | undefined;
  /** Sun altitude at which the night opens and closes, degrees; default −12. */
  readonly twilightDeg?: number | undefined;
  /** Target time between the two visits of a field in a night, s; default 1800. */
  readonly pairGapS?: number | undefined;
}

/** ComCam's filters in use by band (obs_lsst `filters.py`: `<band>_<SN serial>`). */
const COMCAM_FILTERS: Readonly<Record<string, string>> = {
  u: 'u_02',
  g: 'g_01',
  r: 'r_03',
  i: 'i_06',
  z: 'z_03',
  y: 'y_04',
};
/** LSSTCam's filters by band (obs_lsst `LsstCamFiltersBaseline`: `<band>_<filter number>`). */
const LSSTCAM_FILTERS: Readonly<Record<string, string>> = {
  u: 'u_24',
  g: 'g_6',
  r: 'r_57',
  i: 'i_39',
  z: 'z_20',
  y: 'y_10',
};

/**
 * The physical filter name the camera reports for a band (FILTER; FILTBAND is the band):
 * ComCam's and LSSTCam's filter names as obs_lsst defines them, LATISS's `SDSS<band>_65mm`
 * with an empty grating wheel.
 */
export function physicalFilterOf(instrument: string, band: string): string {
  if (instrument === 'LATISS') return `SDSS${band}_65mm~empty`;
  const table = instrument === 'LSSTCam' ? LSSTCAM_FILTERS : COMCAM_FILTERS;
  return table[band] ?? band;
}

/** Schedules already computed, by the options that decide them (pure, so safe to share). */
const schedules = new Map<string, SurveySchedule>();
const MAX_SCHEDULES = 16;

function scheduleOf(o: NightPlanOptions): SurveySchedule {
  const d = NIGHT_PLAN_DEFAULTS;
  const opts = {
    instrument: o.instrument,
    site: checkedSite(o.site ?? CERRO_PACHON),
    firstNight: o.nightDate ?? d.nightDate,
    twilightDeg: o.twilightDeg ?? d.twilightDeg,
    airmassLimit: o.airmassLimit ?? d.airmassLimit,
    cadenceS: o.cadenceS,
    visitsPerNight: o.visits,
    bands: o.bands,
    seed: o.seed,
    pairGapS: o.pairGapS ?? d.pairGapS,
    moonAvoidDeg: d.moonAvoidDeg,
  };
  const key = JSON.stringify(opts);
  let s = schedules.get(key);
  if (!s) {
    s = new SurveySchedule(opts);
    if (schedules.size >= MAX_SCHEDULES) schedules.delete(schedules.keys().next().value!);
    schedules.set(key, s);
  }
  return s;
}

/** Visits in the plan: `visits` × `nights`, or undefined for a night without end. */
export function plannedVisitCount(options: NightPlanOptions): number | undefined {
  const nights = options.nights ?? (options.visits === 0 ? undefined : 1);
  if (nights === undefined) return undefined;
  const s = scheduleOf(options);
  let n = 0;
  for (let k = 0; k < nights; k++) n += s.night(k).visits.length;
  return n;
}

function scheduled(s: SurveySchedule, index: number): ScheduledVisit {
  let rest = index;
  for (let night = 0; ; night++) {
    const visits = s.night(night).visits;
    if (rest < visits.length) return visits[rest]!;
    rest -= visits.length;
    if (night > 10_000) throw new RangeError(`no visit ${index} in the plan`);
  }
}

/**
 * Visit `index` of a Rubin-like survey at a real site and date (`sky/night-schedule.ts`):
 * between twilights, every exposure within the air-mass limit, fields in pairs ~30 min apart
 * in one band, a few bands a night chosen by the Moon, fields revisited on later nights.
 * Each visit records its conditions at mid-visit (alt/az, air mass, Sun, Moon, sky
 * brightness); its seeing is the night's zenith seeing × X^0.6 × (λ/500 nm)^−0.2, and
 * clouds vary smoothly through the night. Deterministic: a function of the options and
 * `index` only, so an endless night (`visits` 0) is planned lazily.
 */
export function plannedVisit(options: NightPlanOptions, index: number): PlannedVisit {
  const schedule = scheduleOf(options);
  const sv = scheduled(schedule, index);
  const first = scheduled(schedule, 0);
  const offsetMs = options.firstStartMs === undefined ? 0 : options.firstStartMs - first.startMs;
  const rng = new Prng(options.seed).fork(index);
  const kinds = options.surveys ?? [];
  const kind = kinds.length > 0 ? kinds[index % kinds.length] : undefined;
  const snaps = kind?.snaps ?? options.snaps;
  const exposureTimeS = kind?.exposureTimeS ?? options.exposureTimeS;
  const midMs = sv.startMs + (snaps * (exposureTimeS + options.readoutS) * 1000) / 2;
  const zenithSeeing = seeingOfNight(
    options.seed,
    sv.night,
    options.seeingArcsec ?? NIGHT_PLAN_DEFAULTS.seeingArcsec,
  )(midMs, index);
  const conditions = visitConditions(
    sv.field.raDeg,
    sv.field.decDeg,
    sv.band,
    midMs,
    schedule.options.site,
    {
      zenithSeeingArcsec: zenithSeeing,
      transparency: transparencyOfNight(options.seed, sv.night)(midMs),
    },
  );
  const startMs = sv.startMs + offsetMs;
  return {
    index,
    groupId: isoNoZone(startMs),
    startMs,
    siteStartMs: sv.startMs,
    band: sv.band,
    physicalFilter: physicalFilterOf(options.instrument, sv.band),
    ra: sv.field.raDeg,
    dec: sv.field.decDeg,
    rotationDeg: rng.uniform(0, 360),
    snaps,
    exposureTimeS,
    survey: kind?.name ?? options.survey,
    seeingArcsec: deliveredSeeingArcsec(zenithSeeing, conditions.airmass, sv.band),
    night: sv.night,
    fieldId: sv.field.id,
    pair: sv.pair,
    conditions,
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
