import { DATASET_TYPES, collections } from '../../registry/dataset-types.js';
import type { DataId, DatasetRef } from '../../registry/registry.js';
import type { Repo } from '../../registry/repo.js';

/** Calibration types promptly knows how to look up, and the data ID each needs. */
const CALIBRATION_DATA_ID: Readonly<Record<string, (base: DataId) => DataId>> = {
  [DATASET_TYPES.bias.name]: ({ instrument, detector }) => ({ instrument, detector }),
  [DATASET_TYPES.dark.name]: ({ instrument, detector }) => ({ instrument, detector }),
  [DATASET_TYPES.flat.name]: ({ instrument, detector, band }) => ({ instrument, detector, band }),
  [DATASET_TYPES.defects.name]: ({ instrument, detector }) => ({ instrument, detector }),
  [DATASET_TYPES.crosstalk.name]: ({ instrument, detector }) => ({ instrument, detector }),
  [DATASET_TYPES.linearizer.name]: ({ instrument, detector }) => ({ instrument, detector }),
};

/**
 * The data ID of a calibration of `datasetType` for a visit-detector (`base`), or undefined
 * when promptly does not know that calibration type.
 */
export function calibrationDataId(datasetType: string, base: DataId): DataId | undefined {
  return CALIBRATION_DATA_ID[datasetType]?.(base);
}

/** What preload found: calibration types now in the local repo, with their refs. */
export interface PreloadResult {
  readonly available: ReadonlySet<string>;
  readonly refs: ReadonlyMap<string, DatasetRef>;
  /** How many datasets were copied (the rest were already local). */
  readonly copied: number;
}

/**
 * Copies into the handler-local repo the calibrations of `types` valid for the
 * visit-detector at `timeMs`, and the other `types` that `runInput` places (the sky map),
 * unless the same dataset is there already (a slot that keeps its detector reuses them from
 * visit to visit). Templates, asked for by patch, are copied on first use.
 */
export async function preloadCalibrations(options: {
  readonly central: Repo;
  readonly local: Repo;
  readonly dataId: DataId;
  readonly types: readonly string[];
  readonly timeMs: number;
  readonly signal: AbortSignal;
  /**
   * Where a non-calibration input of `type` lives, when its data ID follows from the
   * visit-detector's alone (the sky map); undefined for types preload leaves to first use.
   */
  readonly runInput?: (
    type: string,
    dataId: DataId,
  ) => { readonly dataId: DataId; readonly collection: string } | undefined;
}): Promise<PreloadResult> {
  const { central, local, dataId, timeMs, signal, runInput } = options;
  const calib = collections.calib(dataId.instrument);
  const refs = new Map<string, DatasetRef>();
  let copied = 0;
  await Promise.all(
    options.types.map(async (type) => {
      const id = calibrationDataId(type, dataId);
      if (!id) {
        // a non-calibration input found by data ID alone (the sky map), in its run
        const rule = runInput?.(type, dataId);
        if (!rule) return;
        const ref = await central.find(type, rule.dataId, [rule.collection]);
        if (!ref) return;
        const already = await local.find(type, rule.dataId, [rule.collection]);
        if (already?.id !== ref.id) {
          await local.transfer(central, [ref], { signal });
          copied++;
        }
        refs.set(type, already ?? ref);
        return;
      }
      const ref = await central.findCalibration(type, id, [calib], timeMs);
      if (!ref) return;
      const already = await local.findCalibration(type, id, [calib], timeMs);
      if (already?.id === ref.id) {
        refs.set(type, already);
        return;
      }
      await local.transfer(central, [ref], { signal, certifications: [calib] });
      copied++;
      refs.set(type, ref);
    }),
  );
  return { available: new Set(refs.keys()), refs, copied };
}
