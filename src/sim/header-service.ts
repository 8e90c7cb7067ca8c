import type { Cards } from '../fits/index.js';
import { toKeywords, type CelestialWcs } from '../wcs/index.js';
import type { SnapMetadata } from './camera-header.js';
import type { PlannedVisit } from './night-plan.js';
import { Prng } from './prng.js';
import { airmassKastenYoung } from './sky/airmass.js';
import { icrsToHorizontal } from './sky/horizontal.js';
import { CERRO_PACHON, geocentricOf, type Site } from './sky/site.js';

export {
  cameraCards,
  darkTimeOf,
  obsId,
  taiIso,
  taiMjd,
  type SnapMetadata,
} from './camera-header.js';

/** WGS84 equatorial radius, m (for OBSGEO-X/Y/Z). */
const EARTH_RADIUS_M = 6_378_137;

/**
 * The true time at the site of a summit-clock instant of `visit`, ms UTC: a live summit
 * replays the planned night from "now", so its clock is the plan's true time plus a constant.
 */
export function siteTimeOf(visit: PlannedVisit, summitMs: number): number {
  return summitMs - visit.startMs + (visit.siteStartMs ?? visit.startMs);
}

/** Where the boresight stands at one instant: altitude, azimuth, hour angle, air mass. */
export interface MountState {
  /** Geometric altitude and azimuth (north through east, [0, 360)), degrees. */
  readonly elDeg: number;
  readonly azDeg: number;
  /** Hour angle, hours, west positive (as HASTART). */
  readonly haHours: number;
  /** Kasten–Young air mass; undefined below the horizon (a bias or engineering frame). */
  readonly airmass: number | undefined;
}

/** Below this altitude the air mass has no meaning; headers then carry no air-mass cards. */
const HORIZON_AIRMASS_LIMIT_DEG = 0;

/** The mount's state pointing at ICRS (ra, dec) degrees at true UTC `utcMs` at `site`. */
export function mountStateAt(ra: number, dec: number, utcMs: number, site: Site): MountState {
  const p = icrsToHorizontal(ra, dec, utcMs, site);
  return {
    elDeg: p.altDeg,
    azDeg: p.azDeg,
    haHours: p.haDeg / 15,
    airmass: p.altDeg > HORIZON_AIRMASS_LIMIT_DEG ? airmassKastenYoung(p.altDeg) : undefined,
  };
}

/** Telescope name as the header service writes it. */
function telescopeOf(instrument: string): string {
  return instrument === 'LATISS' ? 'Rubin Auxiliary Telescope' : 'Simonyi Survey Telescope';
}

/** Weather telemetry of a visit: the night's mean plus a small drift, deterministic. */
function weatherOf(visit: PlannedVisit): {
  airTempC: number;
  pressurePa: number;
  humidityPct: number;
  windSpeedMs: number;
  windDirDeg: number;
} {
  const night = new Prng(0x3ea7).fork(visit.night ?? 0);
  const v = new Prng(0x3ea8).fork(visit.night ?? 0, visit.index);
  return {
    airTempC: 11 + 3 * night.gaussian() + 0.3 * v.gaussian(),
    pressurePa: 74_150 + 150 * night.gaussian() + 10 * v.gaussian(),
    humidityPct: Math.min(95, Math.max(5, 30 + 12 * night.gaussian() + 2 * v.gaussian())),
    windSpeedMs: Math.max(0, 4 + 2.5 * night.gaussian() + 0.8 * v.gaussian()),
    windDirDeg: (((night.uniform(0, 360) + 15 * v.gaussian()) % 360) + 360) % 360,
  };
}

/**
 * The cards the header service supplies from telescope and observatory telemetry, with the
 * keywords of ComCam's and LSSTCam's raws: site (OBS-LONG/-LAT/-ELEV, OBSGEO-X/Y/Z), the group,
 * the commanded boresight (RA/DEC, RASTART…DECEND, ROTPA, TRACKSYS, RADESYS), the mount's state
 * at shutter open and close (ELSTART/ELEND, AZSTART/AZEND, HASTART/HAEND in hours,
 * AMSTART/AMEND) computed at the visit's true times at the site (`visit.siteStartMs`) with the
 * sky module (precession, nutation), the observation's purpose (OBJECT, PROGRAM, REASON,
 * OBSANNOT), filter (FILTBAND, FILTER), weather and the DIMM seeing, and the WCS the header
 * service derives from the boresight and camera geometry (`wcs`: the reported pointing, not
 * the truth). AIRMASS (mid-visit, from `visit.conditions`) is kept for tools that read it.
 * Its values win over a camera card of the same keyword.
 */
