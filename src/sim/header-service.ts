import { getDetector, getInstrument } from '../core/instruments.js';
import {
  NOMINAL_READOUT_S,
  READOUT_END_KEYWORD,
  READOUT_TIME_KEYWORD,
} from '../core/raw-header-times.js';
import { dayObsOf, isoNoZone, mjdOf } from '../core/time.js';
import { toKeywords, type CelestialWcs } from '../wcs/index.js';
import type { Cards } from '../fits/index.js';
import type { PlannedVisit } from './night-plan.js';

/** Rubin Observatory, Cerro Pachón: geodetic latitude and east longitude, degrees; height, m. */
export const SITE = { latitudeDeg: -30.2446, longitudeDeg: -70.7494, heightM: 2663 } as const;

/** What the camera and the header service know of one snap. */
export interface SnapMetadata {
  readonly instrument: string;
  readonly detector: number;
  readonly visit: PlannedVisit;
  /** Snap index, from 0. */
  readonly snap: number;
  /** Shutter open, summit ms (UTC). */
  readonly startMs: number;
  /** Sequence number of the exposure in the night. */
  readonly seqNum: number;
  /** Readout after the shutter closes, s; default {@link NOMINAL_READOUT_S}. */
  readonly readoutS?: number;
}

/** Observation id as Rubin writes it: `<code>_O_<dayobs>_<seqnum 6 digits>`. */
export function obsId(instrumentCode: string, dayObs: number, seqNum: number): string {
  return `${instrumentCode}_O_${dayObs}_${String(seqNum).padStart(6, '0')}`;
}

/** Dark time of a snap: exposure plus the readout/shutter overhead the CCD integrates, s. */
export function darkTimeOf(exposureTimeS: number): number {
  return exposureTimeS + 0.5;
}

/** Altitude, azimuth (degrees, azimuth from north through east) and airmass at the site. */
export function horizontalOf(
  ra: number,
  dec: number,
  utcMs: number,
): { altDeg: number; azDeg: number; airmass: number; lstDeg: number } {
  const d2r = Math.PI / 180;
  const jd = utcMs / 86_400_000 + 2440587.5;
  const t = jd - 2451545.0;
  const gmst = (280.46061837 + 360.98564736629 * t) % 360;
  const lst = (((gmst + SITE.longitudeDeg) % 360) + 360) % 360;
  const ha = (lst - ra) * d2r;
  const lat = SITE.latitudeDeg * d2r;
  const de = dec * d2r;
  const sinAlt = Math.sin(lat) * Math.sin(de) + Math.cos(lat) * Math.cos(de) * Math.cos(ha);
  const alt = Math.asin(Math.max(-1, Math.min(1, sinAlt)));
  const az = Math.atan2(
    -Math.cos(de) * Math.sin(ha),
    Math.sin(de) * Math.cos(lat) - Math.cos(de) * Math.sin(lat) * Math.cos(ha),
  );
  return {
    altDeg: alt / d2r,
    azDeg: (((az / d2r) % 360) + 360) % 360,
    airmass: sinAlt > 0.05 ? 1 / sinAlt : 20,
    lstDeg: lst,
  };
}

/**
 * The cards the camera itself writes into a raw's primary header: identity of the image
 * (instrument, detector, sequence, snap) and its timing — shutter open (DATE-OBS), shutter
 * close (DATE-END, Rubin's end of integration), and the end of readout (READEND, with the
 * readout time READTIME in seconds), which `readoutEndMsOf` in `src/core/raw-header-times.ts`
 * reads back: the latency budget starts there.
 */
