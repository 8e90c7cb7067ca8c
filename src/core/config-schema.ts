import { z } from 'zod';

/**
 * The one configuration schema of promptly. Stage 1 is what a user writes (YAML, every key
 * optional); parsing fills the defaults (stage 2); `compileConfig` resolves paths and
 * freezes it (stage 3). Unknown keys are rejected at every level. Units are in the names.
 */

const positiveInt = z.number().int().positive();
/** A day: no duration promptly reads from outside may exceed it (timers overflow past ~24.8 days). */
const MAX_MS = 86_400_000;
const nonNegativeMs = z.number().nonnegative().max(MAX_MS);
const positiveMs = z.number().int().positive().max(MAX_MS);
/** Ages and retentions of archived files: up to a year. */
const ageMs = z
  .number()
  .int()
  .positive()
  .max(366 * 86_400_000);

/** Message bus backend: in process (embedded default) or NATS JetStream (distributed). */
export const busConfigSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('memory') }),
  z.strictObject({
    kind: z.literal('nats'),
    /** NATS server URLs with JetStream, e.g. `nats://nats.promptly.svc:4222`. */
    servers: z
      .array(z.string().regex(/^(nats|tls):\/\/\S+$/, 'must be a nats:// or tls:// URL'))
      .min(1),
    /** Connection name the server shows; default `promptly`. */
    name: z.string().min(1).max(128).optional(),
    /** Replicas of the streams promptly creates (1, 3 or 5). */
    streamReplicas: z.union([z.literal(1), z.literal(3), z.literal(5)]).default(1),
  }),
]);

/** An S3 bucket (AWS, Ceph RGW, MinIO) as an object store. */
export const s3StoreSchema = z.strictObject({
  kind: z.literal('s3'),
  /** The bucket (must exist). */
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'),
  /** `http(s)://host[:port]` of an S3-compatible server (Ceph RGW, MinIO); default AWS. */
  endpoint: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  region: z.string().min(1).default('us-east-1'),
  /** Key prefix inside the bucket, ending in `/` (e.g. `raw/`); default none. */
  prefix: z
    .string()
    .regex(/^[^/].*\/$/, 'must be a relative path ending in "/"')
    .optional(),
  /** Path-style URLs (`endpoint/bucket/key`), as most S3-compatible servers want. */
  forcePathStyle: z.boolean().default(true),
  /** Name of the environment variable holding the access key id (never the key itself). */
  accessKeyIdEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
    .optional(),
  /** Name of the environment variable holding the secret access key (never the secret). */
  secretAccessKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
    .optional(),
});

export const storeConfigSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('fs'),
    /** Root directory of the raw object store; default `<workDir>/store`. */
    root: z.string().optional(),
    /** fsync each put and its directory; turn off only on a RAM disk or in tests. */
    durable: z.boolean().default(true),
  }),
  s3StoreSchema,
]);

export const registryConfigSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('sqlite'),
    /** SQLite file; default `<dir>/registry.sqlite3`. `:memory:` keeps it in process. */
    filename: z.string().optional(),
  }),
  z.strictObject({
    kind: z.literal('postgres'),
    /** Connection URL, `postgres://` or `postgresql://` (user, password, host, port, database). */
    url: z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL'),
    /** Schema holding the registry tables (created if missing); default `public`. */
    schema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier')
      .optional(),
    /** Connections in this process's pool. Default 10. */
    poolSize: z.number().int().min(1).max(100).optional(),
  }),
]);

export const repoConfigSchema = z.strictObject({
  /** Directory of the repo (registry file and datastore); default under workDir. */
  root: z.string().optional(),
  registry: registryConfigSchema.prefault({ kind: 'sqlite' }),
  /**
   * Where the repo's bytes live: `fs` = `<root>/datastore`; `s3` = a bucket (with an optional
   * prefix) every process of a deployment shares, written once per key (If-None-Match).
   */
  datastore: z
    .discriminatedUnion('kind', [z.strictObject({ kind: z.literal('fs') }), s3StoreSchema])
    .prefault({ kind: 'fs' }),
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
  /**
   * Pipelines one worker process runs at once (they are CPU-bound); slots beyond it wait for
   * snaps or for a CPU. Default: the host's available parallelism.
   */
  pipelineConcurrency: positiveInt.max(256).optional(),
  /**
   * Where pipelines compute: `thread` (default) on a pool of `pipelineConcurrency` worker
   * threads, off the event loop that takes deliveries, ingests snaps and heartbeats; `inline`
   * on that event loop (for debugging: one stack, no thread start-up).
   */
  pipelineIsolation: z.enum(['thread', 'inline']).default('thread'),
  /** Added to 2 × duration to make a visit's deadline (summit time). */
  imageTimeoutMs: nonNegativeMs.default(20_000),
  /**
   * Longest a slot waits for a visit's snaps after the visit's start (summit ms), whatever
   * the next_visit's `duration` says: no visit holds a slot beyond it.
   */
  maxSnapWaitMs: positiveMs.default(600_000),
  /** Visibility timeout of a work item (real time); the slot heartbeats well within it. */
  ackWaitMs: positiveMs.default(30_000),
  /** Deliveries of one item before it is dead-lettered. */
  maxDeliveries: positiveInt.max(100).default(3),
  /** Handler-local repo directory; default `<workDir>/local`. */
  localRepoRoot: z.string().optional(),
  /** Output runs kept in the handler-local repo; older ones are removed. */
  keepRuns: positiveInt.default(4),
  /**
   * Radius about the boresight of the APDB region a worker reads at next_visit for a pipeline
   * that makes DIA sources, degrees (0, 10]; default the instrument's field radius.
   */
  apdbPreloadRadiusDeg: z.number().positive().max(10).optional(),
});

