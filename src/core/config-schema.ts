import { z } from 'zod';

/**
 * The one configuration schema of promptly. Stage 1 is what a user writes (YAML, every key
 * optional); parsing fills the defaults (stage 2); `compileConfig` resolves paths and
 * freezes it (stage 3). Unknown keys are rejected at every level. Units are in the names.
 */

const positiveInt = z.number().int().positive();
const nonNegativeMs = z.number().nonnegative();

/** Message bus backend. Only the embedded backend exists so far; distributed ones add members. */
export const busConfigSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('memory') }),
]);

export const storeConfigSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('fs'),
    /** Root directory of the raw object store; default `<workDir>/store`. */
    root: z.string().optional(),
    /** fsync each put and its directory; turn off only on a RAM disk or in tests. */
    durable: z.boolean().default(true),
  }),
]);

export const registryConfigSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('sqlite'),
    /** SQLite file; default `<dir>/registry.sqlite3`. `:memory:` keeps it in process. */
    filename: z.string().optional(),
  }),
]);

export const repoConfigSchema = z.strictObject({
  /** Directory of the repo (registry file and datastore); default under workDir. */
  root: z.string().optional(),
  registry: registryConfigSchema.prefault({ kind: 'sqlite' }),
});

export const fanoutConfigSchema = z.strictObject({
  http: z
    .strictObject({
      enabled: z.boolean().default(true),
      host: z.string().default('127.0.0.1'),
      /** 0 picks a free port. */
      port: z.number().int().min(0).max(65535).default(0),
    })
    .prefault({}),
  /** next_visit events whose send stamp is older than this (summit time) are dropped. */
  expirationMs: nonNegativeMs.default(120_000),
  /** Which detectors are fanned out. */
  detectorPurposes: z
    .array(z.enum(['science', 'guide', 'wavefront']))
    .min(1)
    .default(['science']),
  /** How many recent group ids are remembered to drop a repeated next_visit. */
  dedupeWindow: positiveInt.default(1000),
});

export const workerConfigSchema = z.strictObject({
  /**
   * Visit-detector items processed at once by one worker process. Default: two visits in
   * flight, i.e. 2 × the instrument's fanned-out detectors.
   */
  slots: positiveInt.optional(),
  /** Added to 2 × duration to make a visit's deadline (summit time). */
  imageTimeoutMs: nonNegativeMs.default(20_000),
  /** Visibility timeout of a work item (real time); the slot heartbeats well within it. */
  ackWaitMs: positiveInt.default(30_000),
  /** Deliveries of one item before it is dead-lettered. */
  maxDeliveries: positiveInt.default(3),
  /** Handler-local repo directory; default `<workDir>/local`. */
  localRepoRoot: z.string().optional(),
  /** Output runs kept in the handler-local repo; older ones are removed. */
  keepRuns: positiveInt.default(4),
});

export const pipelinesConfigSchema = z.strictObject({
  /** YAML file of pipeline definitions and selection rules; default: the built-in set. */
  file: z.string().optional(),
});

export const simConfigSchema = z.strictObject({
  /** Summit clock speed: summit seconds per real second. */
  speed: z.number().positive().default(10),
  /** Visits in the night; 0 = until stopped. */
  visits: z.number().int().nonnegative().default(3),
  /** next_visit is published this long before the first exposure (summit time). */
  leadTimeMs: nonNegativeMs.default(20_000),
  /** Seconds between visit starts. */
  cadenceS: z.number().positive().default(35),
  /** Exposure time of one snap, seconds. */
  exposureTimeS: z.number().positive().default(15),
  /** Snaps per visit. */
  snaps: z.number().int().min(1).max(10).default(2),
  /** Readout time after each snap, seconds. */
  readoutS: z.number().nonnegative().default(2),
  /** Amplifier imaging area, pixels (LSSTCam: 509 × 2000). */
  ampWidth: positiveInt.default(64),
  ampHeight: positiveInt.default(128),
  /** Serial overscan columns and parallel overscan rows per amplifier. */
  serialOverscan: positiveInt.default(8),
  parallelOverscan: positiveInt.default(4),
  /** Stars per detector. */
  starsPerDetector: z.number().int().nonnegative().default(40),
  /** Seed of every random choice; the same seed gives the same night. */
  seed: z.number().int().default(1),
  survey: z.string().default('BLOCK-T1'),
  bands: z
    .array(z.enum(['u', 'g', 'r', 'i', 'z', 'y']))
    .min(1)
    .default(['g', 'r', 'i']),
});

export const configSchema = z.strictObject({
  /** Instrument of this deployment. */
  instrument: z.string().default('LSSTComCam'),
  /** Directory under which embedded backends keep their files. */
  workDir: z.string().default('.promptly'),
  bus: busConfigSchema.prefault({ kind: 'memory' }),
  store: storeConfigSchema.prefault({ kind: 'fs' }),
  centralRepo: repoConfigSchema.prefault({}),
  fanout: fanoutConfigSchema.prefault({}),
  worker: workerConfigSchema.prefault({}),
  pipelines: pipelinesConfigSchema.prefault({}),
  sim: simConfigSchema.prefault({}),
});

/** What a user writes. */
export type UserConfig = z.input<typeof configSchema>;
/** With defaults filled. */
export type ParsedConfig = z.output<typeof configSchema>;
