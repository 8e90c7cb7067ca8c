import type { z } from 'zod';
import type { FannedOutVisit } from '../core/next-visit.js';
import type { DataId } from '../registry/registry.js';
import type { HandOffs } from './hand-off.js';

/** A raw snap as a task sees it. */
export interface SnapInput {
  /** Snap index within the visit, from 0. */
  readonly snap: number;
  /** The raw FITS bytes (read from the handler-local repo). */
  read(): Promise<Uint8Array>;
}

/**
 * What a task may use while it runs for one visit-detector. Tasks never see a repo, a bus or
 * a store: the worker builds this view from its handler-local repo, so a task runs the same
 * in a worker slot, a test or a daytime job.
 */
export interface TaskContext {
  readonly visit: FannedOutVisit;
  /** instrument, detector, group, day_obs, band of the visit-detector. */
  readonly dataId: DataId;
  /** Raw snaps in snap order. */
  readonly snaps: readonly SnapInput[];
  /**
   * Reads an input dataset valid for this visit-detector, if there is one: a calibration
   * (`bias`, `flat`…) by validity at the visit's time; `skyMap`; a `template` by
   * `{ patch }` (band defaults to the visit's). `dataId` adds what the visit-detector's own
   * data ID does not say.
   */
  readInput(datasetType: string, dataId?: Partial<DataId>): Promise<Uint8Array | undefined>;
  /** Writes an output dataset of this visit-detector into the output run. */
  writeOutput(datasetType: string, bytes: Uint8Array): Promise<void>;
  /** In-memory hand-offs between the tasks of one run, typed by key (e.g. ISR → detection). */
  readonly handOffs: HandOffs;
  /** A private, empty directory for this run (made on first call; removed after the run). */
  workDir(): Promise<string>;
  readonly signal: AbortSignal;
  log(message: string): void;
}

/** A kind of task that pipelines can name. */
export interface TaskDefinition<C = unknown> {
  /** The name pipeline files use, e.g. `isr`. */
  readonly kind: string;
  /** One line for `promptly pipelines`. */
  readonly summary: string;
  /** Validates the task's `config` block; unknown keys must be rejected. */
  readonly configSchema: z.ZodType<C>;
  /** Input dataset types the task needs before it can run (drives fallback selection). */
  requires(config: C): readonly string[];
  /**
   * Input dataset types the task reads when they exist and does without otherwise (e.g.
   * ISR's `defects`): preloaded with the required ones, never a reason to fall back.
   */
  uses?(config: C): readonly string[];
  /** Output dataset types it writes (their registry types must exist). */
  produces(config: C): readonly string[];
  run(context: TaskContext, config: C): Promise<void>;
}

/** Erases the config type so definitions of different tasks share one registry. */
export type AnyTaskDefinition = TaskDefinition<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