/** Zero-loss accounting: the reconciler and the orphan tracker (the recorder role). */
export const reconcileConfigSchema = z.strictObject({
  /** Real ms between passes of a running deployment's reconciler. */
  intervalMs: positiveMs.min(100).default(5_000),
  /** Real ms added to a work item's life before its missing outcome counts as overdue. */
  graceMs: nonNegativeMs.default(60_000),
  /** Re-enqueues of one visit-detector before it is recorded as failed (lost). */
  maxRequeues: z.number().int().min(0).max(10).default(2),
  /** Visits older than this (real ms) are not re-enqueued, only recorded as failed. */
  maxAgeMs: positiveMs.default(86_400_000),
  /** A raw with no accepted visit after this long (real ms) is recorded as an orphan. */
  orphanGraceMs: nonNegativeMs.default(120_000),
});

/** How raws' arrival notices reach the router role (distributed mode). */
export const arrivalsConfigSchema = z.strictObject({
  /** HTTP endpoint for S3 bucket notifications (`POST /notifications`, MinIO / Ceph RGW shape). */
  webhook: z
    .strictObject({
      enabled: z.boolean().default(false),
      host: z.string().default('0.0.0.0'),
      port: z.number().int().min(0).max(65535).default(8081),
      /** Name of an environment variable holding a bearer token senders must present. */
      bearerTokenEnv: z
        .string()
        .regex(/^[A-Z_][A-Z0-9_]*$/)
        .optional(),
    })
    .prefault({}),
  /** Real ms between listings of the raw store that find what a notification missed. */
  listingIntervalMs: positiveMs.min(1000).max(3_600_000).default(30_000),
  /** Objects modified longer ago than this (real ms) are not listed again. */
  listingLookbackMs: positiveMs.default(6 * 3_600_000),
});

export const pipelinesConfigSchema = z.strictObject({
  /** YAML file of pipeline definitions and selection rules; default: the built-in set. */
  file: z.string().optional(),
});

/** One kind of visit of the night plan (Rubin's observing blocks). */
export const simSurveySchema = z.strictObject({
  /** Survey (observing block) name written to next_visit and PROGRAM. */
  name: z.string().min(1),
  /** Snaps per visit (1 or 2 at Rubin). */
  snaps: z.number().int().min(1).max(10),
  /** Exposure time of one snap, seconds. */
  exposureTimeS: z.number().positive(),
});

/** Faults the simulator can inject: `name`, `name@visit` or `name@visit:detector`. */
export const SIM_FAULT_PATTERN =
  /^(dropped-snap|delayed-image|duplicate-next-visit|corrupt-file|truncated-file|aborted-visit|next-visit-no-images|images-no-next-visit|detector-no-readout|missing-header|link-outage)(@\d+(:\d+)?)?$/;

