/**
 * The real/bogus (reliability) score of DIA sources: features from a source's catalog row and
 * stamps, a logistic-regression model stored as JSON, and the metrics training reports.
 */
export { rocAuc, thresholdStats, type ThresholdStats } from './classifier-metrics.js';
export {
  fitLogistic,
  predictLogistic,
  type LogisticFit,
  type LogisticOptions,
} from './logistic-regression.js';
export {
  RELIABILITY_FEATURES,
  reliabilityFeatures,
  type ReliabilityFeature,
  type ReliabilitySourceRow,
  type ReliabilityStamps,
} from './reliability-features.js';
export {
  RELIABILITY_MODEL_FORMAT,
  RELIABILITY_MODEL_VERSION,
  catalogFeatures,
  parseReliabilityModel,
  reliabilityModelOf,
  reliabilityOf,
  scoreReliability,
  type ReliabilityCatalog,
  type ReliabilityModel,
  type ReliabilityStampCubes,
  type ReliabilityTraining,
} from './reliability-model.js';
