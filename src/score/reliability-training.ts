import {
  fitLogistic,
  reliabilityModelOf,
  reliabilityOf,
  rocAuc,
  thresholdStats,
  type ReliabilityModel,
} from '../science/reliability/index.js';
import { LABEL, type LabelledVisitDetector } from './labelled-sources.js';
import { RELIABILITY_THRESHOLD, scoreNight, scoreVisitDetector } from './score-dia.js';

/**
 * Training the reliability model on labelled runs (see labelled-sources.ts): visit-detectors
 * are split into train and test by a hash of `group/detector` (so a visit-detector's sources
 * never sit on both sides, and the same data always split the same way), the logistic
 * regression is fitted on the training side's real and bogus sources, and the held-out side
 * is scored two ways: as a classifier over its labelled sources (ROC AUC, purity and
 * completeness at 0.5) and as the truth score does (false sources per visit-detector and
 * completeness at S/N ≥ 10, before and after the cut).
 */

/** Options of {@link trainReliability}. */
export interface TrainReliabilityOptions {
  /** Fraction of visit-detectors held out, [0.05, 0.9]. Default 0.3. */
  readonly testFraction?: number;
  /** L2 penalty on the standardised weights, (0, 1e6]. Default 1. */
  readonly l2?: number;
  /**
   * Weight of a real source relative to a bogus one in the fit, (0, 1000]. Default 1; above 1
   * trades false sources for completeness.
   */
  readonly positiveWeight?: number;
  /** The commands that made the data and this model, recorded in the model. */
  readonly commands?: readonly string[];
}

/** A trained model and what it scored on the held-out visit-detectors. */
export interface TrainedReliability {
  readonly model: ReliabilityModel;
  readonly heldOut: Record<string, number | null>;
}

/** Where `key` falls in [0, 1): FNV-1a (32 bits) of its UTF-16 code units. */
export function splitPosition(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h / 2 ** 32;
}

const orNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/**
 * Fits the model on the training visit-detectors and scores the held-out ones. RangeError
 * when either side ends up without a real or without a bogus source.
 */
export function trainReliability(
  visitDetectors: readonly LabelledVisitDetector[],
  options: TrainReliabilityOptions = {},
): TrainedReliability {
  const testFraction = options.testFraction ?? 0.3;
  const l2 = options.l2 ?? 1;
  const positiveWeight = options.positiveWeight ?? 1;
  if (!(testFraction >= 0.05 && testFraction <= 0.9))
    throw new RangeError(`testFraction must be in [0.05, 0.9], got ${testFraction}`);
  const train = visitDetectors.filter((v) => splitPosition(v.key) >= testFraction);
  const test = visitDetectors.filter((v) => splitPosition(v.key) < testFraction);
  const rows = (side: readonly LabelledVisitDetector[]) => {
    const x: Float64Array[] = [];
    const y: number[] = [];
    for (const v of side)
      v.labels.forEach((label, k) => {
        if (label === LABEL.ambiguous) return;
        x.push(v.features[k]!);
        y.push(label);
      });
    return { x, y };
  };
  const trainRows = rows(train);
  const testRows = rows(test);
  for (const [name, side] of [
    ['training', trainRows],
    ['held-out', testRows],
  ] as const) {
    const real = side.y.filter((l) => l === LABEL.real).length;
    if (real === 0 || real === side.y.length)
      throw new RangeError(
        `the ${name} visit-detectors hold ${real} real and ${side.y.length - real} bogus sources: both are needed (more data, or another test fraction)`,
      );
  }
  const fit = fitLogistic(trainRows.x, trainRows.y, { l2, positiveWeight });
  const count = (label: number) =>
    visitDetectors.reduce((n, v) => n + v.labels.filter((l) => l === label).length, 0);
  // the model first, its held-out numbers after (they need it to score)
  const draft = reliabilityModelOf(
    fit,
    { l2, positiveWeight },
    {
      commands: [...(options.commands ?? [])],
      testFraction,
      split:
        'FNV-1a of each visit-detector key (the command makes it work-dir name/group/detector) over 2^32: held out when below testFraction',
      visitDetectors: { train: train.length, test: test.length },
      sources: {
        train: trainRows.y.length,
        test: testRows.y.length,
        real: count(LABEL.real),
        bogus: count(LABEL.bogus),
        ambiguous: count(LABEL.ambiguous),
      },
      heldOut: {},
    },
  );
  const testScores = testRows.x.map((x) => reliabilityOf(draft, x));
  const trainScores = trainRows.x.map((x) => reliabilityOf(draft, x));
  const atCut = thresholdStats(testScores, testRows.y, RELIABILITY_THRESHOLD);
  const night = scoreNight(
    test.map((v) =>
      scoreVisitDetector(
        {
          ...v.sources,
          reliability: Float64Array.from(v.features, (f) => reliabilityOf(draft, f)),
        },
        v.tracks,
      ),
    ),
  );
  const r = night.reliability!;
  const heldOut: Record<string, number | null> = {
    rocAuc: orNull(rocAuc(testScores, testRows.y)),
    trainRocAuc: orNull(rocAuc(trainScores, trainRows.y)),
    threshold: RELIABILITY_THRESHOLD,
    purity: orNull(atCut.purity),
    completeness: orNull(atCut.completeness),
    sourcePurity: orNull(r.purity),
    completenessSnr10Before: orNull(night.completenessSnr10),
    completenessSnr10: orNull(r.completenessSnr10),
    falsePerVisitDetectorBefore: orNull(r.falsePerVisitDetectorBefore),
    falsePerVisitDetector: orNull(r.falsePerVisitDetector),
  };
  return { model: { ...draft, training: { ...draft.training, heldOut } }, heldOut };
}
