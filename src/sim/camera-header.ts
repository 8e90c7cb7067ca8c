import { getDetector, getInstrument } from '../core/instruments.js';
import {
  NOMINAL_READOUT_S,
  READOUT_END_KEYWORD,
  READOUT_TIME_KEYWORD,
} from '../core/raw-header-times.js';
import { dayObsOf, isoNoZone, mjdOf, TAI_MINUS_UTC_S } from '../core/time.js';
import type { Cards } from '../fits/index.js';
import type { DetectorGeometry } from './amp-layout.js';
import { sensorIdentityOf } from './camera-sensors.js';
import type { PlannedVisit } from './night-plan.js';

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

/** Version of the header layout written (the camera's HEADVER). */
const HEADER_VERSION = 2;

/** Observation id as Rubin writes it: `<code>_O_<dayobs>_<seqnum 6 digits>`. */
export function obsId(instrumentCode: string, dayObs: number, seqNum: number): string {
  return `${instrumentCode}_O_${dayObs}_${String(seqNum).padStart(6, '0')}`;
}

/** The observation id of the exposure with shutter open `openMs` (UTC) and `seqNum`. */
export function obsIdOf(instrument: string, openMs: number, seqNum: number): string {
  return obsId(getInstrument(instrument).code, dayObsOf(openMs), seqNum);
}

/** Dark time of a snap: exposure plus the readout/shutter overhead the CCD integrates, s. */
export function darkTimeOf(exposureTimeS: number): number {
  return exposureTimeS + 0.5;
}

/** A UTC ms instant as a FITS date in TAI (ISO-8601, ms, no zone: the header's TIMESYS). */
export function taiIso(utcMs: number): string {
  return isoNoZone(utcMs + TAI_MINUS_UTC_S * 1000);
}

/** A UTC ms instant as a Modified Julian Date in TAI. */
export function taiMjd(utcMs: number): number {
  return mjdOf(utcMs + TAI_MINUS_UTC_S * 1000);
}

/**
 * The cards the camera itself writes into a raw's primary header, with the keywords and
 * conventions of ComCam's and LSSTCam's raws (obs_lsst's `tests/headers`): the image's
 * identity (OBSID, CAMCODE, CONTRLLR, DAYOBS, SEQNUM, CURINDEX/MAXINDEX, IMGTYPE), the sensor's
 * (RAFTBAY, CCDSLOT, LSST_NUM, CCD_MANU, CCD_TYPE, DETSIZE) and its timing in TAI (TIMESYS):
 * shutter open (DATE-OBS = DATE-BEG, MJD-OBS = MJD-BEG), shutter close (DATE-END, MJD-END),
 * the readout trigger (DATE-TRG) and the file's writing (DATE, MJD). promptly's own keywords:
 * ORIGIN (`promptly-sim`), and READEND/READTIME (end of readout, read by
 * `src/core/raw-header-times.ts`: the latency budget starts there).
 */
export function cameraCards(meta: SnapMetadata, geometry?: DetectorGeometry): Cards {
  const instrument = getInstrument(meta.instrument);
  const detector = getDetector(instrument, meta.detector);
  const sensor = sensorIdentityOf(instrument.name, detector);
  const dayObs = dayObsOf(meta.startMs);
  const endMs = meta.startMs + meta.visit.exposureTimeS * 1000;
  const readoutS = meta.readoutS ?? NOMINAL_READOUT_S;
  const readEndMs = endMs + readoutS * 1000;
  const id = obsId(instrument.code, dayObs, meta.seqNum);
  const darkTimeS = darkTimeOf(meta.visit.exposureTimeS);
  const cards: [string, string | number | boolean, string?][] = [
    ['ORIGIN', 'promptly-sim', 'simulated by promptly (not a real camera)'],
    ['DATE', taiIso(readEndMs), 'file written (TAI)'],
    ['MJD', taiMjd(readEndMs), 'file written, MJD (TAI)'],
    ['IMGTYPE', 'OBJECT', 'image type'],
    ['DATE-OBS', taiIso(meta.startMs), 'shutter open (TAI)'],
    ['MJD-OBS', taiMjd(meta.startMs), 'shutter open, MJD (TAI)'],
    ['DATE-TRG', taiIso(endMs), 'readout trigger (TAI)'],
    ['MJD-TRG', taiMjd(endMs), 'readout trigger, MJD (TAI)'],
    ['OBSID', id, 'observation id'],
    ['DATE-BEG', taiIso(meta.startMs), 'start of integration (TAI)'],
    ['MJD-BEG', taiMjd(meta.startMs), 'start of integration, MJD (TAI)'],
    ['DATE-END', taiIso(endMs), 'end of integration (TAI)'],
    ['MJD-END', taiMjd(endMs), 'end of integration, MJD (TAI)'],
    ['BUNIT', 'adu', 'pixel unit'],
    ['INSTRUME', meta.instrument, 'instrument'],
    ['TIMESYS', 'TAI', 'time scale of the dates'],
    [READOUT_TIME_KEYWORD, readoutS, '[s] readout after shutter close (promptly)'],
    [READOUT_END_KEYWORD, taiIso(readEndMs), 'end of readout, TAI (promptly)'],
    ['CAMCODE', instrument.code, 'camera code'],
    ['CONTRLLR', 'O', 'controller: OCS'],
    ['DAYOBS', String(dayObs), 'observing day'],
    ['SEQNUM', meta.seqNum, 'sequence number'],
    ['CURINDEX', meta.snap + 1, 'snap index in the group, from 1'],
    ['MAXINDEX', meta.visit.snaps, 'snaps in the group'],
    ['CCD_MANU', sensor.manufacturer, 'CCD manufacturer'],
    ['CCD_TYPE', sensor.type, 'CCD model'],
    ['CCDSLOT', detector.sensor, 'CCD slot in the raft'],
    ['RAFTBAY', detector.raft, 'raft bay'],
    ['LSST_NUM', sensor.serial, 'LSST assigned CCD number'],
    ['EXPTIME', meta.visit.exposureTimeS, '[s] exposure time requested'],
    ['DARKTIME', darkTimeS, '[s] dark time'],
    ['SHUTTIME', meta.visit.exposureTimeS, '[s] shutter open time'],
    ['XPOSURE', meta.visit.exposureTimeS, '[s] effective exposure time'],
    ['TELAPSE', darkTimeS, '[s] shutter open to readout start'],
    ['HEADVER', HEADER_VERSION, 'header version'],
    ['FILENAME', `${id}_${detector.name}.fits`, 'file name the camera gave'],
  ];
  if (geometry) cards.push(['DETSIZE', geometry.detsize, 'assembled detector size']);
  return cards;
}
