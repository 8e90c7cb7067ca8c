import type { Instrument } from '../core/instruments.js';
import { isoNoZone } from '../core/time.js';
import { DATASET_TYPES, collections } from '../registry/dataset-types.js';
import type { DataId, DatasetRef, Timespan } from '../registry/registry.js';
import type { Repo } from '../registry/repo.js';
import type { DetectorGeometry } from './amp-layout.js';
import type { DetectorModel } from './detector-model.js';
import { imageFits, type Cards } from '../fits/index.js';
import { crosstalkFits, defectsFits, linearizerFits } from '../science/index.js';
import { linearityPolynomial } from './instrument-effects.js';
import {
  combinedMasters,
  type CombinedMasters,
  type MasterOptions,
} from './master-calibrations.js';

/** The calibration dataset types the simulator writes. */
export type CalibrationType = 'bias' | 'dark' | 'flat' | 'defects' | 'crosstalk' | 'linearizer';

/** One calibration file: its dataset type, data ID and FITS bytes. */
export interface CalibrationProduct {
  readonly datasetType: CalibrationType;
  readonly dataId: DataId;
  /** Relative file name, e.g. `bias/bias-4.fits`, `flat/r/flat-4.fits`. */
  readonly file: string;
  readonly bytes: Uint8Array;
}

/**
 * The calibrations of one detector: master bias (e⁻, the structure ISR subtracts after
 * overscan and gain), dark (e⁻/s) and a flat per band (mean 1); the `defects` list (boxes),
 * the `crosstalk` matrix and the `linearizer` (a polynomial per amp) of the detector model.
 * With `masters` the master images are combined from simulated exposures
 * (`master-calibrations.ts`), else they are the model's exact frames. Each header records its
 * validity range (VALSTART/VALEND, UTC). `want` (default all) picks which to make.
 */