export const simConfigSchema = z.strictObject({
  /** Summit clock speed: summit seconds per real second. */
  speed: z.number().positive().max(1000).default(10),
  /**
   * Real time (ms since the Unix epoch) at which the summit clock equals real time, shared by
   * every process of a deployment so their summit clocks agree when `speed` is not 1.
   * Default: when the process starts (right for one process, or for speed 1).
   */
  clockEpochMs: z.number().int().min(0).max(8.64e15).optional(),
  /** Visits per night; 0 = every slot of the night (until stopped, unless `nights` is set). */
  visits: z.number().int().nonnegative().default(3),
  /** Nights observed (a multi-night dataset); default 1, or without end when `visits` is 0. */
  nights: z.number().int().min(1).max(366).optional(),
  /** Observing night (dayObs, YYYY-MM-DD) of the first night at Cerro Pachón. */
  nightDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .default('2026-11-13'),
  /** Highest air mass (sec z) of any exposure of the plan. */
  airmassLimit: z.number().min(1).max(5).default(2),
  /** Sun altitude that opens and closes the night, degrees (−12 nautical, −18 astronomical). */
  twilightDeg: z.number().min(-18).max(-6).default(-12),
  /** next_visit is published this long before the first exposure (summit time). */
  leadTimeMs: nonNegativeMs.default(20_000),
  /** Seconds between visit starts. */
  cadenceS: z.number().positive().default(35),
  /** Exposure time of one snap, seconds (the single survey when `surveys` is not given). */
  exposureTimeS: z.number().positive().default(15),
  /** Snaps per visit (the single survey when `surveys` is not given). */
  snaps: z.number().int().min(1).max(10).default(2),
  /** Readout time after each snap, seconds. */
  readoutS: z.number().nonnegative().default(2),
  /**
   * Linear size of the simulated camera relative to the real one, (0, 1]: amplifiers are
   * 509×2000 px × scale (plus overscans), and the focal plane shrinks with them while the
   * pixel scale stays 0.2″. `promptly up` defaults to a quarter-size camera (ComCam's
   * detectors 1016 × 1000 px): the smallest whose detectors hold enough catalog stars to fit a
   * WCS and match PSFs in most fields, which Alert Production needs.
   */
  scale: z.number().positive().max(1).default(0.25),
  /** Amplifier imaging area, pixels; default 509 × 2000 × scale. Overrides `scale`. */
  ampWidth: positiveInt.optional(),
  ampHeight: positiveInt.optional(),
  /** Serial overscan columns and parallel overscan rows per amplifier; default 64, 48 × scale. */
  serialOverscan: positiveInt.optional(),
  parallelOverscan: positiveInt.optional(),
  /** Serial prescan columns per amplifier; default 3 × scale (rounded, may be 0). */
  prescan: z.number().int().nonnegative().optional(),
  /**
   * Catalog stars brighter than magLimit per square degree, the same everywhere; or `galactic`
   * (default): by galactic latitude and longitude (`src/sim/star-counts.ts`).
   */
  starDensityPerDeg2: z
    .union([z.number().nonnegative().max(10_000_000), z.literal('galactic')])
    .default('galactic'),
  /** Faintest catalog star, AB mag in r, [14, 28]. */
  magLimit: z.number().min(14).max(28).default(24),
  /** Draw galaxies (Sérsic discs and ellipticals, `src/sim/galaxy-catalog.ts`). */
  galaxies: z.boolean().default(true),
  /** Faintest galaxy drawn, AB mag in r, [16, 28]. */
  galaxyMagLimit: z.number().min(16).max(28).default(24.5),
  /**
   * Supernovae (with hosts and light curves, seen across visits and nights) per deg² per year,
   * [0, 1e6]; 0 = none. The default is far above the real rate (tens) so every detector has a few.
   */
  supernovaRatePerDeg2Yr: z.number().min(0).max(1_000_000).default(2_000),
  /**
   * Median zenith seeing FWHM at 500 nm, arcseconds; each visit draws about it (lognormal) and
   * its PSF is that × airmass^0.6 × (λ / 500 nm)^−0.2.
   */
  seeingArcsec: z.number().positive().default(0.7),
  /**
   * Input visits coadded into each template (`src/sim/template-coadd.ts`: each rendered at its
   * own seeing, dithered, warped and stacked), [1, 64]; each costs a render and a warp (3
   * keep `promptly up` near a minute; Rubin's templates stack tens).
   */
  templateVisits: z.number().int().min(1).max(64).default(3),
  /**
   * Median seeing FWHM (atmosphere) of the templates' input visits, arcseconds, (0, 3]: the
   * better-seeing visits, so the template is mostly sharper than the science.
   */
  templateSeeingArcsec: z.number().positive().max(3).default(0.6),
  /**
   * New point sources injected per visit and detector. (Moving objects are the sky's asteroids:
   * `asteroidsPerDeg2`.)
   */
  transientsPerDetector: z.number().int().nonnegative().default(2),
  /**
   * Asteroids with orbits (main belt and a few near-Earth objects, `src/sim/asteroids`) per deg²,
   * [0, 100 000]; 0 = none. The default is uniform over the sky and ~10× the real main belt at
   * opposition, so a miniature LSSTComCam field sees a few per visit.
   */
  asteroidsPerDeg2: z.number().min(0).max(100_000).default(1000),
  /** Share of the asteroids in the known-movers catalog (`ssObjects`) the worker associates with, [0, 1]. */
  knownAsteroidFraction: z.number().min(0).max(1).default(0.8),
  /** Cosmic-ray rate, hits per cm² per second of dark time. */
  cosmicRatePerCm2S: z.number().nonnegative().default(0.03),
  /**
   * Instrument effects in the raws, each switchable (`src/sim/instrument-effects.ts`); all on
   * by default, as the ISR task corrects each: crosstalk and non-linearity from the
   * `crosstalk` and `linearizer` calibrations, defects masked from `defects`, saturation and
   * bleed masked SAT, cosmic rays found and repaired.
   */
  effects: z
    .strictObject({
      /** Amp-to-amp crosstalk, 1e-4 … 5e-4 between neighbouring amps (default true). */
      crosstalk: z.boolean().default(true),
      /** Quadratic non-linearity per amp, 0.3 … 0.7 % low at 100 ke⁻ (default true). */
      nonlinearity: z.boolean().default(true),
      /** Dead columns, hot pixels, partially bad columns, dead clusters (default true). */
      defects: z.boolean().default(true),
      /** Full well 150 ke⁻ with bleed along columns; SATURATE in the raws (default true). */
      saturation: z.boolean().default(true),
      /** Cosmic rays at `cosmicRatePerCm2S` (default true). */
      cosmicRays: z.boolean().default(true),
    })
    .prefault({}),
  /**
   * Simulated exposures combined into each master calibration (bias, dark, and flat per band),
   * [0, 32]: each is read out through the camera model with its noise and cosmic rays, given
   * overscan, crosstalk, linearity and gain, and the N are combined by a σ-clipped mean.
   * 0 writes the detector model's exact frames instead (no noise).
   */
  masterExposures: z.number().int().min(0).max(32).default(3),
  /** Rice-compress raws (as the camera writes them); false writes plain int32 HDUs. */
  compress: z.boolean().default(true),
  /**
   * Worker threads that render raws, off the event loop the summit shares with other roles;
   * default: available cores − 1, at least 1.
   */
  renderThreads: z.number().int().min(1).max(256).optional(),
  /** Faults to inject, e.g. `dropped-snap@1`, `detector-no-readout@0:4`. */
  faults: z.array(z.string().regex(SIM_FAULT_PATTERN)).default([]),
  /** Seed of every random choice; the same seed gives the same night. */
  seed: z.number().int().default(1),
  /** Survey of every visit when `surveys` is not given. */
  survey: z.string().default('BLOCK-T1'),
  /** Visit kinds taken in turn (visit i uses surveys[i mod n]); default one from the above. */
  surveys: z.array(simSurveySchema).min(1).optional(),
  bands: z
    .array(z.enum(['u', 'g', 'r', 'i', 'z', 'y']))
    .min(1)
    .default(['g', 'r', 'i']),
});

