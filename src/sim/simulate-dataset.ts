import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { throwIfAborted } from '../core/errors.js';
import { getInstrument, activeDetectors, type DetectorPurpose } from '../core/instruments.js';
import { isoNoZone } from '../core/time.js';
import { formatRawKey } from '../core/raw-key.js';
import { DATASET_TYPES, collections } from '../registry/dataset-types.js';
import type { DatasetRef } from '../registry/registry.js';
import type { Repo } from '../registry/repo.js';
import { calibrationProducts, calibrationValidity } from './calibrations.js';
import { parseFaults, type FaultSpec } from './faults.js';
import { plannedVisit, plannedVisitCount, type PlannedVisit } from './night-plan.js';
import { damageRaw, visitActions, type SummitAction } from './night-script.js';
import { SimCamera } from './sim-camera.js';
import { TruthCollector } from './truth-files.js';
import {
  simCameraOptions,
  simCoaddSpec,
  simMasterOptions,
  simPlanOptions,
  type SimConfig,
} from './sim-options.js';
import { WRITE_DELAY_MS } from './summit.js';
import { cameraTemplateGrid, templatePatches, writeTemplates } from './template-ingest.js';
import { shardsForVisits, writeRefcatShards } from './refcat/index.js';
import { knownMoversByNight, writeKnownMovers } from './asteroids/index.js';

/** Options of {@link simulateDataset}. */
export interface SimulateDatasetOptions {
  readonly instrument: string;
  readonly sim: SimConfig;
  /** Output directory (created). */
  readonly outDir: string;
  /** First exposure, ms UTC; default: the plan's true time (evening twilight of `sim.nightDate`). */
  readonly firstStartMs?: number;
  /** Detector purposes simulated; default science only. */
  readonly purposes?: readonly DetectorPurpose[];
  /** Also ingest calibrations and templates into this (central) repo. */
  readonly repo?: Repo;
  /** Write templates; default true. */
  readonly templates?: boolean;
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
}

/** What {@link simulateDataset} wrote, also saved as `manifest.json`. */
export interface DatasetManifest {
  readonly instrument: string;
  readonly seed: number;
  readonly scale: number;
  readonly faults: readonly FaultSpec[];
  readonly visits: readonly {
    readonly index: number;
    readonly groupId: string;
    readonly survey: string;
    readonly band: string;
    readonly snaps: number;
    readonly exposureTimeS: number;
    readonly ra: number;
    readonly dec: number;
    readonly rotationDeg: number;
    readonly seeingArcsec: number;
    /** Night from 0, survey field and pair (0 first, 1 revisit) of the visit. */
    readonly night: number;
    readonly fieldId?: number;
    readonly pair?: 0 | 1;
    /** Alt/az, air mass, Sun, Moon, sky brightness and weather at mid-visit (true time). */
    readonly conditions?: PlannedVisit['conditions'];
  }[];
  /** Relative paths of every raw, in event order. */
  readonly raws: readonly string[];
  readonly calibrations: readonly string[];
  readonly templates: readonly string[];
  /** Reference-catalog shards under the visits' fields, `refcat/refcat-<htm7>.fits`. */
  readonly refcats: readonly string[];
  /** Known-movers catalogs, one per observing night, `ssObjects/ssObjects-<day_obs>.json`. */
  readonly ssObjects: readonly string[];
  readonly truth: readonly string[];
  /** Event log, one JSON object per line. */
  readonly events: string;
}

/** One line of `events.jsonl`. */
function eventLine(a: SummitAction, file?: string): string {
  const base = { time: isoNoZone(a.atMs), kind: a.kind, group: a.visit.groupId };
  if (a.kind === 'next_visit') return JSON.stringify({ ...base, event: a.event });
  if (a.kind === 'ocs') return JSON.stringify({ ...base, event: a.event, snap: a.snap });
  return JSON.stringify({
    ...base,
    detector: a.detector,
    snap: a.snap,
    seqNum: a.seqNum,
    file,
    ...(a.damage ? { damage: a.damage } : {}),
  });
}

