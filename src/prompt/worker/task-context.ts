import type { FannedOutVisit } from '../../core/next-visit.js';
import type { DataId, DatasetRef } from '../../registry/registry.js';
import type { Repo } from '../../registry/repo.js';
import type { TaskContext } from '../../pipeline/task.js';
import { inputRule } from './input-rules.js';
import { HandOffs } from '../../pipeline/hand-off.js';

/** The TaskContext of one visit-detector run, backed by the handler-local repo. */
export function createTaskContext(options: {
  readonly visit: FannedOutVisit;
  readonly dataId: DataId;
  readonly local: Repo;
  /** Where inputs not yet local are copied from (templates, the sky map). */
  readonly central?: Repo;
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
    async readInput(datasetType, asked) {
      const rule = inputRule(datasetType, dataId, asked);
      if (!rule) return undefined;
      const find = (repo: Repo) =>
        rule.kind === 'calibration'
          ? repo.findCalibration(datasetType, rule.dataId, [rule.collection], options.timeMs)
          : repo.registry.findDataset(datasetType, rule.dataId, [rule.collection]);
      const here = await find(local);
      if (here) return local.get(here, { signal });
      // Not preloaded (a template, a sky map): copy it in from the central repo, for reuse.
      const there = options.central ? await find(options.central) : undefined;
      if (!there || !options.central) return undefined;
      await local.transfer(options.central, [there], {
        signal,
        ...(rule.kind === 'calibration' ? { certifications: [rule.collection] } : {}),
      });
      return local.get(there, { signal });
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
