import { throwIfAborted } from '../../core/errors.js';
import { dayObsOf } from '../../core/time.js';
import { DATASET_TYPES, collections } from '../../registry/dataset-types.js';
import type { Repo } from '../../registry/repo.js';
import { mjdTtOfUtcMs, moverCatalogBytes, type KnownMover } from '../../science/ephemeris/index.js';
import { footprint } from '../../wcs/index.js';
import type { NightPlanOptions, PlannedVisit } from '../night-plan.js';
import {
  REFCAT_EAGER_VISITS,
  refcatPlanVisits,
  type RefcatCamera,
} from '../refcat/refcat-ingest.js';
import { asteroidsNear, type AsteroidSky } from './asteroid-population.js';

/**
 * The known-movers catalog the simulator hands the worker: for each observing night (day_obs
 * of the visits' own clock, as their headers and next_visit state it), the known asteroids
 * (`SimAsteroid.known`) that come near any of that night's fields at any time of the night —
 * sampled every {@link SAMPLE_HOURS} hours over the night's day_obs, within the focal plane's
 * radius plus {@link FIELD_MARGIN_DEG} — as an MPCORB-like list of orbits (dataset
 * `ssObjects`). It depends on the fields and the night, not on the minute the night starts,
 * so a second run of the same night writes the same bytes.
 */

/** Hours between the times at which a night's fields are searched. */
export const SAMPLE_HOURS = 3;
/** Added to a field's radius, degrees: what a main-belt object moves in a sample step, and more. */
export const FIELD_MARGIN_DEG = 0.1;

/** A known asteroid as the catalog carries it. */
function moverOf(a: {
  ssObjectId: number;
  designation: string;
  elements: KnownMover['elements'];
  hMag: number;
  g: number;
}): KnownMover {
  return {
    ssObjectId: a.ssObjectId,
    designation: a.designation,
    elements: a.elements,
    hMag: a.hMag,
    g: a.g,
  };
}

/** Boresight and radius (degrees, through the farthest detector corner) of each distinct field. */
function fieldsOf(
  camera: RefcatCamera,
  visits: readonly PlannedVisit[],
  detectors: readonly number[],
): { ra: number; dec: number; radiusDeg: number }[] {
  const out = new Map<string, { ra: number; dec: number; radiusDeg: number }>();
  for (const v of visits) {
    const key = `${v.ra.toFixed(7)},${v.dec.toFixed(7)}`;
    if (out.has(key)) continue;
    let radius = 0;
    const c = unit(v.ra, v.dec);
    for (const d of detectors) {
      const g = camera.focalPlane.placement(d).geometry;
      const corners = footprint(camera.wcs(v, d), g.width, g.height);
      for (let k = 0; k < corners.ra.length; k++) {
        const p = unit(corners.ra[k]!, corners.dec[k]!);
        const chord = Math.hypot(p[0] - c[0], p[1] - c[1], p[2] - c[2]);
        radius = Math.max(radius, (2 * Math.asin(Math.min(1, chord / 2)) * 180) / Math.PI);
      }
    }
    out.set(key, { ra: v.ra, dec: v.dec, radiusDeg: radius });
  }
  return [...out.values()];
}

function unit(raDeg: number, decDeg: number): [number, number, number] {
  const a = (raDeg * Math.PI) / 180;
  const d = (decDeg * Math.PI) / 180;
  return [Math.cos(d) * Math.cos(a), Math.cos(d) * Math.sin(a), Math.sin(d)];
}

/** UTC ms of the start of an observing day YYYYMMDD (day_obs runs from 12:00 UTC). */
function dayObsStartMs(dayObs: number): number {
  const y = Math.floor(dayObs / 10_000);
  const m = Math.floor(dayObs / 100) % 100;
  const d = dayObs % 100;
  return Date.UTC(y, m - 1, d, 12);
}

/**
 * The known movers of each observing night of `visits` (their `startMs` clock), by day_obs,
 * movers by id.
 */
