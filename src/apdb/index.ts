// Public API of src/apdb. Other folders import from here only ('../apdb/index.js').

export {
  DEFAULT_MAX_OBJECTS,
  MAX_ID_LIST,
  MAX_OBJECTS_LIMIT,
  type Apdb,
  type ApdbCallOptions,
  type ApdbPreload,
  type ApdbPreloadQuery,
  type ApdbWrite,
  type ApdbWriteReceipt,
} from './apdb.js';
export {
  BANDS,
  type Band,
  type DiaForcedSourceInput,
  type DiaForcedSourceRecord,
  type DiaObjectInput,
  type DiaObjectRecord,
  type DiaSourceInput,
  type DiaSourceRecord,
  type SsObjectInput,
  type SsObjectRecord,
} from './apdb-records.js';
export {
  DEFAULT_ASSOCIATION_RADIUS_ARCSEC,
  DEFAULT_SS_RADIUS_ARCSEC,
  MAX_ASSOCIATION_RADIUS_ARCSEC,
  MAX_SS_RADIUS_ARCSEC,
  associate,
  associationWrite,
  type AssociationInputs,
  type AssociationResult,
  type SsPrediction,
} from './associate.js';
export { summarizeDiaObject, type SummaryContext } from './dia-object-summary.js';
export {
  COMPACT_VISIT_LIMIT,
  MAX_DETECTOR_ID,
  MAX_RECORDS_PER_VISIT_DETECTOR,
  packDiaId,
  unpackDiaId,
} from './dia-ids.js';
export { APDB_HEALPIX_ORDER, healpixAng2PixNest } from './healpix.js';
export {
  MAX_POLYGON_VERTICES,
  MAX_REGION_RADIUS_DEG,
  angularDistanceDeg,
  type SkyCircle,
  type SkyPolygon,
  type SkyRegion,
} from './sky-region.js';
export { createSqliteApdb, type SqliteApdbOptions } from './sqlite/sqlite-apdb.js';
export { createPostgresApdb, type PostgresApdbOptions } from './postgres/postgres-apdb.js';
export type { SqlApdb } from './sql/sql-apdb.js';
