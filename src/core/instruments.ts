import { PromptlyError } from './errors.js';

/** What a detector is for. Only science detectors are fanned out by default. */
export type DetectorPurpose = 'science' | 'guide' | 'wavefront';

/** One CCD of a camera, named and numbered as Rubin's obs_lsst numbers them. */
export interface Detector {
  /** Integer id, unique within the instrument (Rubin's `detector` dimension). */
  readonly id: number;
  /** Full name, `<raft>_<sensor>`, e.g. `R22_S11`. */
  readonly name: string;
  /** Raft bay, e.g. `R22`. */
  readonly raft: string;
  /** Slot within the raft, e.g. `S11`, `SG0`, `SW1`. */
  readonly sensor: string;
  readonly purpose: DetectorPurpose;
}

/** A camera: its name and every detector it has, in id order. */
export interface Instrument {
  /** Rubin instrument name, e.g. `LSSTCam`. */
  readonly name: string;
  /** Short code used in observation ids (`AT`, `CC`, `MC`). */
  readonly code: string;
  readonly detectors: readonly Detector[];
  /**
   * Radius of a circle about the boresight that holds every detector of the full-size camera,
   * degrees: the region the worker reads from the APDB at next_visit.
   */
  readonly fieldRadiusDeg: number;
}

const SENSORS_3X3 = ['S00', 'S01', 'S02', 'S10', 'S11', 'S12', 'S20', 'S21', 'S22'] as const;
const CORNER_RAFTS = ['R00', 'R04', 'R40', 'R44'] as const;
const CORNER_SENSORS = [
  ['SG0', 'guide'],
  ['SG1', 'guide'],
  ['SW0', 'wavefront'],
  ['SW1', 'wavefront'],
] as const;

function detector(id: number, raft: string, sensor: string, purpose: DetectorPurpose): Detector {
  return Object.freeze({ id, name: `${raft}_${sensor}`, raft, sensor, purpose });
}

/** The 21 science rafts of LSSTCam in obs_lsst order: rows 0..4, columns 0..4, corners excluded. */
function lsstCamScienceRafts(): string[] {
  const rafts: string[] = [];
  for (let row = 0; row < 5; row++) {
    for (let col = 0; col < 5; col++) {
      const corner = (row === 0 || row === 4) && (col === 0 || col === 4);
      if (!corner) rafts.push(`R${row}${col}`);
    }
  }
  return rafts;
}

function buildLsstCam(): Instrument {
  const detectors: Detector[] = [];
  for (const raft of lsstCamScienceRafts()) {
    for (const sensor of SENSORS_3X3) {
      detectors.push(detector(detectors.length, raft, sensor, 'science'));
    }
  }
  for (const raft of CORNER_RAFTS) {
    for (const [sensor, purpose] of CORNER_SENSORS) {
      detectors.push(detector(detectors.length, raft, sensor, purpose));
    }
  }
  return Object.freeze({
    name: 'LSSTCam',
    code: 'MC',
    detectors: Object.freeze(detectors),
    fieldRadiusDeg: 2.1,
  });
}

function buildComCam(): Instrument {
  const detectors = SENSORS_3X3.map((sensor, i) => detector(i, 'R22', sensor, 'science'));
  return Object.freeze({
    name: 'LSSTComCam',
    code: 'CC',
    detectors: Object.freeze(detectors),
    fieldRadiusDeg: 0.5,
  });
}

function buildLatiss(): Instrument {
  return Object.freeze({
    name: 'LATISS',
    code: 'AT',
    detectors: Object.freeze([detector(0, 'RXX', 'S00', 'science')]),
    fieldRadiusDeg: 0.08,
  });
}

/** Every instrument promptly knows, by name. */
export const INSTRUMENTS: ReadonlyMap<string, Instrument> = new Map(
  [buildLatiss(), buildComCam(), buildLsstCam()].map((i) => [i.name, i]),
);

/** The instrument of that name, or PROMPTLY_E_INSTRUMENT_UNKNOWN. */
export function getInstrument(name: string): Instrument {
  const instrument = INSTRUMENTS.get(name);
  if (!instrument) {
    throw new PromptlyError(
      'PROMPTLY_E_INSTRUMENT_UNKNOWN',
      `unknown instrument "${name}"; known: ${[...INSTRUMENTS.keys()].join(', ')}`,
    );
  }
  return instrument;
}

/** The detector with that id or name, or PROMPTLY_E_DETECTOR_UNKNOWN. */
export function getDetector(instrument: Instrument, idOrName: number | string): Detector {
  const found =
    typeof idOrName === 'number'
      ? instrument.detectors[idOrName]
      : instrument.detectors.find((d) => d.name === idOrName);
  if (!found || (typeof idOrName === 'number' && found.id !== idOrName)) {
    throw new PromptlyError(
      'PROMPTLY_E_DETECTOR_UNKNOWN',
      `${instrument.name} has no detector ${JSON.stringify(idOrName)}`,
    );
  }
  return found;
}

/** Detectors that take part in prompt processing: science ones, unless told otherwise. */
export function activeDetectors(
  instrument: Instrument,
  purposes: readonly DetectorPurpose[] = ['science'],
): readonly Detector[] {
  return instrument.detectors.filter((d) => purposes.includes(d.purpose));
}