export function knownMoversByNight(options: {
  readonly sky: AsteroidSky;
  readonly camera: RefcatCamera;
  readonly visits: readonly PlannedVisit[];
  readonly detectors: readonly number[];
  readonly signal?: AbortSignal;
}): Map<number, KnownMover[]> {
  const byNight = new Map<number, PlannedVisit[]>();
  for (const v of options.visits) {
    const day = dayObsOf(v.startMs);
    const list = byNight.get(day);
    if (list) list.push(v);
    else byNight.set(day, [v]);
  }
  const out = new Map<number, KnownMover[]>();
  for (const [day, visits] of [...byNight].sort((a, b) => a[0] - b[0])) {
    const fields = fieldsOf(options.camera, visits, options.detectors);
    const movers = new Map<number, KnownMover>();
    const start = dayObsStartMs(day);
    for (let h = 0; h <= 24; h += SAMPLE_HOURS) {
      throwIfAborted(options.signal);
      const t = mjdTtOfUtcMs(start + h * 3_600_000);
      for (const f of fields) {
        for (const { asteroid } of asteroidsNear(
          options.sky,
          f.ra,
          f.dec,
          f.radiusDeg + FIELD_MARGIN_DEG,
          t,
        )) {
          if (asteroid.known && !movers.has(asteroid.ssObjectId))
            movers.set(asteroid.ssObjectId, moverOf(asteroid));
        }
      }
    }
    out.set(
      day,
      [...movers.values()].sort((a, b) => a.ssObjectId - b.ssObjectId),
    );
  }
  return out;
}

/**
 * Puts each night's catalog into `repo` (when given) as dataset `ssObjects` (instrument,
 * day_obs) in run `collections.ssObjects`, unless the repo holds that night's catalog already
 * (a second run of the night; its catalog stays), and hands each to `onNight` (e.g. to write
 * a file). Returns the nights written and the movers in them.
 */
export async function writeKnownMovers(
  repo: Repo | undefined,
  options: {
    readonly instrument: string;
    readonly byNight: ReadonlyMap<number, readonly KnownMover[]>;
    readonly onNight?: (dayObs: number, bytes: Uint8Array) => Promise<void>;
    readonly signal?: AbortSignal;
  },
): Promise<{ nights: number; movers: number; present: number }> {
  const run = collections.ssObjects(options.instrument);
  let nights = 0;
  let movers = 0;
  let present = 0;
  for (const [dayObs, list] of options.byNight) {
    throwIfAborted(options.signal);
    const bytes = moverCatalogBytes(list);
    if (options.onNight) await options.onNight(dayObs, bytes);
    const dataId = { instrument: options.instrument, day_obs: dayObs };
    if (repo) {
      if (await repo.find(DATASET_TYPES.ssObjects.name, dataId, [run])) {
        present++;
        continue;
      }
      await repo.put(
        DATASET_TYPES.ssObjects.name,
        dataId,
        run,
        bytes,
        options.signal ? { signal: options.signal } : {},
      );
    }
    nights++;
    movers += list.length;
  }
  return { nights, movers, present };
}

/**
 * The summit's known-movers step, beside its calibrations and reference catalog: the catalog of
 * each night of the plan's first `maxVisits` visits (default 100) that the central repo lacks.
 * `plan` must be on the clock the summit will observe with (its next_visits and headers).
 */
export async function ensureKnownMovers(options: {
  readonly central: Repo;
  readonly instrument: string;
  readonly sky: AsteroidSky;
  readonly camera: RefcatCamera;
  readonly plan: NightPlanOptions;
  readonly detectors: readonly number[];
  readonly maxVisits?: number;
  readonly signal?: AbortSignal;
}): Promise<{ nights: number; movers: number; present: number }> {
  const visits = refcatPlanVisits(options.plan, options.maxVisits ?? REFCAT_EAGER_VISITS);
  const byNight = knownMoversByNight({
    sky: options.sky,
    camera: options.camera,
    visits,
    detectors: options.detectors,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return writeKnownMovers(options.central, {
    instrument: options.instrument,
    byNight,
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
