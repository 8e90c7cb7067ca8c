import type { ErrorCode } from './error-codes.js';

/** How a visit-detector ended. Every visit-detector ends in exactly one of these. */
export type OutcomeKind = 'processed' | 'failed' | 'skipped' | 'timed_out';

/**
 * Latency marks of one visit-detector: real wall-clock ms since the Unix epoch (they measure
 * promptly itself, whatever the summit clock's speed). A mark is absent when the step did not
 * happen.
 */
export interface LatencyMarks {
  /** The fan-out accepted the next_visit. */
  nextVisitReceivedMs?: number;
  /** A worker slot took the item. */
  startedMs?: number;
  /** Calibrations for the visit are in the handler-local repo. */
  preloadDoneMs?: number;
  /**
   * Each snap's end of readout at the camera, by snap index (from the raw's header, turned
   * into real time): where a detector's latency starts, so a late writer cannot hide in it.
   */
  readoutEndMs?: Record<number, number>;
  /** Each snap's arrival notice, by snap index. */
  snapArrivedMs?: Record<number, number>;
  /** The last expected snap was ingested into the handler-local repo. */
  ingestDoneMs?: number;
  /** The slot was ready to run the pipeline (the framework's own part ends here). */
  pipelineStartMs?: number;
  /** A CPU was free for it (see worker.pipelineConcurrency); the pipeline ran from here. */
  cpuGrantedMs?: number;
  pipelineEndMs?: number;
  /** The visit-detector's alerts were on the bus (Alert Production's deadline ends here). */
  alertsPublishedMs?: number;
  outcomeMs?: number;
}

/** The recorded end of one visit-detector. */
export interface Outcome {
  readonly instrument: string;
  readonly detector: number;
  readonly group: string;
  readonly kind: OutcomeKind;
  /** Pipeline that ran (or was chosen), if any. */
  readonly pipeline?: string;
  /** For failed / timed_out: the error code and message. */
  readonly code?: ErrorCode;
  readonly reason?: string;
  /** Snaps ingested, by index. */
  readonly snaps: readonly number[];
  /** Output datasets exported to the central repo (type names). */
  readonly outputs: readonly string[];
  /** Alerts published for its DIA sources (absent when the pipeline makes none). */
  readonly alerts?: number;
  /** Deliveries of the work item that it took. */
  readonly deliveries: number;
  readonly marks: LatencyMarks;
  /**
   * Real ms each task of the pipeline took, by its label (`isr`, `calibrate`, `subtract`…),
   * in the order they ran; absent when no pipeline ran.
   */
  readonly stageMs?: Readonly<Record<string, number>>;
  /**
   * Set on an outcome of catch-up processing: the night's outcome it follows (which stays
   * recorded as it was, in its own collection) and where that one is.
   */
  readonly reprocessOf?: {
    readonly kind: OutcomeKind;
    readonly code?: ErrorCode;
    readonly collection: string;
  };
}
