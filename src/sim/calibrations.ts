import type { Instrument } from '../core/instruments.js';
import { DATASET_TYPES, collections } from '../registry/dataset-types.js';
import type { DatasetRef, Timespan } from '../registry/registry.js';
import type { Repo } from '../registry/repo.js';
import type { DetectorGeometry } from './amp-layout.js';
import type { DetectorModel } from './detector-model.js';
import { imageFits } from './fits-out.js';

/**
 * Writes master bias (per detector) and flat (per detector and band) into the central repo
 * and certifies them in the instrument's calibration collection for `validity`.
 */
export async function writeCalibrations(options: {
  readonly central: Repo;
  readonly instrument: Instrument;
  readonly detectors: readonly number[];
  readonly bands: readonly string[];
  readonly geometry: DetectorGeometry;
  readonly model: (detector: number) => DetectorModel;
  readonly validity: Timespan;
  readonly signal?: AbortSignal;
}): Promise<DatasetRef[]> {
  const { central, instrument, geometry: g } = options;
  const run = collections.calibRun(instrument.name);
  const refs: DatasetRef[] = [];
  for (const detector of options.detectors) {
    const model = options.model(detector);
    const base = [
      ['INSTRUME', instrument.name],
      ['DETECTOR', detector],
    ] as const;
    const bias = await imageFits(model.masterBiasE, g.width, g.height, [
      ...base,
      ['OBSTYPE', 'BIAS'],
      ['BUNIT', 'electron'],
    ]);
    refs.push(
      await central.put(
        DATASET_TYPES.bias.name,
        { instrument: instrument.name, detector },
        run,
        bias,
        {
          ...(options.signal ? { signal: options.signal } : {}),
        },
      ),
    );
    for (const band of options.bands) {
      const flat = await imageFits(model.flat(band), g.width, g.height, [
        ...base,
        ['OBSTYPE', 'FLAT'],
        ['BAND', band],
      ]);
      refs.push(
        await central.put(
          DATASET_TYPES.flat.name,
          { instrument: instrument.name, detector, band },
          run,
          flat,
          {
            ...(options.signal ? { signal: options.signal } : {}),
          },
        ),
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
 * Writes the calibrations unless every detector already has a bias and a flat per band valid
 * at `timeMs` (a second night in the same work dir reuses them). Returns how many it wrote.
 */
export async function ensureCalibrations(options: {
  readonly central: Repo;
  readonly instrument: Instrument;
  readonly detectors: readonly number[];
  readonly bands: readonly string[];
  readonly geometry: DetectorGeometry;
  readonly model: (detector: number) => DetectorModel;
  readonly timeMs: number;
}): Promise<number> {
  const { central, instrument, timeMs } = options;
  const calib = [collections.calib(instrument.name)];
  const missing: number[] = [];
  for (const detector of options.detectors) {
    const id = { instrument: instrument.name, detector };
    const have =
      (await central.findCalibration(DATASET_TYPES.bias.name, id, calib, timeMs)) !== undefined &&
      (
        await Promise.all(
          options.bands.map((band) =>
            central.findCalibration(DATASET_TYPES.flat.name, { ...id, band }, calib, timeMs),
          ),
        )
      ).every((r) => r !== undefined);
    if (!have) missing.push(detector);
  }
  if (missing.length === 0) return 0;
  const refs = await writeCalibrations({
    ...options,
    detectors: missing,
    validity: calibrationValidity(timeMs),
  });
  return refs.length;
}