/** The archive path (`src/archive`): DAQ, header service, image writer, hand-off, OODS, DBB, catch-up. */
export const archiveConfigSchema = z.strictObject({
  /**
   * Run the archive path in `up` (default true): the summit captures into the camera's DAQ and
   * the image writer writes every raw (prompt processing's feed, the OODS and the DBB); false:
   * the summit writes raws straight to the raw store.
   */
  enabled: z.boolean().default(true),
  /** Directory of the DAQ, header metadata, hand-off, OODS and DBB staging; default `<workDir>/archive`. */
  root: z.string().optional(),
  /** How long the DAQ keeps an image, summit ms; default two days, as the camera's. */
  daqRetentionMs: ageMs.default(2 * 86_400_000),
  /**
   * Where the Header Service runs in distributed mode: in the summit's process (`summit`,
   * default) or as a role of its own (`role`: `promptly header-service`). `up` runs it in process.
   */
  headerService: z.enum(['summit', 'role']).default('summit'),
  /** Longest wait for the header service's metadata of an image, summit ms. */
  metadataWaitMs: nonNegativeMs.default(5_000),
  /** Files the image writer writes at once. */
  writerConcurrency: positiveInt.max(64).default(4),
  /** OODS files older than this (real ms since written) are expired unless pinned; default 30 days. */
  oodsMaxAgeMs: ageMs.default(30 * 86_400_000),
  /** How often the OODS expires old files while it runs, real ms; default hourly. */
  oodsExpireIntervalMs: positiveMs.min(1000).default(3_600_000),
  /** The OODS repository's registry: SQLite in `<root>/oods` by default, or a PostgreSQL schema. */
  oodsRegistry: registryConfigSchema.prefault({ kind: 'sqlite' }),
  /** Long-term storage of the Data Backbone: `<root>/dbb/store` by default, or an S3 bucket. */
  dbbStore: z
    .discriminatedUnion('kind', [z.strictObject({ kind: z.literal('fs') }), s3StoreSchema])
    .prefault({ kind: 'fs' }),
  /** An image not in the DBB this long after capture raises an alarm, summit ms; default 24 h. */
  dbbBudgetMs: ageMs.default(86_400_000),
  /** Backfill rate of the catch-up archiver as a multiple of the capture rate (the seed: 4×). */
  catchUpRateFactor: z.number().positive().max(1000).default(4),
  /** Images younger than this are left to the normal path by the catch-up archiver, summit ms. */
  catchUpGraceMs: nonNegativeMs.default(60_000),
  /** The catch-up archiver reconciles at least this often, summit ms. */
  catchUpIntervalMs: positiveMs.min(1000).default(60_000),
  /** Visibility timeout of archive work (hand-off, ingest, copy), real ms. */
  ackWaitMs: positiveMs.min(1000).default(30_000),
  /** Deliveries of one piece of archive work before it is dead-lettered. */
  maxDeliveries: positiveInt.max(100).default(5),
});

