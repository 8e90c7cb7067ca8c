import { z } from 'zod';
import { PromptlyError } from '../../core/errors.js';
import { predictLogistic, type LogisticFit } from './logistic-regression.js';
import {
  RELIABILITY_FEATURES,
  reliabilityFeatures,
  type ReliabilitySourceRow,
} from './reliability-features.js';

/**
 * The reliability (real/bogus) model as a versioned JSON document: a logistic regression over
 * {@link RELIABILITY_FEATURES} (its standardisation, weights and intercept), the feature list
 * it was trained on (a model whose list is not the code's is refused, so features never shift
 * under a model), and a training summary (the commands that made the data and the model, the
 * split, the held-out numbers). `promptly reliability train` writes it; detectDia applies it.
 */

export const RELIABILITY_MODEL_FORMAT = 'promptly.reliability-model';
export const RELIABILITY_MODEL_VERSION = 1;

const finite = z.number().finite();
const metric = finite.nullable();

const trainingSchema = z.strictObject({
  /** Commands that made the training data and the model, in order, to reproduce it. */
  commands: z.array(z.string().max(4000)).max(50),
  /** Fraction of visit-detectors held out for testing, and how the split was made. */
  testFraction: finite.min(0).max(0.9),
  split: z.string().max(200),
  visitDetectors: z.strictObject({ train: z.number().int().min(0), test: z.number().int().min(0) }),
  sources: z.strictObject({
    train: z.number().int().min(0),
    test: z.number().int().min(0),
    real: z.number().int().min(0),
    bogus: z.number().int().min(0),
    /** Unmatched but near a truth source: neither real nor bogus, not trained on. */
    ambiguous: z.number().int().min(0),
  }),
  /** Numbers on the held-out visit-detectors (null where undefined, e.g. an empty class). */
  heldOut: z.record(z.string().max(64), metric),
});

const modelSchema = z.strictObject({
  format: z.literal(RELIABILITY_MODEL_FORMAT),
  version: z.literal(RELIABILITY_MODEL_VERSION),
  kind: z.literal('logistic-regression'),
  features: z.array(z.string().max(64)).min(1).max(100),
  mean: z.array(finite.min(-1e9).max(1e9)),
  scale: z.array(finite.positive().max(1e9)),
  weights: z.array(finite.min(-1e6).max(1e6)),
  intercept: finite.min(-1e6).max(1e6),
  /** L2 penalty the weights were fitted with. */
  l2: finite.positive().max(1e6),
  /** Weight of a real example relative to a bogus one in the fit. */
  positiveWeight: finite.positive().max(1000),
  training: trainingSchema,
});

/** A reliability model document (see the module comment). */
export type ReliabilityModel = z.output<typeof modelSchema>;
export type ReliabilityTraining = z.output<typeof trainingSchema>;

function invalid(message: string, cause?: unknown): PromptlyError {
  return new PromptlyError(
    'PROMPTLY_E_RELIABILITY_MODEL_INVALID',
    message,
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Checks a parsed JSON value as a model of this code's features
 * (PROMPTLY_E_RELIABILITY_MODEL_INVALID otherwise; `where` names it in the message).
 */
export function parseReliabilityModel(
  json: unknown,
  where = 'reliability model',
): ReliabilityModel {
  const parsed = modelSchema.safeParse(json);
  if (!parsed.success)
    throw invalid(
      `${where}: ${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.')} ${i.message}`)
        .join('; ')}`,
    );
  const model = parsed.data;
  if (model.features.join(',') !== RELIABILITY_FEATURES.join(','))
    throw invalid(
      `${where}: trained on features [${model.features.join(', ')}], but this promptly computes [${RELIABILITY_FEATURES.join(', ')}]; train it again`,
    );
  const m = model.features.length;
  for (const key of ['mean', 'scale', 'weights'] as const)
    if (model[key].length !== m)
      throw invalid(`${where}: ${key} has ${model[key].length} entries, not ${m}`);
  return model;
}

/** The model document of a fit, with its training summary. */
export function reliabilityModelOf(
  fit: LogisticFit,
  options: { readonly l2: number; readonly positiveWeight: number },
  training: ReliabilityTraining,
): ReliabilityModel {
  return {
    format: RELIABILITY_MODEL_FORMAT,
    version: RELIABILITY_MODEL_VERSION,
    kind: 'logistic-regression',
    features: [...RELIABILITY_FEATURES],
    mean: [...fit.mean],
    scale: [...fit.scale],
    weights: [...fit.weights],
    intercept: fit.intercept,
    l2: options.l2,
    positiveWeight: options.positiveWeight,
    training,
  };
}

/** Sources as a `diaSrc` catalog holds them. */
export interface ReliabilityCatalog {
  readonly length: number;
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly snr: ArrayLike<number>;
  readonly a: ArrayLike<number>;
  readonly b: ArrayLike<number>;
  readonly flags: ArrayLike<number>;
  readonly isNegative: ArrayLike<number>;
}

/** Every source's stamps: `size²`-pixel planes, plane k for source k. */
export interface ReliabilityStampCubes {
  readonly size: number;
  readonly difference: Float32Array;
  readonly science: Float32Array;
  readonly template: Float32Array;
  readonly x0: ArrayLike<number>;
  readonly y0: ArrayLike<number>;
}

/** The features of source `k` of a catalog and its stamp cubes. */
export function catalogFeatures(
  sources: ReliabilityCatalog,
  stamps: ReliabilityStampCubes,
  k: number,
  psfSigmaPx: number,
): Float64Array {
  const plane = stamps.size * stamps.size;
  const row: ReliabilitySourceRow = {
    x: sources.x[k]!,
    y: sources.y[k]!,
    snr: sources.snr[k]!,
    a: sources.a[k]!,
    b: sources.b[k]!,
    flags: sources.flags[k]!,
    isNegative: sources.isNegative[k] === 1,
  };
  const cut = (cube: Float32Array) => cube.subarray(k * plane, (k + 1) * plane);
  return reliabilityFeatures(
    row,
    {
      size: stamps.size,
      x0: stamps.x0[k]!,
      y0: stamps.y0[k]!,
      difference: cut(stamps.difference),
      science: cut(stamps.science),
      template: cut(stamps.template),
    },
    psfSigmaPx,
  );
}

/** P(real) of one source's features under `model`, in [0, 1]. */
export function reliabilityOf(model: ReliabilityModel, features: ArrayLike<number>): number {
  return predictLogistic(model, features);
}

/**
 * The reliability of every source of a catalog, in [0, 1], given the Gaussian σ of the
 * difference's PSF, pixels.
 */
export function scoreReliability(
  model: ReliabilityModel,
  sources: ReliabilityCatalog,
  stamps: ReliabilityStampCubes,
  psfSigmaPx: number,
): Float64Array {
  const out = new Float64Array(sources.length);
  for (let k = 0; k < sources.length; k++)
    out[k] = reliabilityOf(model, catalogFeatures(sources, stamps, k, psfSigmaPx));
  return out;
}
