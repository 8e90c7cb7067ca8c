import { getDetector, getInstrument } from '../core/instruments.js';
import { dayObsOf, isoNoZone, mjdOf } from '../core/time.js';
import { makeImageHdu, writeFits } from '../fits/index.js';
import type { DetectorGeometry } from './amp-layout.js';
import type { AmpElectronics } from './camera.js';
import { headerOf, primaryHdu } from './fits-out.js';
import type { PlannedVisit } from './night-plan.js';

/** What the header service knows of one snap. */
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
}

/** Observation id as Rubin writes it: `<code>_O_<dayobs>_<seqnum 6 digits>`. */
export function obsId(instrumentCode: string, dayObs: number, seqNum: number): string {
  return `${instrumentCode}_O_${dayObs}_${String(seqNum).padStart(6, '0')}`;
}

/**
 * A raw as the camera and header service write it: a primary header with the exposure's
 * metadata, then 16 int32 amplifier HDUs (EXTNAME SegmentNN) with DATASEC, BIASSEC, DETSEC,
 * GAIN and RDNOISE.
 */
export async function rawFits(
  meta: SnapMetadata,
  geometry: DetectorGeometry,
  electronics: readonly AmpElectronics[],
  amps: readonly Int32Array[],
): Promise<Uint8Array> {
  const instrument = getInstrument(meta.instrument);
  const detector = getDetector(instrument, meta.detector);
  const dayObs = dayObsOf(meta.startMs);
  const endMs = meta.startMs + meta.visit.exposureTimeS * 1000;
  const primary = primaryHdu([
    ['ORIGIN', 'promptly-sim', 'simulated summit'],
    [
      'TELESCOP',
      meta.instrument === 'LATISS' ? 'Rubin Auxiliary Telescope' : 'Simonyi Survey Telescope',
    ],
    ['INSTRUME', meta.instrument, 'instrument'],
    ['OBSID', obsId(instrument.code, dayObs, meta.seqNum), 'observation id'],
    ['GROUPID', meta.visit.groupId, 'group of snaps of a visit'],
    ['CURINDEX', meta.snap + 1, 'snap index in the group, from 1'],
    ['MAXINDEX', meta.visit.snaps, 'snaps in the group'],
    ['DAYOBS', String(dayObs), 'observing night'],
    ['SEQNUM', meta.seqNum, 'sequence number'],
    ['IMGTYPE', 'OBJECT'],
    ['EXPTIME', meta.visit.exposureTimeS, 'exposure time, s'],
    ['DARKTIME', meta.visit.exposureTimeS + 0.5, 'dark time, s'],
    ['FILTER', meta.visit.physicalFilter, 'physical filter'],
    ['BAND', meta.visit.band],
    ['RA', meta.visit.ra, 'boresight RA, deg (ICRS)'],
    ['DEC', meta.visit.dec, 'boresight Dec, deg (ICRS)'],
    ['ROTPA', meta.visit.rotationDeg, 'sky rotation angle, deg'],
    ['DATE-OBS', new Date(meta.startMs).toISOString(), 'shutter open (UTC)'],
    ['DATE-END', new Date(endMs).toISOString(), 'shutter close (UTC)'],
    ['MJD-OBS', mjdOf(meta.startMs), 'shutter open, MJD (UTC)'],
    ['MJD-END', mjdOf(endMs)],
    ['DETECTOR', detector.id, 'detector id'],
    ['DETNAME', detector.name],
    ['RAFTBAY', detector.raft],
    ['CCDSLOT', detector.sensor],
    ['DETSER', `SIM-${detector.name}`, 'detector serial'],
    ['PROGRAM', meta.visit.survey],
    ['DATE', isoNoZone(Date.now())],
  ]);
  const ampHdus = geometry.amps.map((amp, i) =>
    makeImageHdu(amps[i] as Int32Array, [amp.rawWidth, amp.rawHeight], {
      extname: amp.name,
      header: headerOf([
        ['DATASEC', amp.datasec, 'imaging area'],
        ['BIASSEC', amp.biassec, 'serial overscan'],
        ['DETSEC', amp.detsec, 'place in the detector'],
        ['GAIN', electronics[i]?.gain ?? 1, 'e-/ADU'],
        ['RDNOISE', electronics[i]?.readNoiseE ?? 0, 'read noise, e-'],
      ]),
    }),
  );
  return writeFits([primary, ...ampHdus]);
}