export function headerServiceCards(meta: SnapMetadata, wcs?: CelestialWcs): Cards {
  const v = meta.visit;
  const site = CERRO_PACHON;
  const endMs = meta.startMs + v.exposureTimeS * 1000;
  const start = mountStateAt(v.ra, v.dec, siteTimeOf(v, meta.startMs), site);
  const end = mountStateAt(v.ra, v.dec, siteTimeOf(v, endMs), site);
  const geo = geocentricOf(site);
  const lon = (site.longitudeDeg * Math.PI) / 180;
  const weather = weatherOf(v);
  const dimm =
    (v.conditions?.zenithSeeingArcsec ?? v.seeingArcsec ?? 0.7) *
    Math.exp(0.05 * new Prng(0xd1aa).fork(v.night ?? 0, v.index).gaussian());
  const cards: [string, string | number | boolean, string?][] = [
    ['GROUPID', v.groupId, 'group of snaps of a visit'],
    ['TELESCOP', telescopeOf(meta.instrument), 'telescope'],
    ['OBS-LONG', site.longitudeDeg, '[deg] site east longitude'],
    ['OBS-LAT', site.latitudeDeg, '[deg] site geodetic latitude'],
    ['OBS-ELEV', site.heightM, '[m] site elevation'],
    ['OBSGEO-X', EARTH_RADIUS_M * geo.rhoCosPhi * Math.cos(lon), '[m] site ITRS X'],
    ['OBSGEO-Y', EARTH_RADIUS_M * geo.rhoCosPhi * Math.sin(lon), '[m] site ITRS Y'],
    ['OBSGEO-Z', EARTH_RADIUS_M * geo.rhoSinPhi, '[m] site ITRS Z'],
    ['RA', v.ra, '[deg] commanded boresight RA (ICRS)'],
    ['DEC', v.dec, '[deg] commanded boresight Dec (ICRS)'],
    ['RASTART', v.ra, '[deg] boresight RA at shutter open'],
    ['DECSTART', v.dec, '[deg] boresight Dec at shutter open'],
    ['RAEND', v.ra, '[deg] boresight RA at shutter close'],
    ['DECEND', v.dec, '[deg] boresight Dec at shutter close'],
    ['ROTPA', v.rotationDeg, '[deg] sky rotation angle'],
    ['ROTCOORD', 'sky', 'rotation coordinate frame'],
    ['HASTART', start.haHours, '[h] hour angle at shutter open'],
    ['ELSTART', start.elDeg, '[deg] elevation at shutter open'],
    ['AZSTART', start.azDeg, '[deg] azimuth at shutter open'],
    ['HAEND', end.haHours, '[h] hour angle at shutter close'],
    ['ELEND', end.elDeg, '[deg] elevation at shutter close'],
    ['AZEND', end.azDeg, '[deg] azimuth at shutter close'],
    ['TRACKSYS', 'RADEC', 'tracking system'],
    ['RADESYS', 'ICRS', 'equatorial coordinate system'],
    ['FOCUSZ', 0, '[mm] camera hexapod focus offset'],
    ['OBJECT', v.fieldId === undefined ? 'UNKNOWN' : `field_${v.fieldId}`, 'target name'],
    ['VIGNETTE', 'NO', 'dome vignetting'],
    ['VIGN_MIN', 'NO', 'least dome vignetting during the exposure'],
    ['PROGRAM', v.survey, 'survey / observing block'],
    ['REASON', 'science', 'reason for the observation'],
    ['OBSANNOT', '', 'observer annotation'],
    ['FILTBAND', v.band, 'filter band'],
    ['FILTER', v.physicalFilter, 'physical filter'],
    ['AIRTEMP', weather.airTempC, '[C] outside air temperature'],
    ['PRESSURE', weather.pressurePa, '[Pa] barometric pressure'],
    ['HUMIDITY', weather.humidityPct, '[%] relative humidity'],
    ['WINDSPD', weather.windSpeedMs, '[m/s] wind speed'],
    ['WINDDIR', weather.windDirDeg, '[deg] wind direction'],
    ['SEEING', dimm, '[arcsec] DIMM seeing FWHM, zenith, 500 nm'],
  ];
  cards.push(...airmassCards(start.airmass, end.airmass, v.conditions?.airmass));
  if (wcs) {
    const present = new Set(cards.map((c) => c[0]));
    for (const [k, val, c] of toKeywords(wcs)) if (!present.has(k)) cards.push([k, val, c]);
  }
  return cards;
}

/**
 * AMSTART, AMEND and AIRMASS, for a pointing above the horizon. A frame taken below it (the
 * mount parked for a bias or an engineering test) gets none: a raw is written wherever the
 * telescope points.
 */
function airmassCards(
  start: number | undefined,
  end: number | undefined,
  planned: number | undefined,
): [string, number, string][] {
  const cards: [string, number, string][] = [];
  if (start !== undefined) cards.push(['AMSTART', start, 'air mass at shutter open']);
  if (end !== undefined) cards.push(['AMEND', end, 'air mass at shutter close']);
  const mid = planned ?? (start !== undefined && end !== undefined ? (start + end) / 2 : undefined);
  if (mid !== undefined) cards.push(['AIRMASS', mid, 'air mass, mid-visit']);
  return cards;
}

/**
 * The header-service step: merges its cards into the camera's primary header. A keyword the
 * service supplies replaces the camera's value in place; new ones are appended in order.
 */
export function mergeHeaderCards(camera: Cards, service: Cards): Cards {
  const fromService = new Map(service.map((c) => [c[0], c] as const));
  const merged = camera.map((c) => fromService.get(c[0]) ?? c);
  const present = new Set(camera.map((c) => c[0]));
  for (const c of service) if (!present.has(c[0])) merged.push(c);
  return merged;
}
