import { PromptlyError } from '../core/errors.js';
import { DIA_SOURCE_COLUMNS, completeRecord } from './apdb-columns.js';
import type { DiaObjectRecord, DiaSourceInput, DiaSourceRecord } from './apdb-records.js';
import type { ApdbPreload, ApdbWrite } from './apdb.js';
import { MAX_RECORDS_PER_VISIT_DETECTOR, checkId, packDiaId, unpackDiaId } from './dia-ids.js';
import { summarizeDiaObject } from './dia-object-summary.js';
import { angleBetween, type UnitVector } from './healpix.js';
import { checkSkyPosition, unitVector } from './sky-region.js';

/**
 * Association of one visit-detector's DIA sources, as Rubin's AP does it after detection:
 *
 * 1. solar-system: sources within `ssRadiusArcsec` of a known mover's predicted position at
 *    the visit's midpoint get its `ssObjectId` (nearest pairs first, one to one) and are
 *    not associated with any DIA object (`diaObjectId` null);
 * 2. the other sources are matched to the preloaded DIA objects within `radiusArcsec`,
 *    nearest pairs first, one to one; a matched object is recomputed from its preloaded
 *    history and the new source (see `summarizeDiaObject`);
 * 3. every unmatched source starts a new object whose id is the source's id (itself
 *    `packDiaId(visit, detector, index)`), so running it again gives identical results.
 *
 * Ties are broken by source index, then object id. Positions ICRS degrees.
 */

/** Default match radius to DIA objects, arcsec (Rubin's AssociationTask default). */
export const DEFAULT_ASSOCIATION_RADIUS_ARCSEC = 1;
/** Default match radius to predicted solar-system positions, arcsec. */
export const DEFAULT_SS_RADIUS_ARCSEC = 2;
/** Largest radii accepted, arcsec. */
export const MAX_ASSOCIATION_RADIUS_ARCSEC = 10;
export const MAX_SS_RADIUS_ARCSEC = 60;
/** Most solar-system predictions one association takes. */
export const MAX_SS_PREDICTIONS = 100_000;

/** A known mover's predicted position at the visit's midpoint. */
export interface SsPrediction {
  readonly ssObjectId: number;
  /** Predicted right ascension, degrees [0, 360), ICRS, at the visit's midpoint. */
  readonly ra: number;
  /** Predicted declination, degrees [−90, +90]. */
  readonly dec: number;
}

export interface AssociationInputs {
  readonly visit: number;
  readonly detector: number;
  /** MJD TAI of the visit's midpoint: `validityStartMjdTai` of the objects it writes. */
  readonly midpointMjdTai: number;
  /** The visit-detector's DIA sources; ids from packDiaId; diaObjectId/ssObjectId are set here. */
  readonly diaSources: readonly DiaSourceInput[];
  /** What `Apdb.preload` returned for the detector's region. */
  readonly preload: ApdbPreload;
  readonly ssPredictions?: readonly SsPrediction[];
  /** Match radius to DIA objects, arcsec, (0, 10]. Default 1. */
  readonly radiusArcsec?: number;
  /** Match radius to predicted solar-system positions, arcsec, (0, 60]. Default 2. */
  readonly ssRadiusArcsec?: number;
}

export interface AssociationResult {
  /** The sources, in input order, with diaObjectId and ssObjectId set. */
  readonly diaSources: DiaSourceRecord[];
  /** Objects started by this visit-detector, by id. */
  readonly newDiaObjects: DiaObjectRecord[];
  /** Preloaded objects that gained a source, recomputed, by id. */
  readonly updatedDiaObjects: DiaObjectRecord[];
  /** Sources associated with a known solar-system object. */
  readonly solarSystemSources: number;
}

function invalid(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_APDB_INVALID', message);
}

function radiusRad(value: number | undefined, fallback: number, max: number, name: string): number {
  const arcsec = value ?? fallback;
  if (typeof arcsec !== 'number' || !Number.isFinite(arcsec) || arcsec <= 0 || arcsec > max)
    throw invalid(`${name} must be in (0, ${max}] arcsec, got ${String(arcsec)}`);
  return (arcsec / 3600) * (Math.PI / 180);
}

interface Target {
  readonly id: number;
  readonly v: UnitVector;
}

/**
 * Nearest-first one-to-one matching of `points` to `targets` within `radius` (radians):
 * returns, per point index, the matched target's id. Candidate pairs come from a grid of
 * cells one chord of `radius` wide on the unit sphere's cartesian coordinates, so each point
 * looks at 27 cells only.
 */
export function matchNearest(
  points: readonly (UnitVector | null)[],
  targets: readonly Target[],
  radius: number,
): Map<number, number> {
  const cell = 2 * Math.sin(radius / 2);
  const key = (a: number, b: number, c: number): string => `${a},${b},${c}`;
  const grid = new Map<string, Target[]>();
  for (const t of targets) {
    const k = key(...(t.v.map((c) => Math.floor(c / cell)) as [number, number, number]));
    const list = grid.get(k);
    if (list) list.push(t);
    else grid.set(k, [t]);
  }
  const pairs: { d: number; i: number; id: number }[] = [];
  points.forEach((p, i) => {
    if (p === null) return;
    const [cx, cy, cz] = p.map((c) => Math.floor(c / cell)) as [number, number, number];
    for (let dx = -1; dx <= 1; dx++)
      for (let dy = -1; dy <= 1; dy++)
        for (let dz = -1; dz <= 1; dz++)
          for (const t of grid.get(key(cx + dx, cy + dy, cz + dz)) ?? []) {
            const d = angleBetween(p, t.v);
            if (d <= radius) pairs.push({ d, i, id: t.id });
          }
  });
  pairs.sort((a, b) => a.d - b.d || a.i - b.i || a.id - b.id);
  const byPoint = new Map<number, number>();
  const taken = new Set<number>();
  for (const { i, id } of pairs) {
    if (byPoint.has(i) || taken.has(id)) continue;
    byPoint.set(i, id);
    taken.add(id);
  }
  return byPoint;
}

