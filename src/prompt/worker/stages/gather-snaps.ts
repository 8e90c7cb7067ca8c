import type { BusMessage, Subscription } from '../../../bus/bus.js';
import { PromptlyError, isPromptlyError } from '../../../core/errors.js';
import type { Outcome } from '../../../core/outcome.js';
import type { DatasetRef } from '../../../registry/registry.js';
import { ingestRaw } from '../raw-ingest.js';
import type { RawSummary } from '../raw-inspect.js';
import { waitForSnaps } from '../snap-waiter.js';
import type { RunRecord } from './run-record.js';
import type { VisitDetectorCall, VisitDetectorDeps } from './run-types.js';

/** The raws of a visit-detector, in the local repo, in arrival order. */
/** The snaps ingested, each with what its header said. */
export type IngestedRaws = { snap: number; ref: DatasetRef; summary: RawSummary }[];

/**
 * Stage 3–4: takes each snap once — already in the store, or as its arrival notice comes —
 * until all `nimages` are in or the deadline passes, checking and copying each into the local
 * repo. Ends the run itself (a recorded outcome) on a corrupt raw (`failed`) or missing snaps
 * (`timed_out`); `preload` is awaited first then, so nothing is left running.
 */
export async function gatherSnaps(options: {
  readonly deps: VisitDetectorDeps;
  readonly call: VisitDetectorCall;
  readonly run: RunRecord;
  readonly arrivals: Subscription<BusMessage>;
  /** Summit ms after which no more snaps are waited for. */
  readonly deadlineMs: number;
  readonly preload: Promise<unknown>;
}): Promise<{ raws: IngestedRaws } | { outcome: Outcome }> {
  const { deps, call, run, preload } = options;
  const { visit, signal } = call;
  const raws: IngestedRaws = [];
  const waiter = waitForSnaps({
    store: deps.rawStore,
    arrivals: options.arrivals,
    instrument: run.instrument,
    detector: run.detector,
    group: run.group,
    expected: visit.nimages,
    deadlineMs: options.deadlineMs,
    clock: deps.clock,
    signal,
    onBadMessage: (err) => run.emit('arrival.malformed', { message: (err as Error).message }),
  });
  for await (const arrival of waiter) {
    (run.marks.snapArrivedMs ??= {})[arrival.snap] = arrival.arrivedMs;
    try {
      const { ref, summary } = await ingestRaw({
        arrival,
        store: deps.rawStore,
        local: deps.local,
        run: run.rawRun,
        signal,
      });
      if (summary.readoutEndMs !== undefined)
        (run.marks.readoutEndMs ??= {})[arrival.snap] = deps.clock.toRealMs(summary.readoutEndMs);
      raws.push({ snap: arrival.snap, ref, summary });
      run.snaps.push(arrival.snap);
      run.emit('snap.ingested', { snap: arrival.snap });
    } catch (err) {
      if (!isPromptlyError(err, 'PROMPTLY_E_RAW_CORRUPT')) throw err;
      run.emit('ingest.failed', { snap: arrival.snap, code: err.code, message: err.message });
      await preload.catch(() => undefined);
      return { outcome: await run.finish('failed', { error: err }) };
    }
  }
  const complete = visit.nimages > 0 ? raws.length >= visit.nimages : raws.length > 0;
  if (!complete) {
    await preload.catch(() => undefined);
    const want = visit.nimages > 0 ? `${visit.nimages}` : 'at least 1';
    return {
      outcome: await run.finish('timed_out', {
        error: new PromptlyError(
          'PROMPTLY_E_VISIT_TIMED_OUT',
          `${raws.length} of ${want} snaps arrived before the deadline`,
        ),
      }),
    };
  }
  return { raws };
}
