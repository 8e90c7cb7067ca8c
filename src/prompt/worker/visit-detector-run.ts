import { realNowMs } from '../../core/clock.js';
import { bandOf } from '../../core/next-visit.js';
import type { Outcome } from '../../core/outcome.js';
import { subjects } from '../../core/subjects.js';
import { dayObsOf, taiSecondsToUtcMs } from '../../core/time.js';
import { candidatePipelines } from '../../pipeline/selection.js';
import { DATASET_TYPES } from '../../registry/dataset-types.js';
import type { DataId } from '../../registry/registry.js';
import { snapDeadlineMs } from '../reconcile/item-lifetime.js';
import { inputRule } from './input-rules.js';
import { preloadCalibrations } from './preload.js';
import { apdbAlreadyWritten, produceAlerts } from './stages/alert-production.js';
import { preloadApdbRegion } from './stages/apdb-preload.js';
import { computeOutputs } from './stages/compute.js';
import { exportOutputs } from './stages/export-outputs.js';
import { gatherSnaps } from './stages/gather-snaps.js';
import { RunRecord } from './stages/run-record.js';
import type { VisitDetectorCall, VisitDetectorDeps } from './stages/run-types.js';

export type { VisitDetectorCall, VisitDetectorDeps } from './stages/run-types.js';

/**
 * Processes one visit-detector from work item to recorded outcome, in named stages:
 * 1. done already? (a redelivered item whose outcome exists is answered with it)
 * 2. listen for its raws (before looking, so none is missed) and preload its inputs: the
 *    calibrations, and the APDB around the visit when a pipeline makes DIA sources
 *    (stages/apdb-preload)
 * 3–4. gather snaps: each once, checked and ingested into the local repo (stages/gather-snaps)
 * 5–6. compute: the first runnable candidate pipeline, on the pipeline runner (stages/compute)
 * 7. associate DIA sources, write them to the APDB once, publish alerts (stages/alert-production);
 *    asked before 5 too: a visit-detector that has written to the APDB is not run again
 * 8. export outputs and the run log to the central repo (stages/export-outputs)
 * 9. record exactly one outcome (stages/run-record)
 * Expected failures (corrupt raw, missing snaps, pipeline errors, no pipeline) end in an
 * outcome; only infrastructure failures throw, and the caller lets the item be redelivered.
 */
export async function processVisitDetector(
  deps: VisitDetectorDeps,
  call: VisitDetectorCall,
): Promise<Outcome> {
  const { visit, signal } = call;
  const run = new RunRecord(deps, call);
  const { instrument, detector, group } = run;
  run.emit('item.started', { deliveries: call.deliveries });

  const existing = await deps.outcomes.find(instrument, detector, group);
  if (existing) {
    run.emit('item.already_done', { kind: existing.kind });
    return existing;
  }
  const candidates = candidatePipelines(deps.pipelines, visit);
  if (candidates.length === 0) return run.finish('skipped');

  const startUtcMs = taiSecondsToUtcMs(visit.startTime);
  const dataId: DataId = {
    instrument,
    detector,
    group,
    day_obs: dayObsOf(startUtcMs),
    band: bandOf(visit.filters),
  };
  const deadlineMs = snapDeadlineMs(visit, deps.clock.now(), deps);
  const arrivals = await deps.bus.subscribe(subjects.rawArrived(instrument, detector, group), {
    signal,
  });
  try {
    const preload = preloadCalibrations({
      central: deps.central,
      local: deps.local,
      dataId,
      types: [...new Set(candidates.flatMap((p) => [...p.requires, ...(p.uses ?? [])]))],
      timeMs: startUtcMs,
      signal,
      runInput: (type, id) => {
        const rule = inputRule(type, id);
        return rule?.kind === 'run' ? rule : undefined;
      },
    }).then((result) => {
      run.marks.preloadDoneMs = realNowMs();
      run.emit('preload.done', { available: [...result.available], copied: result.copied });
      return result;
    });
    preload.catch(() => {}); // awaited below; this keeps an early rejection from going unhandled
    const makesDiaSources = candidates.some((p) => p.produces.includes(DATASET_TYPES.diaSrc.name));
    const apdbPreload = makesDiaSources ? preloadApdbRegion({ deps, call, run }) : undefined;
    apdbPreload?.catch(() => {}); // awaited below, as the calibrations

    const gathered = await gatherSnaps({ deps, call, run, arrivals, deadlineMs, preload });
    if ('outcome' in gathered) return gathered.outcome;
    run.marks.ingestDoneMs = realNowMs();
    const { available } = await preload;

    // A visit-detector whose DIA sources are in the APDB already is never processed again.
    if (makesDiaSources) {
      const refused = await apdbAlreadyWritten(deps, gathered.raws, detector, signal);
      if (refused) return await run.finish('failed', { error: refused });
    }
    const apdbRegion = await apdbPreload;

    const computed = await computeOutputs({
      deps,
      call,
      run,
      candidates,
      available,
      dataId,
      raws: gathered.raws,
      startUtcMs,
    });
    // no candidate has its inputs (no bias, no flat…): skipped, with what is missing
    if ('missing' in computed) return await run.finish('skipped', { error: computed.missing });
    const failure =
      computed.failure ??
      (await produceAlerts({
        deps,
        call,
        run,
        raws: gathered.raws,
        ...(apdbRegion ? { apdbRegion } : {}),
      }));
    await exportOutputs({ deps, run, dataId, computed, signal });
    return await run.finish(failure ? 'failed' : 'processed', {
      pipeline: computed.pipeline,
      ...(failure ? { error: failure } : {}),
    });
  } finally {
    await arrivals.close();
  }
}
