import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { readReceipt, receiptNames, type DbbReceipt } from '../../archive/dbb/dbb-receipt.js';
import { AlertPublisher } from '../../alerts/alert-publisher.js';
import type { Apdb } from '../../apdb/apdb.js';
import type { Bus } from '../../bus/bus.js';
import type { Clock } from '../../core/clock.js';
import type { Config } from '../../core/config.js';
import { PromptlyError } from '../../core/errors.js';
import { parseFannedOutVisit } from '../../core/next-visit.js';
import type { Outcome } from '../../core/outcome.js';
import { formatRawKey } from '../../core/raw-key.js';
import type { VisitLedger } from '../../ledger/visit-ledger.js';
import { createStatusEmitter } from '../../observe/status-emitter.js';
import type { PipelineSet } from '../../pipeline/pipeline-set.js';
import { collections } from '../../registry/dataset-types.js';
import type { Repo } from '../../registry/repo.js';
import { createFsObjectStore } from '../../store/fs/fs-object-store.js';
import type { ObjectStore } from '../../store/object-store.js';
import { OutcomeRecorder } from '../outcomes/outcome-recorder.js';
import { createPipelineRunner } from '../prompt-service.js';
import { RunJanitor } from '../worker/run-janitor.js';
import { processVisitDetector } from '../worker/visit-detector-run.js';

/** Records outcomes of catch-up processing in their own collection, linked to the night's. */
class ReprocessRecorder extends OutcomeRecorder {
  readonly #first: NonNullable<Outcome['reprocessOf']>;

  constructor(
    deps: ConstructorParameters<typeof OutcomeRecorder>[0],
    first: NonNullable<Outcome['reprocessOf']>,
  ) {
    super({ ...deps, collection: collections.reprocessedOutcomes });
    this.#first = first;
  }

  override record(outcome: Outcome): Promise<Outcome> {
    return super.record({ ...outcome, reprocessOf: this.#first });
  }
}

export interface ReprocessDeps {
  readonly config: Config;
  readonly bus: Bus;
  readonly clock: Clock;
  readonly central: Repo;
  /** A handler-local repo of its own (scratch). */
  readonly local: Repo;
  readonly apdb: Apdb;
  readonly ledger: VisitLedger;
  /** The Data Backbone's long-term store: the raws come from there. */
  readonly dbbStore: ObjectStore;
  readonly pipelines: PipelineSet;
  /** Scratch directory (raws staged, pipeline scratch); removed after. */
  readonly scratchDir: string;
  readonly signal?: AbortSignal;
}

/**
 * Catch-up processing of one visit-detector the night did not process (failed, timed out,
 * or left without outcome): its visit from the ledger, its raws from the Data Backbone
 * (every snap must be archived: PROMPTLY_E_JOB_INVALID otherwise), then the same stages as
 * at night, its outputs exported to `<instr>/prompt/output-<dayObs>-reprocessed` (a failed
 * night attempt may have exported some). The new outcome is recorded in
 * `<instr>/prompt/outcomes-reprocessed` with
 * `reprocessOf` naming the night's outcome, which stays as it was. Running it again returns
 * the outcome already recorded.
 */
export async function reprocessVisitDetector(
  d: ReprocessDeps,
  target: { group: string; detector: number },
): Promise<Outcome> {
  const instrument = d.config.instrument;
  const accepted = await d.ledger.visit(instrument, target.group);
  if (!accepted)
    throw new PromptlyError(
      'PROMPTLY_E_JOB_INVALID',
      `no accepted visit ${target.group} of ${instrument}`,
    );
  if (!accepted.detectors.includes(target.detector))
    throw new PromptlyError(
      'PROMPTLY_E_JOB_INVALID',
      `visit ${target.group} did not expect detector ${target.detector}`,
    );
  const visit = parseFannedOutVisit({ ...(accepted.visit as object), detector: target.detector });
  const status = createStatusEmitter(d.bus, d.clock, 'reprocess');
  const night = new OutcomeRecorder({ central: d.central, bus: d.bus, status });
  const first = await night.find(instrument, target.detector, target.group);
  if (first?.kind === 'processed')
    throw new PromptlyError(
      'PROMPTLY_E_JOB_INVALID',
      `${target.group} detector ${target.detector} was processed at night; nothing to catch up`,
    );
  const outcomes = new ReprocessRecorder(
    { central: d.central, bus: d.bus, status },
    {
      kind: first?.kind ?? 'timed_out',
      ...(first?.code ? { code: first.code } : {}),
      collection: collections.outcomes(instrument),
    },
  );
  const done = await outcomes.find(instrument, target.detector, target.group);
  if (done) return done;

  // the archived snaps, staged where the stages look for raws
  const snaps: DbbReceipt[] = [];
  for (const name of await receiptNames(d.dbbStore, instrument)) {
    const r = await readReceipt(d.dbbStore, instrument, name);
    if (r && r.group === target.group && r.detector === target.detector) snaps.push(r);
  }
  const missing = Array.from({ length: visit.nimages }, (_, i) => i).filter(
    (i) => !snaps.some((s) => s.snap === i),
  );
  if (missing.length > 0)
    throw new PromptlyError(
      'PROMPTLY_E_JOB_INVALID',
      `snaps ${missing.join(', ')} of ${target.group} detector ${target.detector} are not in the Data Backbone`,
    );
  const scratch = await mkdtemp(path.join(d.scratchDir, 'reprocess-'));
  const rawStore = await createFsObjectStore({
    root: path.join(scratch, 'raw'),
    bucket: 'raw',
    durable: false,
  });
  try {
    for (const s of snaps)
      await rawStore.put(
        formatRawKey({ instrument, detector: s.detector, group: s.group, snap: s.snap }),
        await d.dbbStore.get(s.key),
      );
    const runner = createPipelineRunner(d.config.worker);
    try {
      return await processVisitDetector(
        {
          bus: d.bus,
          clock: d.clock,
          rawStore,
          central: d.central,
          local: d.local,
          apdb: d.apdb,
          alerts: new AlertPublisher({ bus: d.bus, instrument }),
          pipelines: d.pipelines,
          outcomes,
          status,
          janitor: new RunJanitor(d.local, d.config.worker.keepRuns),
          imageTimeoutMs: d.config.worker.imageTimeoutMs,
          ...(d.config.worker.apdbPreloadRadiusDeg !== undefined
            ? { apdbPreloadRadiusDeg: d.config.worker.apdbPreloadRadiusDeg }
            : {}),
          maxSnapWaitMs: d.config.worker.maxSnapWaitMs,
          pipelineRunner: runner,
          scratchRoot: path.join(scratch, 'work'),
          outputRun: collections.reprocessedOutput,
        },
        {
          visit,
          receivedMs: undefined,
          deliveries: 1,
          signal: d.signal ?? new AbortController().signal,
        },
      );
    } finally {
      await runner.close();
    }
  } finally {
    await rawStore.close();
    await rm(scratch, { recursive: true, force: true });
  }
}
