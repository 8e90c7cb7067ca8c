import type { AlertPublisher } from '../../../alerts/alert-publisher.js';
import type { Apdb } from '../../../apdb/apdb.js';
import type { Bus } from '../../../bus/bus.js';
import type { Clock } from '../../../core/clock.js';
import type { FannedOutVisit } from '../../../core/next-visit.js';
import type { StatusEmitter } from '../../../observe/status-emitter.js';
import type { PipelineRunner } from '../../../pipeline/pipeline-runner.js';
import type { PipelineSet } from '../../../pipeline/pipeline-set.js';
import type { Repo } from '../../../registry/repo.js';
import type { ObjectStore } from '../../../store/object-store.js';
import type { OutcomeRecorder } from '../../outcomes/outcome-recorder.js';
import type { RunJanitor } from '../run-janitor.js';

/** What every visit-detector run of a worker process shares. */
export interface VisitDetectorDeps {
  readonly bus: Bus;
  readonly clock: Clock;
  readonly rawStore: ObjectStore;
  readonly central: Repo;
  readonly local: Repo;
  /** Where association reads DIA objects and writes a visit-detector's sources, once. */
  readonly apdb: Apdb;
  /** Puts the alerts of a visit-detector on `alerts.<instrument>`. */
  readonly alerts: AlertPublisher;
  readonly pipelines: PipelineSet;
  readonly outcomes: OutcomeRecorder;
  readonly status: StatusEmitter;
  readonly janitor: RunJanitor;
  /** Added to 2 × duration to make the deadline for snaps (summit ms). */
  readonly imageTimeoutMs: number;
  /** Longest wait for snaps after the visit's start, whatever its duration (summit ms). */
  readonly maxSnapWaitMs: number;
  /** Runs pipelines, a bounded number at once (threads by default): CPUs, not slots. */
  readonly pipelineRunner: PipelineRunner;
  /** Directory for per-run scratch directories. */
  readonly scratchRoot: string;
  /** APDB region read at next_visit, degrees about the boresight; default the instrument's field. */
  readonly apdbPreloadRadiusDeg?: number;
  /** Central run outputs are exported to; default the night's (`collections.centralOutput`). */
  readonly outputRun?: (instrument: string, dayObs: number) => string;
}

export interface VisitDetectorCall {
  readonly visit: FannedOutVisit;
  /** Summit ms the fan-out accepted the next_visit (from the work item). */
  readonly receivedMs: number | undefined;
  readonly deliveries: number;
  readonly signal: AbortSignal;
}