export async function calibrationProducts(options: {
  readonly instrument: Instrument;
  readonly detector: number;
  readonly bands: readonly string[];
  readonly geometry: DetectorGeometry;
  readonly model: DetectorModel;
  readonly validity: Timespan;
  readonly masters?: MasterOptions | undefined;
  readonly want?: (type: CalibrationType, band?: string) => boolean;
}): Promise<CalibrationProduct[]> {
  const { instrument, detector, geometry: g, model, validity } = options;
  const want = options.want ?? (() => true);
  const base = [
    ['INSTRUME', instrument.name],
    ['DETECTOR', detector],
    ['VALSTART', isoNoZone(validity.beginMs), 'valid from (UTC)'],
    ['VALEND', isoNoZone(validity.endMs), 'valid until (UTC)'],
  ] as const;
  const id = { instrument: instrument.name, detector };
  let combined: CombinedMasters | undefined;
  const masters = (): CombinedMasters | undefined => {
    if (!options.masters || options.masters.exposures < 1) return undefined;
    combined ??= combinedMasters(model, g, detector, options.masters);
    return combined;
  };
  const nCombined: Cards = options.masters?.exposures
    ? [['NCOMBINE', options.masters.exposures, 'simulated exposures combined']]
    : [];
  const out: CalibrationProduct[] = [];
  if (want('bias')) {
    out.push({
      datasetType: 'bias',
      dataId: id,
      file: `bias/bias-${detector}.fits`,
      bytes: await imageFits(masters()?.biasE ?? model.masterBiasE, g.width, g.height, [
        ...base,
        ['OBSTYPE', 'BIAS'],
        ['BUNIT', 'electron'],
        ...nCombined,
      ]),
    });
  }
  if (want('dark')) {
    out.push({
      datasetType: 'dark',
      dataId: id,
      file: `dark/dark-${detector}.fits`,
      bytes: await imageFits(masters()?.darkEPerS ?? model.masterDark(), g.width, g.height, [
        ...base,
        ['OBSTYPE', 'DARK'],
        ['BUNIT', 'electron/s'],
        ...nCombined,
      ]),
    });
  }
  for (const band of options.bands) {
    if (!want('flat', band)) continue;
    out.push({
      datasetType: 'flat',
      dataId: { ...id, band },
      file: `flat/${band}/flat-${detector}.fits`,
      bytes: await imageFits(masters()?.flat(band) ?? model.flat(band), g.width, g.height, [
        ...base,
        ['OBSTYPE', 'FLAT'],
        ['BAND', band],
        ...nCombined,
      ]),
    });
  }
  if (want('defects')) {
    out.push({
      datasetType: 'defects',
      dataId: id,
      file: `defects/defects-${detector}.fits`,
      bytes: await defectsFits(model.defects(), base),
    });
  }
  if (want('crosstalk')) {
    out.push({
      datasetType: 'crosstalk',
      dataId: id,
      file: `crosstalk/crosstalk-${detector}.fits`,
      bytes: await crosstalkFits({ n: g.amps.length, coefficients: model.crosstalk }, base),
    });
  }
  if (want('linearizer')) {
    out.push({
      datasetType: 'linearizer',
      dataId: id,
      file: `linearizer/linearizer-${detector}.fits`,
      bytes: await linearizerFits(
        g.amps.map((amp, i) => ({
          amp: amp.name,
          coefficients: linearityPolynomial(
            model.nonlinearity[i] ?? 0,
            model.electronics[i]?.gain ?? 1,
          ),
        })),
        base,
      ),
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
  /** Combine masters from simulated exposures (absent or 0 exposures: the model's frames). */
  readonly masters?: MasterOptions | undefined;
}

/**
 * Writes master bias and dark (per detector) and flat (per detector and band) into the
 * central repo and certifies them in the instrument's calibration collection for `validity`.
 * `geometry` may be a function of the detector (wavefront sensors are half-size).
 */
export async function writeCalibrations(
  options: CalibrationTarget & {
    readonly validity: Timespan;
    readonly signal?: AbortSignal;
    /** Which products to write per detector (default all). */
    readonly want?: (detector: number, type: CalibrationType, band?: string) => boolean;
  },
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
      masters: options.masters,
      ...(options.want ? { want: (t, b) => options.want!(detector, t, b) } : {}),
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
 * Writes the calibrations a detector lacks at `timeMs` — bias, dark, a flat per band,
 * defects, crosstalk, linearizer — leaving those present alone (a second night in the same
 * work dir reuses them; an older repo gains only the new types). Returns how many it wrote.
 */
export async function ensureCalibrations(
  options: CalibrationTarget & { readonly timeMs: number },
): Promise<number> {
  const { central, instrument, timeMs } = options;
  const calib = [collections.calib(instrument.name)];
  const missing = new Map<number, Set<string>>();
  const key = (type: CalibrationType, band?: string) => (band ? `${type}/${band}` : type);
  for (const detector of options.detectors) {
    const id = { instrument: instrument.name, detector };
    const wanted: [CalibrationType, DataId, string | undefined][] = [
      ['bias', id, undefined],
      ['dark', id, undefined],
      ...options.bands.map(
        (band) => ['flat', { ...id, band }, band] as [CalibrationType, DataId, string],
      ),
      ['defects', id, undefined],
      ['crosstalk', id, undefined],
      ['linearizer', id, undefined],
    ];
    const found = await Promise.all(
      wanted.map(([type, dataId]) =>
        central.findCalibration(DATASET_TYPES[type].name, dataId, calib, timeMs),
      ),
    );
    const lacking = new Set<string>();
    found.forEach((ref, i) => {
      const [type, , band] = wanted[i]!;
      if (ref === undefined) lacking.add(key(type, band));
    });
    if (lacking.size > 0) missing.set(detector, lacking);
  }
  if (missing.size === 0) return 0;
  const refs = await writeCalibrations({
    ...options,
    detectors: [...missing.keys()],
    validity: calibrationValidity(timeMs),
    want: (detector, type, band) => missing.get(detector)?.has(key(type, band)) ?? false,
  });
  return refs.length;
}
