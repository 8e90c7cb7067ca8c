import type { Instrument } from '../core/instruments.js';
import { isoNoZone } from '../core/time.js';
import { DATASET_TYPES, collections } from '../registry/dataset-types.js';
import type { DataId, DatasetRef, Timespan } from '../registry/registry.js';
import type { Repo } from '../registry/repo.js';
import type { DetectorGeometry } from './amp-layout.js';
import type { DetectorModel } from './detector-model.js';
import { imageFits } from '../fits/index.js';

/** One master calibration file: its dataset type, data ID and FITS bytes. */
export interface CalibrationProduct {
  readonly datasetType: 'bias' | 'dark' | 'flat';
  readonly dataId: DataId;
  /** Relative file name, e.g. `bias/bias-4.fits`, `flat/r/flat-4.fits`. */
  readonly file: string;
  readonly bytes: Uint8Array;
}

/**
 * The master calibrations of one detector: bias (e⁻, the structure ISR subtracts after
 * overscan and gain), dark (e⁻/s) and a flat per band (mean 1). Each header records its
 * validity range (VALSTART/VALEND, UTC).
 */
export async function calibrationProducts(options: {
  readonly instrument: Instrument;
  readonly detector: number;
  readonly bands: readonly string[];
  readonly geometry: DetectorGeometry;
  readonly model: DetectorModel;
  readonly validity: Timespan;
}): Promise<CalibrationProduct[]> {
  const { instrument, detector, geometry: g, model, validity } = options;
  const base = [
    ['INSTRUME', instrument.name],
    ['DETECTOR', detector],
    ['VALSTART', isoNoZone(validity.beginMs), 'valid from (UTC)'],
    ['VALEND', isoNoZone(validity.endMs), 'valid until (UTC)'],
  ] as const;
  const id = { instrument: instrument.name, detector };
  const out: CalibrationProduct[] = [
    {
      datasetType: 'bias',
      dataId: id,
      file: `bias/bias-${detector}.fits`,
      bytes: await imageFits(model.masterBiasE, g.width, g.height, [
        ...base,
        ['OBSTYPE', 'BIAS'],
        ['BUNIT', 'electron'],
      ]),
    },
    {
      datasetType: 'dark',
      dataId: id,
      file: `dark/dark-${detector}.fits`,
      bytes: await imageFits(model.masterDark(), g.width, g.height, [
        ...base,
        ['OBSTYPE', 'DARK'],
        ['BUNIT', 'electron/s'],
      ]),
    },
  ];
  for (const band of options.bands) {
    out.push({
      datasetType: 'flat',
      dataId: { ...id, band },
      file: `flat/${band}/flat-${detector}.fits`,
      bytes: await imageFits(model.flat(band), g.width, g.height, [
        ...base,
        ['OBSTYPE', 'FLAT'],
        ['BAND', band],
      ]),
    });
  }
  return out;
}

/** Where calibrations go and what they are made from. */
export interface CalibrationTarget {
  readonly central: Repo;
  readonly instrument: Instrument;
  readonly detectors: readonly number[];
  readonly bands: readonly string[];
  /** A geometry, or one per detector (wavefront sensors are half-size). */
  readonly geometry: DetectorGeometry | ((detector: number) => DetectorGeometry);
  readonly model: (detector: number) => DetectorModel;
}

/**
 * Writes master bias and dark (per detector) and flat (per detector and band) into the
 * central repo and certifies them in the instrument's calibration collection for `validity`.
 * `geometry` may be a function of the detector (wavefront sensors are half-size).
 */
export async function writeCalibrations(
  options: CalibrationTarget & { readonly validity: Timespan; readonly signal?: AbortSignal },
): Promise<DatasetRef[]> {
  const { central, instrument } = options;
  const run = collections.calibRun(instrument.name);
  const refs: DatasetRef[] = [];
  for (const detector of options.detectors) {
    const geometry =
      typeof options.geometry === 'function' ? options.geometry(detector) : options.geometry;
    const products = await calibrationProducts({
      instrument,
      detector,
      bands: options.bands,
      geometry,
      model: options.model(detector),
      validity: options.validity,
    });
    for (const p of products) {
      refs.push(
        await central.put(DATASET_TYPES[p.datasetType].name, p.dataId, run, p.bytes, {
          ...(options.signal ? { signal: options.signal } : {}),
        }),
      );
    }
  }
  await central.registry.certify(collections.calib(instrument.name), refs, options.validity);
  return refs;
}

/** Validity given to simulated calibrations: from a day before `timeMs` for 30 days. */
export function calibrationValidity(timeMs: number): Timespan {
  const t = Math.floor(timeMs);
  return { beginMs: t - 86_400_000, endMs: t + 30 * 86_400_000 };
}

/**
 * Writes the calibrations unless every detector already has a bias, a dark and a flat per
 * band valid at `timeMs` (a second night in the same work dir reuses them). Returns how many
 * it wrote.
 */
export async function ensureCalibrations(
  options: CalibrationTarget & { readonly timeMs: number },
): Promise<number> {
  const { central, instrument, timeMs } = options;
  const calib = [collections.calib(instrument.name)];
  const missing: number[] = [];
  for (const detector of options.detectors) {
    const id = { instrument: instrument.name, detector };
    const found = await Promise.all([
      central.findCalibration(DATASET_TYPES.bias.name, id, calib, timeMs),
      central.findCalibration(DATASET_TYPES.dark.name, id, calib, timeMs),
      ...options.bands.map((band) =>
        central.findCalibration(DATASET_TYPES.flat.name, { ...id, band }, calib, timeMs),
      ),
    ]);
    if (found.some((r) => r === undefined)) missing.push(detector);
  }
  if (missing.length === 0) return 0;
  const refs = await writeCalibrations({
    ...options,
    detectors: missing,
    validity: calibrationValidity(timeMs),
  });
  return refs.length;
}
