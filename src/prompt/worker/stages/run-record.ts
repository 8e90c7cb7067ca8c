import { realNowMs } from '../../../core/clock.js';
import type { PromptlyError } from '../../../core/errors.js';
import type { LatencyMarks, Outcome } from '../../../core/outcome.js';
import { collections } from '../../../registry/dataset-types.js';
import type { DatasetRef } from '../../../registry/registry.js';
import type { VisitDetectorCall, VisitDetectorDeps } from './run-types.js';

/**
 * What one visit-detector run has done so far — latency marks, snaps ingested, outputs
 * written — and the one way it ends: {@link finish}, which records exactly one outcome.
 */
export class RunRecord {
  readonly instrument: string;
  readonly detector: number;
  readonly group: string;
  readonly marks: LatencyMarks;
  /** Snaps ingested, in arrival order. */
  readonly snaps: number[] = [];
  /** Outputs written to the handler-local repo. */
  readonly outputs: DatasetRef[] = [];
  /** Alerts published, once the alert stage has run. */
  alerts: number | undefined;
  /** Real ms each pipeline task took, by label, once the pipeline ran. */
  stageMs: Record<string, number> | undefined;
  /** The local runs this visit-detector's raws and outputs go to. */
  readonly rawRun: string;
  readonly outputRun: string;

  constructor(
    private readonly deps: VisitDetectorDeps,
    private readonly call: VisitDetectorCall,
  ) {
    const { visit } = call;
    this.instrument = visit.instrument;
    this.detector = visit.detector;
    this.group = visit.groupId;
    this.marks = { startedMs: realNowMs(), snapArrivedMs: {} };
    if (call.receivedMs !== undefined) this.marks.nextVisitReceivedMs = call.receivedMs;
    this.rawRun = collections.localRaw(this.instrument, this.group, this.detector);
    this.outputRun = collections.localOutput(this.instrument, this.group, this.detector);
  }

  /** A status event about this visit-detector. */
  emit(activity: string, detail?: Record<string, unknown>): void {
    const { instrument, group, detector } = this;
    this.deps.status.emit({ activity, instrument, group, detector, ...(detail ? { detail } : {}) });
  }

  /** Records the run's one outcome (and lets the janitor clean its local runs). */
  async finish(
    kind: Outcome['kind'],
    extra: { pipeline?: string; error?: PromptlyError } = {},
  ): Promise<Outcome> {
    if (kind !== 'skipped' || this.snaps.length > 0)
      await this.deps.janitor.finished([
        this.rawRun,
        this.outputRun,
        collections.localApdbPreload(this.instrument, this.group, this.detector),
      ]);
    this.marks.outcomeMs = realNowMs();
    return this.deps.outcomes.record({
      instrument: this.instrument,
      detector: this.detector,
      group: this.group,
      kind,
      ...(extra.pipeline ? { pipeline: extra.pipeline } : {}),
      ...(extra.error ? { code: extra.error.code, reason: extra.error.message } : {}),
      snaps: [...this.snaps].sort((a, b) => a - b),
      outputs: [...new Set(this.outputs.map((r) => r.datasetType))],
      ...(this.alerts !== undefined ? { alerts: this.alerts } : {}),
      ...(this.stageMs !== undefined ? { stageMs: this.stageMs } : {}),
      deliveries: this.call.deliveries,
      marks: this.marks,
    });
  }
}
