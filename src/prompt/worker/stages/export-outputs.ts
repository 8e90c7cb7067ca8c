import { DATASET_TYPES, collections } from '../../../registry/dataset-types.js';
import type { DataId } from '../../../registry/registry.js';
import type { Computed } from './compute.js';
import type { RunRecord } from './run-record.js';
import type { VisitDetectorDeps } from './run-types.js';

/**
 * Stage 7: copies the run's outputs from the handler-local repo into the central repo's
 * output run for the night, then the run log (the worker's, not a task's) straight there.
 */
export async function exportOutputs(options: {
  readonly deps: VisitDetectorDeps;
  readonly run: RunRecord;
  readonly dataId: DataId;
  readonly computed: Computed;
  readonly signal: AbortSignal;
}): Promise<void> {
  const { deps, run, signal } = options;
  const centralRun = (deps.outputRun ?? collections.centralOutput)(
    run.instrument,
    options.dataId.day_obs ?? 0,
  );
  await Promise.all(
    run.outputs.map(async (ref) => {
      const bytes = await deps.local.get(ref, { signal });
      await deps.central.put(ref.datasetType, ref.dataId, centralRun, bytes, { signal });
    }),
  );
  const { instrument, detector, group } = run;
  run.outputs.push(
    await deps.central.put(
      DATASET_TYPES.pipelineLog.name,
      { instrument, detector, group },
      centralRun,
      new TextEncoder().encode(options.computed.log.join('\n') + '\n'),
      { signal },
    ),
  );
}