export function cameraCards(meta: SnapMetadata): Cards {
  const instrument = getInstrument(meta.instrument);
  const detector = getDetector(instrument, meta.detector);
  const dayObs = dayObsOf(meta.startMs);
  const endMs = meta.startMs + meta.visit.exposureTimeS * 1000;
  const readoutS = meta.readoutS ?? NOMINAL_READOUT_S;
  const readEndMs = endMs + readoutS * 1000;
  return [
    ['ORIGIN', 'promptly-sim', 'simulated summit'],
    ['INSTRUME', meta.instrument, 'instrument'],
    ['OBSID', obsId(instrument.code, dayObs, meta.seqNum), 'observation id'],
    ['CURINDEX', meta.snap + 1, 'snap index in the group, from 1'],
    ['MAXINDEX', meta.visit.snaps, 'snaps in the group'],
    ['DAYOBS', String(dayObs), 'observing night'],
    ['SEQNUM', meta.seqNum, 'sequence number'],
    ['IMGTYPE', 'OBJECT'],
    ['EXPTIME', meta.visit.exposureTimeS, 'exposure time, s'],
    ['DARKTIME', darkTimeOf(meta.visit.exposureTimeS), 'dark time, s'],
    ['DATE-OBS', new Date(meta.startMs).toISOString(), 'shutter open (UTC)'],
    ['DATE-END', new Date(endMs).toISOString(), 'shutter close (UTC)'],
    ['MJD-OBS', mjdOf(meta.startMs), 'shutter open, MJD (UTC)'],
    ['MJD-END', mjdOf(endMs)],
    [READOUT_TIME_KEYWORD, readoutS, 'readout after shutter close, s'],
    [READOUT_END_KEYWORD, new Date(readEndMs).toISOString(), 'end of readout (UTC)'],
    ['DETECTOR', detector.id, 'detector id'],
    ['DETNAME', detector.name],
    ['RAFTBAY', detector.raft],
    ['CCDSLOT', detector.sensor],
    ['DETSER', `SIM-${detector.name}`, 'detector serial'],
    ['CCD_MANU', detector.raft === 'RXX' ? 'ITL' : 'E2V', 'CCD manufacturer'],
    ['DATE', isoNoZone(readEndMs), 'file written (UTC)'],
  ];
}

/**
 * The cards the header service supplies from telescope and observatory telemetry: pointing,
 * filter, group, program, site and weather, the detector's WCS. Its values win over a card of
 * the same keyword written by the camera (it knows the commanded state).
 */
export function headerServiceCards(meta: SnapMetadata, wcs?: CelestialWcs): Cards {
  const v = meta.visit;
  const midMs = meta.startMs + v.exposureTimeS * 500;
  const hz = horizontalOf(v.ra, v.dec, midMs);
  const cards: [string, string | number | boolean, string?][] = [
    [
      'TELESCOP',
      meta.instrument === 'LATISS' ? 'Rubin Auxiliary Telescope' : 'Simonyi Survey Telescope',
    ],
    ['OBSERVAT', 'Rubin Observatory'],
    ['OBS-LAT', SITE.latitudeDeg, '[deg] site latitude'],
    ['OBS-LONG', SITE.longitudeDeg, '[deg] site east longitude'],
    ['OBS-ELEV', SITE.heightM, '[m] site elevation'],
    ['GROUPID', v.groupId, 'group of snaps of a visit'],
    ['PROGRAM', v.survey, 'survey / observing block'],
    ['FILTER', v.physicalFilter, 'physical filter'],
    ['BAND', v.band],
    ['RA', v.ra, '[deg] boresight RA (ICRS)'],
    ['DEC', v.dec, '[deg] boresight Dec (ICRS)'],
    ['RASTART', v.ra, '[deg] RA at shutter open'],
    ['DECSTART', v.dec, '[deg] Dec at shutter open'],
    ['ROTPA', v.rotationDeg, '[deg] sky rotation angle'],
    ['ROTCOORD', 'sky'],
    ['ELSTART', hz.altDeg, '[deg] elevation at mid-exposure'],
    ['AZSTART', hz.azDeg, '[deg] azimuth at mid-exposure'],
    ['AIRMASS', hz.airmass, 'airmass at mid-exposure'],
    ['HASTART', ((((hz.lstDeg - v.ra) % 360) + 540) % 360) - 180, '[deg] hour angle'],
    ['SEEING', v.seeingArcsec ?? 0.8, '[arcsec] DIMM seeing FWHM'],
    ['TEMPAMB', 10.5, '[C] ambient temperature'],
    ['PRESSURE', 743.2, '[hPa] barometric pressure'],
    ['HUMIDITY', 24.0, '[%] relative humidity'],
    ['WINDSPD', 3.2, '[m/s] wind speed'],
    ['DOMEAZ', hz.azDeg, '[deg] dome azimuth'],
    ['SHUTTIME', 1.0, '[s] shutter travel time'],
  ];
  if (wcs) for (const [k, val, c] of toKeywords(wcs)) cards.push([k, val, c]);
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