/**
 * Simulates a night offline into a self-contained directory, with no clock: `raws/` (one
 * Rice-compressed FITS per detector per snap, at the raw-store key), `calib/` (bias, dark,
 * flat per band, defects, crosstalk, linearizer, with validity), `templates/<band>/` (deep templates of every sky patch
 * the visits touch), `refcat/` (the reference-catalog shards under
 * the fields, `src/sim/refcat`), `ssObjects/` (the known-movers catalog of each night,
 * `src/sim/asteroids`), `truth/<group>/<detector>.json` (injected transients per snap),
 * `events.jsonl` (next_visit, OCS events and file writes with their summit times, faults
 * applied) and `manifest.json`. The same options give byte-identical files.
 */
export async function simulateDataset(options: SimulateDatasetOptions): Promise<DatasetManifest> {
  const { sim, outDir, signal } = options;
  const log = options.log ?? (() => {});
  const instrument = getInstrument(options.instrument);
  const detectors = activeDetectors(instrument, options.purposes ?? ['science']).map((d) => d.id);
  const camera = new SimCamera(simCameraOptions(instrument.name, sim));
  const plan = simPlanOptions(instrument.name, sim, options.firstStartMs);
  const faults = parseFaults(sim.faults);
  const visits: PlannedVisit[] = [];
  const count = plannedVisitCount(plan) ?? 1;
  for (let i = 0; i < count; i++) visits.push(plannedVisit(plan, i));
  await mkdir(outDir, { recursive: true });

  // Calibrations, valid for the night.
  const validity = calibrationValidity(visits[0]!.startMs);
  const bands = [...new Set(visits.map((v) => v.band))].sort();
  const calibFiles: string[] = [];
  const calibRefs: DatasetRef[] = [];
  for (const detector of detectors) {
    throwIfAborted(signal);
    const products = await calibrationProducts({
      instrument,
      detector,
      bands,
      geometry: camera.focalPlane.placement(detector).geometry,
      model: camera.model(detector),
      validity,
      masters: simMasterOptions(sim),
    });
    for (const p of products) {
      const file = path.join('calib', p.file);
      await writeAt(outDir, file, p.bytes);
      calibFiles.push(file);
      if (options.repo) {
        calibRefs.push(
          await options.repo.put(
            DATASET_TYPES[p.datasetType].name,
            p.dataId,
            collections.calibRun(instrument.name),
            p.bytes,
            signal ? { signal } : {},
          ),
        );
      }
    }
  }
  if (options.repo)
    await options.repo.registry.certify(collections.calib(instrument.name), calibRefs, validity);
  log(`calibrations: ${calibFiles.length} files`);

  // Templates of every patch any visit-detector touches, per band, after the sky map.
  const templateFiles: string[] = [];
  if (options.templates ?? true) {
    const grid = cameraTemplateGrid(camera, detectors);
    await writeTemplates(options.repo, {
      instrument: instrument.name,
      sky: camera.sky,
      camera,
      grid,
      patches: templatePatches(camera, grid, visits, detectors),
      coadd: simCoaddSpec(options.sim),
      skipPresent: false,
      onTemplate: async (band, p, bytes) => {
        const file = path.join('templates', band, `template-${p.id}.fits`);
        await writeAt(outDir, file, bytes);
        templateFiles.push(file);
      },
      ...(signal ? { signal } : {}),
    });
  }
  log(`templates: ${templateFiles.length} files`);

  // Reference catalog: the HTM level-7 shards under the visits' fields (dataset refcat).
  const refcatFiles: string[] = [];
  await writeRefcatShards(options.repo, {
    instrument: instrument.name,
    sky: camera.sky,
    shards: shardsForVisits(camera, visits, detectors),
    skipPresent: false,
    onShard: async (shard, bytes) => {
      const file = path.join('refcat', `refcat-${shard}.fits`);
      await writeAt(outDir, file, bytes);
      refcatFiles.push(file);
    },
    ...(signal ? { signal } : {}),
  });
  log(`refcat: ${refcatFiles.length} shards`);

  // Known movers: the orbits of the known asteroids near each night's fields (dataset ssObjects).
  const ssObjectFiles: string[] = [];
  if (sim.asteroidsPerDeg2 > 0) {
    await writeKnownMovers(options.repo, {
      instrument: instrument.name,
      byNight: knownMoversByNight({
        sky: {
          seed: sim.seed,
          densityPerDeg2: sim.asteroidsPerDeg2,
          knownFraction: sim.knownAsteroidFraction,
        },
        camera,
        visits,
        detectors,
        ...(signal ? { signal } : {}),
      }),
      onNight: async (dayObs, bytes) => {
        const file = path.join('ssObjects', `ssObjects-${dayObs}.json`);
        await writeAt(outDir, file, bytes);
        ssObjectFiles.push(file);
      },
      ...(signal ? { signal } : {}),
    });
  }
  log(`ssObjects: ${ssObjectFiles.length} nights`);

  // The night: every action in summit-time order, raws rendered as they are written.
  const actions: SummitAction[] = [];
  let seq = 0;
  for (const v of visits) {
    actions.push(
      ...visitActions(
        v,
        detectors,
        seq,
        {
          instrument: instrument.name,
          leadTimeMs: sim.leadTimeMs,
          readoutS: sim.readoutS,
          writeDelayMs: WRITE_DELAY_MS,
        },
        faults,
      ),
    );
    seq += v.snaps;
  }
  actions.sort((a, b) => a.atMs - b.atMs);
  const events: string[] = [];
  const raws: string[] = [];
  const truth = new TruthCollector();
  for (const a of actions) {
    throwIfAborted(signal);
    if (a.kind !== 'raw') {
      events.push(eventLine(a));
      continue;
    }
    const raw = await camera.raw(a.visit, a.detector, a.snap, a.openMs, a.seqNum);
    const file = path.join(
      'raws',
      formatRawKey({
        instrument: instrument.name,
        detector: a.detector,
        group: a.visit.groupId,
        snap: a.snap,
      }),
    );
    await writeAt(outDir, file, a.damage ? damageRaw(raw.bytes, a.damage) : raw.bytes);
    raws.push(file);
    events.push(eventLine(a, file));
    truth.add(a.visit, a.detector, raw.truth);
  }
  log(`raws: ${raws.length} files`);
  const truthFiles = await truth.write(outDir, instrument.name);
  await writeAt(outDir, 'events.jsonl', new TextEncoder().encode(events.join('\n') + '\n'));
  const manifest: DatasetManifest = {
    instrument: instrument.name,
    seed: sim.seed,
    scale: camera.focalPlane.linearScale,
    faults,
    visits: visits.map((v) => ({
      index: v.index,
      groupId: v.groupId,
      survey: v.survey,
      band: v.band,
      snaps: v.snaps,
      exposureTimeS: v.exposureTimeS,
      ra: v.ra,
      dec: v.dec,
      rotationDeg: v.rotationDeg,
      seeingArcsec: v.seeingArcsec ?? 0.8,
      night: v.night ?? 0,
      ...(v.fieldId === undefined ? {} : { fieldId: v.fieldId }),
      ...(v.pair === undefined ? {} : { pair: v.pair }),
      ...(v.conditions ? { conditions: v.conditions } : {}),
    })),
    raws,
    calibrations: calibFiles,
    templates: templateFiles,
    refcats: refcatFiles,
    ssObjects: ssObjectFiles,
    truth: truthFiles,
    events: 'events.jsonl',
  };
  await writeAt(
    outDir,
    'manifest.json',
    new TextEncoder().encode(JSON.stringify(manifest, null, 2) + '\n'),
  );
  return manifest;
}

async function writeAt(root: string, rel: string, bytes: Uint8Array): Promise<void> {
  const full = path.join(root, rel);
  await mkdir(path.dirname(full), { recursive: true });
  await writeFile(full, bytes);
}
