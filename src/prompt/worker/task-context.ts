import type { FannedOutVisit } from '../../core/next-visit.js';
import { collections } from '../../registry/dataset-types.js';
import type { DataId, DatasetRef } from '../../registry/registry.js';
import type { Repo } from '../../registry/repo.js';
import type { TaskContext } from '../../pipeline/task.js';
import { calibrationDataId } from './preload.js';
import { HandOffs } from '../../pipeline/hand-off.js';

/** The TaskContext of one visit-detector run, backed by the handler-local repo. */
export function createTaskContext(options: {
  readonly visit: FannedOutVisit;
  readonly dataId: DataId;
  readonly local: Repo;
  readonly raws: readonly { snap: number; ref: DatasetRef }[];
  readonly outputRun: string;
  readonly timeMs: number;
  readonly workDir: () => Promise<string>;
  readonly signal: AbortSignal;
  readonly log: (message: string) => void;
  /** Told of every output written, so the worker can export them. */
  readonly onOutput: (ref: DatasetRef) => void;
}): TaskContext {
  const { local, dataId, signal } = options;
  const outputId: DataId = {
    instrument: dataId.instrument,
    detector: dataId.detector,
    group: dataId.group,
  };
  return {
    visit: options.visit,
    dataId,
    snaps: [...options.raws]
      .sort((a, b) => a.snap - b.snap)
      .map(({ snap, ref }) => ({ snap, read: () => local.get(ref, { signal }) })),
    async readInput(datasetType) {
      const id = calibrationDataId(datasetType, dataId);
      if (!id) return undefined;
      const ref = await local.findCalibration(
        datasetType,
        id,
        [collections.calib(dataId.instrument)],
        options.timeMs,
      );
      return ref ? local.get(ref, { signal }) : undefined;
    },
    async writeOutput(datasetType, bytes) {
      const ref = await local.put(datasetType, outputId, options.outputRun, bytes, { signal });
      options.onOutput(ref);
    },
    handOffs: new HandOffs(),
    workDir: options.workDir,
    signal,
    log: options.log,
  };
}
