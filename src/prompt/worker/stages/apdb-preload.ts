import type { ApdbPreload } from '../../../apdb/apdb.js';
import type { SkyCircle } from '../../../apdb/sky-region.js';
import { getInstrument } from '../../../core/instruments.js';
import { mjdOf } from '../../../core/time.js';
import { diaObjectTableFits } from '../../../pipeline/tasks/dia-object-table.js';
import { collections, DATASET_TYPES } from '../../../registry/dataset-types.js';
import type { RunRecord } from './run-record.js';
import type { VisitDetectorCall, VisitDetectorDeps } from './run-types.js';

/** History an alert carries and association reads, days (Rubin sends 12 months). */
export const ALERT_HISTORY_DAYS = 365;

/** What a visit-detector read from the APDB at next_visit. */
export interface ApdbRegionPreload {
  /** The cone read: about the boresight, the instrument's field radius (or the configured one). */
  readonly region: SkyCircle;
  /** Oldest history read, MJD TAI. */
  readonly sinceMjdTai: number;
  readonly preload: ApdbPreload;
}

/**
 * Stage 2 of a pipeline that makes DIA sources, beside the calibrations' preload: the APDB's
 * objects, sources and forced sources around the visit (a cone about the next_visit's
 * boresight holding the whole field), read while the shutter is still open. Association uses
 * them after the pipeline; the objects' positions go into the handler-local repo as
 * `preloadedDiaObjects` for DIA detection to forced-photometer. An APDB that is away rejects,
 * and the item is redelivered.
 */
export async function preloadApdbRegion(options: {
  readonly deps: VisitDetectorDeps;
  readonly call: VisitDetectorCall;
  readonly run: RunRecord;
}): Promise<ApdbRegionPreload> {
  const { deps, call, run } = options;
  const { signal, visit } = call;
  const radiusDeg = deps.apdbPreloadRadiusDeg ?? getInstrument(run.instrument).fieldRadiusDeg;
  const region: SkyCircle = {
    kind: 'circle',
    ra: ((visit.position[0] % 360) + 360) % 360,
    dec: visit.position[1],
    radiusDeg,
  };
  // the visit's start (TAI seconds since 1970) as MJD TAI, less the history window
  const sinceMjdTai = mjdOf(visit.startTime * 1000) - ALERT_HISTORY_DAYS;
  const preload = await deps.apdb.preload({ region, sinceMjdTai }, { signal });
  const objects = preload.diaObjects;
  await deps.local.put(
    DATASET_TYPES.preloadedDiaObjects.name,
    { instrument: run.instrument, detector: run.detector, group: run.group },
    collections.localApdbPreload(run.instrument, run.group, run.detector),
    await diaObjectTableFits({
      length: objects.length,
      diaObjectId: Float64Array.from(objects, (o) => o.diaObjectId),
      ra: Float64Array.from(objects, (o) => o.ra),
      dec: Float64Array.from(objects, (o) => o.dec),
    }),
    { signal },
  );
  run.emit('apdb.preloaded', {
    diaObjects: objects.length,
    diaSources: preload.diaSources.length,
    diaForcedSources: preload.diaForcedSources.length,
  });
  return { region, sinceMjdTai, preload };
}
