import type { StepTiming } from './executor.js';
import type { CompiledPipeline } from './pipeline-set.js';
import type { TaskContext } from './task.js';

/**
 * Runs pipelines for visit-detectors with a bound on how many compute at once. The worker
 * hands it a pipeline and the run's TaskContext; `onStart` is told when a CPU is granted (a
 * latency mark), and the promise settles with the step timings or the pipeline's coded error.
 * If `context.signal` fires, it rejects with PROMPTLY_E_ABORTED.
 */
export interface PipelineRunner {
  /** Pipelines computing at once, at most. */
  readonly concurrency: number;
  run(
    pipeline: CompiledPipeline,
    context: TaskContext,
    onStart?: () => void,
  ): Promise<StepTiming[]>;
  /** Ends idle threads and refuses new runs; runs in progress are aborted. */
  close(): Promise<void>;
}
