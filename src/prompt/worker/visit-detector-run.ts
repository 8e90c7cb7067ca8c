import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Bus } from '../../bus/bus.js';
import { realNowMs, type Clock } from '../../core/clock.js';
import { PromptlyError, isPromptlyError, toPromptlyError } from '../../core/errors.js';
import { bandOf, type FannedOutVisit } from '../../core/next-visit.js';
import type { LatencyMarks, Outcome } from '../../core/outcome.js';
import { subjectToken, subjects } from '../../core/subjects.js';
import { dayObsOf, taiSecondsToUtcMs } from '../../core/time.js';
import type { StatusEmitter } from '../../observe/status-emitter.js';
import type { PipelineSet } from '../../pipeline/pipeline-set.js';
import { candidatePipelines, chooseRunnable } from '../../pipeline/selection.js';
import { DATASET_TYPES, collections } from '../../registry/dataset-types.js';
import type { DataId, DatasetRef } from '../../registry/registry.js';
import type { Repo } from '../../registry/repo.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { OutcomeRecorder } from '../outcomes/outcome-recorder.js';
import { snapDeadlineMs } from '../reconcile/item-lifetime.js';
import type { PipelineRunner } from '../../pipeline/pipeline-runner.js';
import { preloadCalibrations } from './preload.js';
import { ingestRaw } from './raw-ingest.js';
import type { RunJanitor } from './run-janitor.js';
import { waitForSnaps } from './snap-waiter.js';
import { createTaskContext } from './task-context.js';

export interface VisitDetectorDeps {
  readonly bus: Bus;
  readonly clock: Clock;
  readonly rawStore: ObjectStore;
  readonly central: Repo;
  readonly local: Repo;
  readonly pipelines: PipelineSet;
  readonly outcomes: OutcomeRecorder;
  readonly status: StatusEmitter;
  readonly janitor: RunJanitor;
  /** Added to 2 × duration to make the deadline for snaps (summit ms). */
  readonly imageTimeoutMs: number;
  /** Longest wait for snaps after the visit's start, whatever its duration (summit ms). */
  readonly maxSnapWaitMs: number;
  /** Pipelines of this process running at once: bounded by its CPUs, not its slots. */
  /** Runs pipelines, a bounded number at once (threads by default). */
  readonly pipelineRunner: PipelineRunner;
  /** Directory for per-run scratch directories. */
  readonly scratchRoot: string;
}

export interface VisitDetectorCall {
  readonly visit: FannedOutVisit;
  /** Summit ms the fan-out accepted the next_visit (from the work item). */
  readonly receivedMs: number | undefined;
  readonly deliveries: number;
  readonly signal: AbortSignal;
}

/**
 * Processes one visit-detector from work item to recorded outcome: listen for its raws,
 * preload calibrations, ingest each snap, run the selected pipeline, export outputs to the
 * central repo, record exactly one outcome. Expected failures (corrupt raw, missing snaps,
 * pipeline errors, no pipeline) end in an outcome; only infrastructure failures throw, and
 * the caller lets the item be redelivered.
 */
