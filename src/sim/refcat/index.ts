// Public API of src/sim/refcat: the simulated reference catalog (Gaia-DR3-like astrometry at
// J2016.0 with PS1-like grizy photometry), its HTM level-7 shards and their ingestion.

export {
  HTM_MAX_LEVEL,
  htmId,
  htmIdOfVector,
  htmLevelOf,
  htmTriangle,
  triangleContains,
  unitVector,
  raDecOf,
  angleBetween,
  type Triangle,
  type Vec3,
} from './htm.js';
export {
  MAX_SHARD_REGION_RADIUS_DEG,
  REFCAT_HTM_LEVEL,
  shardsForPolygon,
  shardsForRegion,
  type SkyPoint,
} from './shard-region.js';
export {
  MAS_PER_DEG,
  MAX_TRUE_PM_MAS_PER_YR,
  SKY_EPOCH_JYEAR,
  julianEpochOfMs,
  propagate,
  starsAtEpoch,
  tangentOffsetMas,
  trueProperMotion,
  type ProperMotion,
} from './proper-motion.js';
export {
  REFCAT_BANDS,
  REFCAT_DEPTH_5SIGMA,
  REFCAT_EPOCH_JYEAR,
  REFCAT_G_LIMIT,
  completeness,
  gaiaG,
  magnitudeError,
  positionErrorMas,
  properMotionErrorMasPerYr,
  propagatedPositionErrorMas,
  type RefcatBand,
} from './error-model.js';
export { refcatShardRows, type RefcatRows } from './refcat-catalog.js';
export { REFCAT_EXTNAME, REFCAT_NAME, readRefcatShard, refcatShardFits } from './refcat-fits.js';
export {
  REFCAT_EAGER_VISITS,
  REFCAT_FIELD_MARGIN_DEG,
  ensureRefcat,
  refcatPlanVisits,
  refcatShardBytes,
  shardsForVisits,
  writeRefcatShards,
  type RefcatCamera,
  type WriteRefcatOptions,
  type WriteRefcatResult,
} from './refcat-ingest.js';
