import type { Detector } from '../core/instruments.js';
import type { CcdVendor } from './amp-layout.js';

/** LSSTCam's science rafts with e2v sensors (obs_lsst `policy/lsstCam/Rxx.yaml`); the rest are ITL. */
const LSSTCAM_E2V_RAFTS: ReadonlySet<string> = new Set([
  'R11',
  'R12',
  'R13',
  'R14',
  'R21',
  'R22',
  'R23',
  'R24',
  'R30',
  'R31',
  'R32',
  'R33',
  'R34',
]);

/** ComCam's sensors by slot (obs_lsst `policy/comCam/R22.yaml`): all ITL. */
const COMCAM_SERIALS: Readonly<Record<string, string>> = {
  S00: 'ITL-3800C-229',
  S01: 'ITL-3800C-251',
  S02: 'ITL-3800C-215',
  S10: 'ITL-3800C-326',
  S11: 'ITL-3800C-283',
  S12: 'ITL-3800C-243',
  S20: 'ITL-3800C-319',
  S21: 'ITL-3800C-209',
  S22: 'ITL-3800C-206',
};

/** The vendor of a detector's CCD: e2v in 13 LSSTCam science rafts, ITL everywhere else. */
export function ccdVendorOf(instrument: string, detector: Detector): CcdVendor {
  return instrument === 'LSSTCam' && LSSTCAM_E2V_RAFTS.has(detector.raft) ? 'E2V' : 'ITL';
}

/** What the camera writes about a sensor: CCD_MANU, CCD_TYPE and LSST_NUM. */
export interface SensorIdentity {
  readonly manufacturer: CcdVendor;
  /** `3800C` (ITL) or `CCD250` (e2v). */
  readonly type: string;
  /**
   * Serial, `<vendor>-<type>-<n>`: ComCam's real serials; for LSSTCam and LATISS a simulated
   * number (600 + detector id, beyond the real ones), so obs_lsst's serial table never matches
   * a simulated sensor to a real one.
   */
  readonly serial: string;
}

/** The sensor identity of a detector. */
export function sensorIdentityOf(instrument: string, detector: Detector): SensorIdentity {
  const manufacturer = ccdVendorOf(instrument, detector);
  const type = manufacturer === 'ITL' ? '3800C' : 'CCD250';
  const serial =
    (instrument === 'LSSTComCam' ? COMCAM_SERIALS[detector.sensor] : undefined) ??
    `${manufacturer}-${type}-${600 + detector.id}`;
  return { manufacturer, type, serial };
}