/** Associates one visit-detector's sources (see the module comment). */
export function associate(inputs: AssociationInputs): AssociationResult {
  const { visit, detector, midpointMjdTai, preload } = inputs;
  packDiaId(visit, detector, 0);
  if (!Number.isFinite(midpointMjdTai) || midpointMjdTai < 0 || midpointMjdTai >= 1e6)
    throw invalid(`midpointMjdTai must be an MJD in [0, 1e6), got ${midpointMjdTai}`);
  const radius = radiusRad(
    inputs.radiusArcsec,
    DEFAULT_ASSOCIATION_RADIUS_ARCSEC,
    MAX_ASSOCIATION_RADIUS_ARCSEC,
    'radiusArcsec',
  );
  const ssRadius = radiusRad(
    inputs.ssRadiusArcsec,
    DEFAULT_SS_RADIUS_ARCSEC,
    MAX_SS_RADIUS_ARCSEC,
    'ssRadiusArcsec',
  );
  if (inputs.diaSources.length > MAX_RECORDS_PER_VISIT_DETECTOR)
    throw invalid(
      `at most ${MAX_RECORDS_PER_VISIT_DETECTOR} DIA sources per visit-detector, got ${inputs.diaSources.length}`,
    );
  const predictions = inputs.ssPredictions ?? [];
  if (predictions.length > MAX_SS_PREDICTIONS)
    throw invalid(
      `at most ${MAX_SS_PREDICTIONS} solar-system predictions, got ${predictions.length}`,
    );

  const sources = inputs.diaSources.map((s, i) => {
    const r = completeRecord<DiaSourceRecord>(DIA_SOURCE_COLUMNS, s, `diaSources[${i}]`);
    const owner = unpackDiaId(r.diaSourceId);
    if (
      r.visit !== visit ||
      r.detector !== detector ||
      owner.visit !== visit ||
      owner.detector !== detector
    )
      throw invalid(
        `diaSources[${i}] is not of visit ${visit} detector ${detector} or its id was not packed from them`,
      );
    return r;
  });
  const vectors = sources.map((s) => unitVector(s.ra, s.dec));

  const ssTargets = predictions.map((p, i) => {
    checkId(`ssPredictions[${i}].ssObjectId`, p.ssObjectId);
    checkSkyPosition(`ssPredictions[${i}]`, p.ra, p.dec);
    return { id: p.ssObjectId, v: unitVector(p.ra, p.dec) };
  });
  const ssMatch = matchNearest(vectors, ssTargets, ssRadius);

  const objects = new Map(preload.diaObjects.map((o) => [o.diaObjectId, o]));
  const objectTargets = preload.diaObjects.map((o) => ({
    id: o.diaObjectId,
    v: unitVector(o.ra, o.dec),
  }));
  const match = matchNearest(
    vectors.map((v, i) => (ssMatch.has(i) ? null : v)),
    objectTargets,
    radius,
  );

  const associated = sources.map((s, i) => ({
    ...s,
    ssObjectId: ssMatch.get(i) ?? null,
    diaObjectId: ssMatch.has(i) ? null : (match.get(i) ?? s.diaSourceId),
  }));

  const newDiaObjects: DiaObjectRecord[] = [];
  const gained = new Map<number, DiaSourceRecord[]>();
  associated.forEach((s, i) => {
    if (s.diaObjectId === null) return;
    if (!match.has(i)) {
      newDiaObjects.push(
        summarizeDiaObject(s.diaObjectId, [s], [], {
          newSources: 1,
          validityStartMjdTai: midpointMjdTai,
        }),
      );
      return;
    }
    const list = gained.get(s.diaObjectId);
    if (list) list.push(s);
    else gained.set(s.diaObjectId, [s]);
  });

  const history = groupBy(preload.diaSources, (s) => s.diaObjectId);
  const forced = groupBy(preload.diaForcedSources, (f) => f.diaObjectId);
  const updatedDiaObjects = [...gained.entries()].map(([id, fresh]) => {
    const freshIds = new Set(fresh.map((s) => s.diaSourceId));
    const past = (history.get(id) ?? []).filter((s) => !freshIds.has(s.diaSourceId));
    return summarizeDiaObject(id, [...past, ...fresh], forced.get(id) ?? [], {
      previous: objects.get(id),
      newSources: fresh.length,
      validityStartMjdTai: midpointMjdTai,
    });
  });
  const byId = (a: DiaObjectRecord, b: DiaObjectRecord): number => a.diaObjectId - b.diaObjectId;
  return {
    diaSources: associated,
    newDiaObjects: newDiaObjects.sort(byId),
    updatedDiaObjects: updatedDiaObjects.sort(byId),
    solarSystemSources: ssMatch.size,
  };
}

/** The APDB write of an association's results (and the visit-detector's forced sources). */
export function associationWrite(
  inputs: Pick<AssociationInputs, 'visit' | 'detector'>,
  result: AssociationResult,
  extra: Pick<ApdbWrite, 'diaForcedSources' | 'ssObjects' | 'writtenMs'> = {},
): ApdbWrite {
  return {
    visit: inputs.visit,
    detector: inputs.detector,
    diaSources: result.diaSources,
    diaObjects: [...result.newDiaObjects, ...result.updatedDiaObjects],
    ...extra,
  };
}

function groupBy<T>(items: readonly T[], key: (t: T) => number | null): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === null) continue;
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
