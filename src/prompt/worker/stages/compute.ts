import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { realNowMs } from '../../../core/clock.js';
import { PromptlyError, toPromptlyError } from '../../../core/errors.js';
import type { CompiledPipeline } from '../../../pipeline/pipeline-set.js';
import { chooseRunnable } from '../../../pipeline/selection.js';
import { subjectToken } from '../../../core/subjects.js';
import type { DataId } from '../../../registry/registry.js';
import { createTaskContext } from '../task-context.js';
import type { IngestedRaws } from './gather-snaps.js';
import type { RunRecord } from './run-record.js';
import type { VisitDetectorCall, VisitDetectorDeps } from './run-types.js';

/** How the pipeline stage ended: which pipeline ran, its failure if any, and its log lines. */
export interface Computed {
  readonly pipeline: string;
  readonly failure: PromptlyError | undefined;
  readonly log: readonly string[];
}

/**
 * Stage 5–6: the first candidate pipeline whose inputs are all present runs on the
 * pipeline runner (a thread by default) with a task context over the local repo and a private
 * work directory (removed after). A pipeline failure is the run's result, not an exception;
 * an abort is thrown. No runnable candidate is PROMPTLY_E_PIPELINE_INPUT_MISSING.
 */
export async function computeOutputs(options: {
  readonly deps: VisitDetectorDeps;
  readonly call: VisitDetectorCall;
  readonly run: RunRecord;
  readonly candidates: readonly CompiledPipeline[];
  readonly available: ReadonlySet<string>;
  readonly dataId: DataId;
  readonly raws: IngestedRaws;
  /** The visit's start, UTC ms: calibrations are looked up valid then. */
  readonly startUtcMs: number;
}): Promise<Computed | { missing: PromptlyError }> {
  const { deps, call, run, candidates, available } = options;
  const pipeline = chooseRunnable(candidates, available);
  if (!pipeline) {
    const missing = [...new Set(candidates.flatMap((p) => p.requires))].filter(
      (t) => !available.has(t),
    );
    return {
      missing: new PromptlyError(
        'PROMPTLY_E_PIPELINE_INPUT_MISSING',
        `no candidate pipeline (${candidates.map((p) => p.name).join(', ')}) has its inputs; missing: ${missing.join(', ')}`,
      ),
    };
  }
  const workDirPath = path.join(deps.scratchRoot, subjectToken(run.group), String(run.detector));
  let workDirMade = false;
  const workDir = async (): Promise<string> => {
    if (!workDirMade) await mkdir(workDirPath, { recursive: true });
    workDirMade = true;
    return workDirPath;
  };
  const log: string[] = [];
  const context = createTaskContext({
    visit: call.visit,
    dataId: options.dataId,
    local: deps.local,
    central: deps.central,
    raws: options.raws,
    outputRun: run.outputRun,
    timeMs: options.startUtcMs,
    workDir,
    signal: call.signal,
    log: (line) => log.push(`${new Date().toISOString()} ${line}`),
    onOutput: (ref) => run.outputs.push(ref),
  });
  let failure: PromptlyError | undefined;
  try {
    // The framework's part ends here; waiting for a CPU is the pipeline's (cpuGrantedMs).
    run.marks.pipelineStartMs = realNowMs();
    const timings = await deps.pipelineRunner.run(pipeline, context, () => {
      run.marks.cpuGrantedMs = realNowMs();
      run.emit('pipeline.start', { pipeline: pipeline.name });
    });
    run.stageMs = {};
    for (const t of timings) {
      log.push(`step ${t.label}: ${t.durationMs.toFixed(1)} ms`);
      run.stageMs[t.label] = Math.round(t.durationMs * 10) / 10;
    }
  } catch (err) {
    failure = toPromptlyError(err, 'PROMPTLY_E_PIPELINE_TASK_FAILED');
    if (failure.code === 'PROMPTLY_E_ABORTED') throw failure;
    log.push(`FAILED ${failure.code}: ${failure.message}`);
  } finally {
    run.marks.pipelineEndMs = realNowMs();
    if (workDirMade) await rm(workDirPath, { recursive: true, force: true });
  }
  run.emit('pipeline.end', { pipeline: pipeline.name, ok: !failure });
  return { pipeline: pipeline.name, failure, log };
}
