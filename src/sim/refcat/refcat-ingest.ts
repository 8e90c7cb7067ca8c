import { throwIfAborted } from '../../core/errors.js';
import { DATASET_TYPES, collections } from '../../registry/dataset-types.js';
import type { DatasetRef } from '../../registry/registry.js';
import type { Repo } from '../../registry/repo.js';
import { footprint, type CelestialWcs } from '../../wcs/index.js';
import type { DetectorGeometry } from '../amp-layout.js';
import {
  plannedVisit,
  plannedVisitCount,
  type NightPlanOptions,
  type PlannedVisit,
} from '../night-plan.js';
import type { SkyModel } from '../sky-catalog.js';
import { angleBetween, unitVector } from './htm.js';
import { refcatShardRows } from './refcat-catalog.js';
import { refcatShardFits } from './refcat-fits.js';
import { shardsForRegion } from './shard-region.js';

/**
 * Getting refcat shards into a repo: which shards a night needs, and writing the missing ones
 * as dataset `refcat` (data ID `{instrument, htm7}`) in run `collections.refcats`.
 */

/**
 * Visits of the plan {@link ensureRefcat} covers by default. A shard takes ~30 ms and ~120 kB;
 * a whole LSSTCam night (~870 visits, ~410 fields) needs ~18 000 shards (~10 min, ~2 GB), too
 * much for a start-up step: longer plans should add the shards of each later visit ahead of
 * its next_visit (see the report of src/sim/refcat).
 */
export const REFCAT_EAGER_VISITS = 100;

/** Margin around a pointing's focal plane, degrees: pointing errors and header WCS slop. */
export const REFCAT_FIELD_MARGIN_DEG = 1 / 60;

/** What shard selection needs of the camera: every detector's true WCS and size. */
export interface RefcatCamera {
  wcs(visit: PlannedVisit, detector: number): CelestialWcs;
  readonly focalPlane: { placement(detector: number): { readonly geometry: DetectorGeometry } };
}

/** The FITS bytes of shard `shard` (HTM id) of the reference catalog of `sky`. */
export function refcatShardBytes(sky: SkyModel, shard: number): Promise<Uint8Array> {
  return refcatShardFits(refcatShardRows(sky, shard), sky.seed);
}

/**
 * The level-7 shards (ascending) under the night's fields: for each distinct boresight, a
 * circle through the farthest detector corner of the focal plane (so any rotation of the
 * camera is covered) plus {@link REFCAT_FIELD_MARGIN_DEG}.
 */
export function shardsForVisits(
  camera: RefcatCamera,
  visits: readonly PlannedVisit[],
  detectors: readonly number[],
): number[] {
  const out = new Set<number>();
  const seen = new Set<string>();
  for (const v of visits) {
    const key = `${v.ra.toFixed(7)},${v.dec.toFixed(7)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const centre = unitVector(v.ra, v.dec);
    let radiusRad = 0;
    for (const d of detectors) {
      const g = camera.focalPlane.placement(d).geometry;
      const corners = footprint(camera.wcs(v, d), g.width, g.height);
      for (let k = 0; k < corners.ra.length; k++) {
        const c = unitVector(corners.ra[k]!, corners.dec[k]!);
        radiusRad = Math.max(radiusRad, angleBetween(centre, c));
      }
    }
    const radiusDeg = (radiusRad * 180) / Math.PI + REFCAT_FIELD_MARGIN_DEG;
    for (const s of shardsForRegion({ ra: v.ra, dec: v.dec }, radiusDeg)) out.add(s);
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * The visits whose fields the refcat must cover: every visit of the plan, or the first
 * night's when the plan has no end (`visits` 0 without `nights`); at most `maxVisits`.
 */
export function refcatPlanVisits(
  plan: NightPlanOptions,
  maxVisits = Number.POSITIVE_INFINITY,
): PlannedVisit[] {
  const all = plannedVisitCount(plan) ?? plannedVisitCount({ ...plan, nights: 1 }) ?? 0;
  const count = Math.min(all, maxVisits);
  const visits: PlannedVisit[] = [];
  for (let i = 0; i < count; i++) visits.push(plannedVisit(plan, i));
  return visits;
}

/** Options of {@link writeRefcatShards}. */
export interface WriteRefcatOptions {
  readonly instrument: string;
  readonly sky: SkyModel;
  /** HTM level-7 ids. */
  readonly shards: readonly number[];
  /** Leave shards the repo already holds untouched, without building them; default true. */
  readonly skipPresent?: boolean;
  /** Also handed each shard's bytes as it is built (e.g. to write a file). */
  readonly onShard?: (shard: number, bytes: Uint8Array) => Promise<void>;
  readonly signal?: AbortSignal;
}

/** What {@link writeRefcatShards} did. */
export interface WriteRefcatResult {
  /** Refs of the shards put (absent without a repo). */
  readonly refs: readonly DatasetRef[];
  /** Shards built. */
  readonly built: number;
  /** Shards the repo already held and that were skipped. */
  readonly present: number;
}

/**
 * Builds the shards and puts each into `repo` (when given) as dataset `refcat` in run
 * `collections.refcats(instrument)`. Idempotent: a shard already there is skipped (or, with
 * `skipPresent: false`, put again, which the repo accepts for the same bytes).
 */
export async function writeRefcatShards(
  repo: Repo | undefined,
  options: WriteRefcatOptions,
): Promise<WriteRefcatResult> {
  const { instrument, sky, signal } = options;
  const run = collections.refcats(instrument);
  const skip = options.skipPresent ?? true;
  const refs: DatasetRef[] = [];
  let built = 0;
  let present = 0;
  for (const shard of options.shards) {
    throwIfAborted(signal);
    const dataId = { instrument, htm7: shard };
    if (repo && skip && (await repo.find(DATASET_TYPES.refcat.name, dataId, [run]))) {
      present++;
      continue;
    }
    const bytes = await refcatShardBytes(sky, shard);
    built++;
    if (options.onShard) await options.onShard(shard, bytes);
    if (repo) {
      refs.push(
        await repo.put(DATASET_TYPES.refcat.name, dataId, run, bytes, signal ? { signal } : {}),
      );
    }
  }
  return { refs, built, present };
}

/**
 * The summit's refcat step, beside its calibrations: every shard the fields of the plan's
 * first `maxVisits` visits (default {@link REFCAT_EAGER_VISITS}) touch that the central repo
 * lacks is built and put. Returns the visits covered, the shards needed and how many were
 * written (0 on a second run).
 */
export async function ensureRefcat(options: {
  readonly central: Repo;
  readonly instrument: string;
  readonly sky: SkyModel;
  readonly camera: RefcatCamera;
  readonly plan: NightPlanOptions;
  readonly detectors: readonly number[];
  readonly maxVisits?: number;
  readonly signal?: AbortSignal;
}): Promise<{ visits: number; shards: number; written: number }> {
  const visits = refcatPlanVisits(options.plan, options.maxVisits ?? REFCAT_EAGER_VISITS);
  const shards = shardsForVisits(options.camera, visits, options.detectors);
  const result = await writeRefcatShards(options.central, {
    instrument: options.instrument,
    sky: options.sky,
    shards,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { visits: visits.length, shards: shards.length, written: result.built };
}