/** A bearer token of the job manager: its owner, scopes, and where its value is read from. */
const jobTokenSchema = z
  .strictObject({
    owner: z.string().regex(/^[A-Za-z0-9_.@-]{1,128}$/, 'owner: [A-Za-z0-9_.@-], 1..128'),
    scopes: z.array(z.enum(['submit', 'read', 'admin'])).min(1),
    /** Name of an environment variable holding the token (never the token in the file). */
    tokenEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/)
      .optional(),
    /** Or the token's lower-case hex SHA-256. */
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
  })
  .refine((t) => (t.tokenEnv === undefined) !== (t.sha256 === undefined), {
    message: 'a token has either tokenEnv or sha256',
  });

export const jobsConfigSchema = z.strictObject({
  /** Run the job manager inside `promptly up` (default true). */
  enabled: z.boolean().default(true),
  /** Address of the REST API. */
  host: z.string().min(1).default('127.0.0.1'),
  /**
   * Port of the REST API; 0 picks a free one. Unset: 8470 for `promptly jobs serve` and the
   * role, a free one inside `promptly up` (which prints it).
   */
  port: z.number().int().min(0).max(65535).optional(),
  /** Job types (YAML); default the package's `config/jobs.yaml`. */
  specsFile: z.string().optional(),
  /** Directory of the jobs' own directories; default `<workDir>/jobs`. */
  root: z.string().optional(),
  /** Where jobs are kept: SQLite in `<root>` by default, or a PostgreSQL schema. */
  store: registryConfigSchema.prefault({ kind: 'sqlite' }),
  /** Where jobs run: a process pool here (`local`), or Slurm. */
  backend: z
    .discriminatedUnion('kind', [
      z.strictObject({
        kind: z.literal('local'),
        /** Cores the pool hands out at once; default this machine's. */
        maxCores: z.number().int().min(1).max(256).optional(),
      }),
      z.strictObject({
        kind: z.literal('slurm'),
        partition: z
          .string()
          .regex(/^[A-Za-z0-9_.-]{1,64}$/)
          .optional(),
        /** Interval of the state reconcile while jobs are unfinished, real ms. */
        reconcileMs: z.number().int().min(100).max(60_000).default(1000),
      }),
    ])
    .prefault({ kind: 'local' }),
  /**
   * Who may use the API. None configured: an admin token is made at start and written to
   * `<root>/admin.token` (mode 0600), which the CLI reads.
   */
  tokens: z.array(jobTokenSchema).max(1000).default([]),
  /** Unfinished jobs one owner may have. */
  maxJobsPerOwner: positiveInt.max(100_000).default(100),
  /** Largest request body, bytes. */
  maxRequestBytes: z.number().int().min(1024).max(1_048_576).default(65_536),
  /** Queue a catch-up processing job for each visit-detector the archive asks to reprocess. */
  reprocess: z.boolean().default(true),
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
  reconcile: reconcileConfigSchema.prefault({}),
  arrivals: arrivalsConfigSchema.prefault({}),
  pipelines: pipelinesConfigSchema.prefault({}),
  sim: simConfigSchema.prefault({}),
  archive: archiveConfigSchema.prefault({}),
  jobs: jobsConfigSchema.prefault({}),
});

/** What a user writes. */
export type UserConfig = z.input<typeof configSchema>;
/** With defaults filled. */
export type ParsedConfig = z.output<typeof configSchema>;
