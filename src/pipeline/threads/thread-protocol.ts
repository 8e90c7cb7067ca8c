import type { ErrorCode } from '../../core/error-codes.js';
import type { FannedOutVisit } from '../../core/next-visit.js';
import type { DataId } from '../../registry/registry.js';
import type { StepTiming } from '../executor.js';

/** What a pipeline thread is started with (`workerData`). */
export interface PipelineThreadData {
  /** Module exporting `taskRegistry(): TaskRegistry` (the thread resolves task kinds with it). */
  readonly tasksModule: string;
}

/** A step as it crosses to a thread: its task by kind, its config already validated. */
export interface StepSpec {
  readonly label: string;
  readonly kind: string;
  readonly config: unknown;
}

/** Main → thread. */
export type ToThread =
  | {
      readonly type: 'run';
      readonly job: number;
      readonly pipeline: { readonly name: string; readonly steps: readonly StepSpec[] };
      readonly visit: FannedOutVisit;
      readonly dataId: DataId;
      /** Snap indices in snap order; bytes are asked for with `read-snap`. */
      readonly snaps: readonly number[];
    }
  | { readonly type: 'abort'; readonly job: number }
  | {
      readonly type: 'reply';
      readonly call: number;
      readonly ok: boolean;
      readonly value?: unknown;
      readonly error?: WireError;
    };

/** Thread → main: I/O the task asked for, a log line, the end of the job. */
export type FromThread =
  | { readonly type: 'call'; readonly job: number; readonly call: number; readonly op: HostCall }
  | { readonly type: 'log'; readonly job: number; readonly message: string }
  | { readonly type: 'done'; readonly job: number; readonly timings: StepTiming[] }
  | { readonly type: 'failed'; readonly job: number; readonly error: WireError };

/** A TaskContext operation the main thread performs (it owns the repo handles). */
export type HostCall =
  | { readonly kind: 'read-snap'; readonly index: number }
  | { readonly kind: 'read-input'; readonly datasetType: string; readonly dataId?: Partial<DataId> }
  | { readonly kind: 'write-output'; readonly datasetType: string; readonly bytes: Uint8Array }
  | { readonly kind: 'work-dir' };

/** An error as it crosses: its code survives, so callers still match on it. */
export interface WireError {
  readonly code: ErrorCode;
  readonly message: string;
}
