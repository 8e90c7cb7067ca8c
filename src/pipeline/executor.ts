import { PromptlyError, isPromptlyError, throwIfAborted } from '../core/errors.js';
import type { CompiledPipeline } from './pipeline-set.js';
import type { TaskContext } from './task.js';

/** Timing of one step, ms of real time. */
export interface StepTiming {
  readonly label: string;
  readonly durationMs: number;
}

/**
 * Runs the steps of a pipeline in order on one visit-detector. A step that throws ends the
 * run with PROMPTLY_E_PIPELINE_TASK_FAILED naming the step (a coded error from the task is
 * kept as the cause and its code is preserved when it is more specific).
 */
export async function executePipeline(
  pipeline: CompiledPipeline,
  context: TaskContext,
): Promise<StepTiming[]> {
  const timings: StepTiming[] = [];
  for (const step of pipeline.steps) {
    throwIfAborted(context.signal);
    const t0 = performance.now();
    try {
      await step.task.run(context, step.config);
    } catch (err) {
      if (isPromptlyError(err) && err.code !== 'PROMPTLY_E_INTERNAL') {
        throw new PromptlyError(err.code, `${pipeline.name}/${step.label}: ${err.message}`, {
          cause: err,
          details: err.details,
        });
      }
      const message = err instanceof Error ? err.message : String(err);
      throw new PromptlyError(
        'PROMPTLY_E_PIPELINE_TASK_FAILED',
        `${pipeline.name}/${step.label}: ${message}`,
        {
          cause: err,
        },
      );
    }
    timings.push({ label: step.label, durationMs: performance.now() - t0 });
  }
  return timings;
}
