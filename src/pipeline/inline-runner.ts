import { CpuGate } from './cpu-gate.js';
import { executePipeline } from './executor.js';
import type { PipelineRunner } from './pipeline-runner.js';

/**
 * Runs pipelines on the caller's event loop, at most `concurrency` at once: for tests and for
 * tasks that cannot cross to a thread. CPU-bound steps block the loop while they compute; the
 * worker uses {@link ThreadPoolRunner} by default.
 */
export function inlinePipelineRunner(concurrency: number): PipelineRunner {
  const gate = new CpuGate(concurrency);
  return {
    concurrency,
    run: (pipeline, context, onStart) =>
      gate.run(() => {
        onStart?.();
        return executePipeline(pipeline, context);
      }, context.signal),
    close: () => Promise.resolve(),
  };
}