export async function processVisitDetector(
  deps: VisitDetectorDeps,
  call: VisitDetectorCall,
): Promise<Outcome> {
  const { visit, signal } = call;
  const { clock, status } = deps;
  const instrument = visit.instrument;
  const detector = visit.detector;
  const group = visit.groupId;
  const marks: LatencyMarks = { startedMs: realNowMs(), snapArrivedMs: {} };
  if (call.receivedMs !== undefined) marks.nextVisitReceivedMs = call.receivedMs;
  const emit = (activity: string, detail?: Record<string, unknown>): void =>
    status.emit({ activity, instrument, group, detector, ...(detail ? { detail } : {}) });
  emit('item.started', { deliveries: call.deliveries });

  const existing = await deps.outcomes.find(instrument, detector, group);
  if (existing) {
    emit('item.already_done', { kind: existing.kind });
    return existing;
  }

  const rawRun = collections.localRaw(instrument, group, detector);
  const outputRun = collections.localOutput(instrument, group, detector);
  const snaps: number[] = [];
  const outputs: DatasetRef[] = [];
  const finish = async (
    kind: Outcome['kind'],
    extra: { pipeline?: string; error?: PromptlyError } = {},
  ): Promise<Outcome> => {
    if (kind !== 'skipped') await deps.janitor.finished([rawRun, outputRun]);
    marks.outcomeMs = realNowMs();
    const outcome: Outcome = {
      instrument,
      detector,
      group,
      kind,
      ...(extra.pipeline ? { pipeline: extra.pipeline } : {}),
      ...(extra.error ? { code: extra.error.code, reason: extra.error.message } : {}),
      snaps: [...snaps].sort((a, b) => a - b),
      outputs: [...new Set(outputs.map((r) => r.datasetType))],
      deliveries: call.deliveries,
      marks,
    };
    return deps.outcomes.record(outcome);
  };

  const candidates = candidatePipelines(deps.pipelines, visit);
  if (candidates.length === 0) return finish('skipped');

  const startUtcMs = taiSecondsToUtcMs(visit.startTime);
  const dataId: DataId = {
    instrument,
    detector,
    group,
    day_obs: dayObsOf(startUtcMs),
    band: bandOf(visit.filters),
  };
  const deadlineMs = snapDeadlineMs(visit, clock.now(), deps);

  const arrivals = await deps.bus.subscribe(subjects.rawArrived(instrument, detector, group), {
    signal,
  });
  try {
    const preload = preloadCalibrations({
      central: deps.central,
      local: deps.local,
      dataId,
      types: [...new Set(candidates.flatMap((p) => p.requires))],
      timeMs: startUtcMs,
      signal,
    }).then((result) => {
      marks.preloadDoneMs = realNowMs();
      emit('preload.done', { available: [...result.available], copied: result.copied });
      return result;
    });
    preload.catch(() => {}); // awaited below; this keeps an early rejection from going unhandled

    const raws: { snap: number; ref: DatasetRef }[] = [];
    const waiter = waitForSnaps({
      store: deps.rawStore,
      arrivals,
      instrument,
      detector,
      group,
      expected: visit.nimages,
      deadlineMs,
      clock,
      signal,
      onBadMessage: (err) => emit('arrival.malformed', { message: (err as Error).message }),
    });
    for await (const arrival of waiter) {
      (marks.snapArrivedMs ??= {})[arrival.snap] = arrival.arrivedMs;
      try {
        const { ref, summary } = await ingestRaw({
          arrival,
          store: deps.rawStore,
          local: deps.local,
          run: rawRun,
          signal,
        });
        if (summary.readoutEndMs !== undefined)
          (marks.readoutEndMs ??= {})[arrival.snap] = clock.toRealMs(summary.readoutEndMs);
        raws.push({ snap: arrival.snap, ref });
        snaps.push(arrival.snap);
        emit('snap.ingested', { snap: arrival.snap });
      } catch (err) {
        if (!isPromptlyError(err, 'PROMPTLY_E_RAW_CORRUPT')) throw err;
        emit('ingest.failed', { snap: arrival.snap, code: err.code, message: err.message });
        await preload.catch(() => undefined);
        return await finish('failed', { error: err });
      }
    }
    const complete = visit.nimages > 0 ? snaps.length >= visit.nimages : snaps.length > 0;
    if (!complete) {
      await preload.catch(() => undefined);
      const want = visit.nimages > 0 ? `${visit.nimages}` : 'at least 1';
      return await finish('timed_out', {
        error: new PromptlyError(
          'PROMPTLY_E_VISIT_TIMED_OUT',
          `${snaps.length} of ${want} snaps arrived before the deadline`,
        ),
      });
    }
    marks.ingestDoneMs = realNowMs();
    const { available } = await preload;

    const pipeline = chooseRunnable(candidates, available);
    if (!pipeline) {
      const missing = [...new Set(candidates.flatMap((p) => p.requires))].filter(
        (t) => !available.has(t),
      );
      return await finish('failed', {
        error: new PromptlyError(
          'PROMPTLY_E_PIPELINE_INPUT_MISSING',
          `no candidate pipeline (${candidates.map((p) => p.name).join(', ')}) has its inputs; missing: ${missing.join(', ')}`,
        ),
      });
    }

    const workDirPath = path.join(deps.scratchRoot, subjectToken(group), String(detector));
    let workDirMade = false;
    const workDir = async (): Promise<string> => {
      if (!workDirMade) await mkdir(workDirPath, { recursive: true });
      workDirMade = true;
      return workDirPath;
    };
    const log: string[] = [];
    const context = createTaskContext({
      visit,
      dataId,
      local: deps.local,
      raws,
      outputRun,
      timeMs: startUtcMs,
      workDir,
      signal,
      log: (line) => log.push(`${new Date().toISOString()} ${line}`),
      onOutput: (ref) => outputs.push(ref),
    });
    let failure: PromptlyError | undefined;
    try {
      // The framework's part ends here; waiting for a CPU is the pipeline's (cpuGrantedMs).
      marks.pipelineStartMs = realNowMs();
      const timings = await deps.pipelineRunner.run(pipeline, context, () => {
        marks.cpuGrantedMs = realNowMs();
        emit('pipeline.start', { pipeline: pipeline.name });
      });
      for (const t of timings) log.push(`step ${t.label}: ${t.durationMs.toFixed(1)} ms`);
    } catch (err) {
      failure = toPromptlyError(err, 'PROMPTLY_E_PIPELINE_TASK_FAILED');
      if (failure.code === 'PROMPTLY_E_ABORTED') throw failure;
      log.push(`FAILED ${failure.code}: ${failure.message}`);
    } finally {
      marks.pipelineEndMs = realNowMs();
      if (workDirMade) await rm(workDirPath, { recursive: true, force: true });
    }
    emit('pipeline.end', { pipeline: pipeline.name, ok: !failure });
    const centralRun = collections.centralOutput(instrument, dataId.day_obs ?? 0);
    await exportOutputs(deps, outputs, centralRun, signal);
    // The run log is the worker's, not a task's: it goes straight to the central repo.
    outputs.push(
      await deps.central.put(
        DATASET_TYPES.pipelineLog.name,
        { instrument, detector, group },
        centralRun,
        new TextEncoder().encode(log.join('\n') + '\n'),
        { signal },
      ),
    );
    return await finish(failure ? 'failed' : 'processed', {
      pipeline: pipeline.name,
      ...(failure ? { error: failure } : {}),
    });
  } finally {
    await arrivals.close();
  }
}

/** Copies outputs from the handler-local repo into the central repo's output run. */
async function exportOutputs(
  deps: VisitDetectorDeps,
  refs: readonly DatasetRef[],
  run: string,
  signal: AbortSignal,
): Promise<void> {
  await Promise.all(
    refs.map(async (ref) => {
      const bytes = await deps.local.get(ref, { signal });
      await deps.central.put(ref.datasetType, ref.dataId, run, bytes, { signal });
    }),
  );
}
