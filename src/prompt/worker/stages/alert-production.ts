import type { DiaForcedSourceInput, DiaSourceInput } from '../../../apdb/apdb-records.js';
import {
  associate,
  associationWrite,
  DEFAULT_ASSOCIATION_RADIUS_ARCSEC,
  DEFAULT_SS_RADIUS_ARCSEC,
} from '../../../apdb/associate.js';
import { packDiaId } from '../../../apdb/dia-ids.js';
import type { SkyCircle } from '../../../apdb/sky-region.js';
import { angularDistanceDeg } from '../../../apdb/sky-region.js';
import type { Alert } from '../../../alerts/alert-schema.js';
import { buildAlert } from '../../../alerts/build-alert.js';
import { cutoutFits } from '../../../alerts/cutout.js';
import { visitAlertsContainer } from '../../../alerts/visit-alert-files.js';
import { realNowMs } from '../../../core/clock.js';
import { PromptlyError, isPromptlyError } from '../../../core/errors.js';
import { bandOf } from '../../../core/next-visit.js';
import { dayObsOf, mjdOf, TAI_MINUS_UTC_S, taiSecondsToUtcMs } from '../../../core/time.js';
import { readDiaSrc, type DiaCatalog } from '../../../pipeline/tasks/dia-src-fits.js';
import { DATASET_TYPES } from '../../../registry/dataset-types.js';
import { pixToSky } from '../../../wcs/index.js';
import { ALERT_HISTORY_DAYS, type ApdbRegionPreload } from './apdb-preload.js';
import type { IngestedRaws } from './gather-snaps.js';
import type { RunRecord } from './run-record.js';
import type { VisitDetectorCall, VisitDetectorDeps } from './run-types.js';
import { knownMoverPredictions, ssObjectsOf, ssPredictionsOf, ssSourceOf } from './solar-system.js';

/**
 * Stage 7, Alert Production's database half, when the pipeline wrote `diaSrc`: the
 * visit-detector's DIA sources are associated first with the known movers predicted on the
 * detector at the visit's midpoint (the night's known-movers catalog, `solar-system.ts`: a
 * matched source gets the mover's ssObjectId and an `ssSource`, and starts no DIA object),
 * then with the APDB's objects around the detector (and its history read, 12 months), stored
 * in the APDB once (with the matched movers' ssObject rows), and one alert per source is
 * built (object, history, three cutouts from the stamps the pipeline cut), published on
 * `alerts.<instrument>` and written as an Avro container file (`alerts` dataset) for export.
 *
 * The APDB write is the point of no return: a visit-detector that has written is never
 * processed again ({@link apdbAlreadyWritten} is asked before the pipeline runs, and a store
 * that finds the write marker is refused), so a redelivered item ends `failed` with
 * PROMPTLY_E_APDB_ALREADY_WRITTEN instead of writing its sources twice.
 */

/** What the stage did, for the outcome and the summary. */
export interface AlertProduction {
  readonly visit: number;
  readonly diaSources: number;
  readonly newDiaObjects: number;
  /** Sources associated with a known solar-system object. */
  readonly solarSystemSources: number;
  readonly alerts: number;
}

/** The error a visit-detector that has written to the APDB ends with when it comes again. */
export function alreadyWritten(visit: number, detector: number): PromptlyError {
  return new PromptlyError(
    'PROMPTLY_E_APDB_ALREADY_WRITTEN',
    `visit ${visit} detector ${detector} has written its DIA sources to the APDB already; it is not processed again (its alerts went out with the first write)`,
  );
}

/**
 * The visit id of a visit-detector's raws: the exposure id of its first snap
 * (PROMPTLY_E_PIPELINE_INPUT_MISSING when the header has no DAYOBS/SEQNUM).
 */
export function visitIdOf(raws: IngestedRaws): number {
  const first = [...raws].sort((a, b) => a.snap - b.snap)[0];
  const id = first?.summary.exposureId;
  if (id === undefined)
    throw new PromptlyError(
      'PROMPTLY_E_PIPELINE_INPUT_MISSING',
      'the raw header has no DAYOBS and SEQNUM: the visit has no id to key APDB records by',
    );
  return id;
}

/**
 * Why the visit-detector must not run: it has written to the APDB before, or its raws name no
 * visit to key APDB records by. Asked before a pipeline that makes DIA sources runs, so a
 * redelivery never computes and writes again. An APDB that is away throws.
 */
export async function apdbAlreadyWritten(
  deps: VisitDetectorDeps,
  raws: IngestedRaws,
  detector: number,
  signal: AbortSignal,
): Promise<PromptlyError | undefined> {
  let visit: number;
  try {
    visit = visitIdOf(raws);
  } catch (err) {
    if (isPromptlyError(err, 'PROMPTLY_E_PIPELINE_INPUT_MISSING')) return err;
    throw err;
  }
  return (await deps.apdb.hasWritten(visit, detector, { signal }))
    ? alreadyWritten(visit, detector)
    : undefined;
}

/** Middle of the visit, MJD TAI: from the snaps' headers, else from the next_visit. */
function midpointOf(raws: IngestedRaws, call: VisitDetectorCall): number {
  const mids = raws.map((r) => r.summary.midpointMjdTai).filter((m) => m !== undefined);
  if (mids.length > 0) return (Math.min(...mids) + Math.max(...mids)) / 2;
  const { startTime, duration } = call.visit;
  // TAI seconds since 1970 as MJD TAI, then half the visit
  return mjdOf(startTime * 1000) + duration / 2 / 86_400;
}

/** A cone around the detector's image holding every source plus the association radius. */
function regionOf(catalog: DiaCatalog, radiusArcsec: number): SkyCircle {
  const { width, height, wcs } = catalog;
  const sky = pixToSky(
    wcs,
    Float64Array.of((width - 1) / 2, 0, 0, width - 1, width - 1),
    Float64Array.of((height - 1) / 2, 0, height - 1, 0, height - 1),
  );
  const ra = sky.ra[0]!;
  const dec = sky.dec[0]!;
  let radius = 0;
  for (let k = 1; k < 5; k++)
    radius = Math.max(radius, angularDistanceDeg(ra, dec, sky.ra[k]!, sky.dec[k]!));
  return { kind: 'circle', ra, dec, radiusDeg: radius + (2 * radiusArcsec) / 3600 };
}

/** nJy per e⁻ for an AB zero point (magnitude of 1 e⁻): AB mag 31.4 is 1 nJy. */
function nJyPerElectron(zeroPointMag: number | undefined): number | undefined {
  return zeroPointMag === undefined ? undefined : 10 ** ((31.4 - zeroPointMag) / 2.5);
}

/** The catalog's sources as APDB/alert diaSource inputs, ids packed from the visit. */
function diaSourceInputs(
  catalog: DiaCatalog,
  where: { visit: number; detector: number; midpointMjdTai: number; band: string },
): DiaSourceInput[] {
  const s = catalog.sources;
  const scale = nJyPerElectron(catalog.zeroPointMag);
  const now = mjdOf(Date.now() + TAI_MINUS_UTC_S * 1000);
  const flux = (e: number) => (scale === undefined || !Number.isFinite(e) ? null : e * scale);
  const finite = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : null);
  const { cd } = catalog.wcs;
  const arcsecPerPx = Math.sqrt(Math.abs(cd[0] * cd[3] - cd[1] * cd[2])) * 3600;
  const m = catalog.sources.measurements;
  const out: DiaSourceInput[] = [];
  for (let k = 0; k < s.length; k++) {
    const flags = s.flags[k]!;
    const psfFlux = flux(m?.psfFlux[k] ?? NaN);
    out.push({
      diaSourceId: packDiaId(where.visit, where.detector, k),
      visit: where.visit,
      detector: where.detector,
      midpointMjdTai: where.midpointMjdTai,
      ra: ((s.ra[k]! % 360) + 360) % 360,
      dec: s.dec[k]!,
      x: s.x[k]!,
      y: s.y[k]!,
      apFlux: flux(s.apFlux[k]!),
      apFluxErr: flux(s.apFluxErr[k]!),
      apFlux_flag: scale === undefined,
      isNegative: s.isNegative[k] === 1,
      snr: Number.isFinite(s.snr[k]) ? s.snr[k]! : null,
      psfFlux,
      psfFluxErr: flux(m?.psfFluxErr[k] ?? NaN),
      psfChi2: finite(m?.psfChi2[k]),
      psfNdata: m?.psfNdata[k] ?? 0,
      psfFlux_flag: psfFlux === null,
      trailFlux: flux(m?.trailFlux[k] ?? NaN),
      trailFluxErr: flux(m?.trailFluxErr[k] ?? NaN),
      trailLength: finite((m?.trailLength[k] ?? NaN) * arcsecPerPx),
      trailAngle: finite(((m?.trailAngle[k] ?? NaN) * 180) / Math.PI),
      trailNdata: m?.trailNdata[k] ?? 0,
      dipoleMeanFlux: flux(m?.dipoleMeanFlux[k] ?? NaN),
      dipoleFluxDiff: flux(m?.dipoleFluxDiff[k] ?? NaN),
      dipoleLength: finite((m?.dipoleLength[k] ?? NaN) * arcsecPerPx),
      dipoleAngle: finite(((m?.dipoleAngle[k] ?? NaN) * 180) / Math.PI),
      dipoleChi2: finite(m?.dipoleChi2[k]),
      dipoleNdata: m?.dipoleNdata[k] ?? 0,
      isDipole: m ? m.isDipole[k] === 1 : null,
      scienceFlux: flux(m?.scienceFlux[k] ?? NaN),
      scienceFluxErr: flux(m?.scienceFluxErr[k] ?? NaN),
      ...(s.reliability ? { reliability: reliabilityOf(s.reliability[k]!) } : {}),
      band: where.band,
      timeProcessedMjdTai: now,
      bboxSize: catalog.stamps?.size ?? 0,
      pixelFlags: flags !== 0,
    });
  }
  return out;
}

/** The forced photometry of the preloaded objects as APDB diaForcedSource inputs, in nJy. */
function diaForcedSourceInputs(
  catalog: DiaCatalog,
  where: { visit: number; detector: number; midpointMjdTai: number; band: string },
): DiaForcedSourceInput[] {
  const f = catalog.forced;
  if (!f) return [];
  const scale = nJyPerElectron(catalog.zeroPointMag);
  const flux = (e: number) => (scale === undefined || !Number.isFinite(e) ? null : e * scale);
  const now = mjdOf(Date.now() + TAI_MINUS_UTC_S * 1000);
  return Array.from({ length: f.length }, (_, k) => ({
    diaForcedSourceId: packDiaId(where.visit, where.detector, k),
    diaObjectId: f.diaObjectId[k]!,
    ra: ((f.ra[k]! % 360) + 360) % 360,
    dec: f.dec[k]!,
    visit: where.visit,
    detector: where.detector,
    psfFlux: flux(f.psfFlux[k]!),
    psfFluxErr: flux(f.psfFluxErr[k]!),
    midpointMjdTai: where.midpointMjdTai,
    scienceFlux: flux(f.scienceFlux[k]!),
    scienceFluxErr: flux(f.scienceFluxErr[k]!),
    band: where.band,
    timeProcessedMjdTai: now,
  }));
}

/** A catalog's reliability as the diaSource field: [0, 1], or null when not a number. */
function reliabilityOf(v: number): number | null {
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : null;
}

/** Records grouped by their object's id. */
function byObject<T extends { readonly diaObjectId: number | null }>(
  records: readonly T[],
): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const r of records) {
    if (r.diaObjectId === null) continue;
    const list = out.get(r.diaObjectId);
    if (list) list.push(r);
    else out.set(r.diaObjectId, [r]);
  }
  return out;
}

/** The three cutouts of source k, from the stamps the pipeline cut. */
async function cutoutsOf(catalog: DiaCatalog, k: number) {
  const stamps = catalog.stamps;
  if (!stamps) return {};
  const plane = stamps.size * stamps.size;
  const box = { x0: stamps.x0[k]!, y0: stamps.y0[k]!, size: stamps.size };
  const cut = (pixels: Float32Array, what: string) =>
    cutoutFits(pixels.subarray(k * plane, (k + 1) * plane), box, catalog.wcs, [
      ['BUNIT', 'electron'],
      ['EXPTYPE', what],
    ]);
  return {
    difference: await cut(stamps.difference, 'difference'),
    science: await cut(stamps.science, 'science'),
    template: await cut(stamps.template, 'template'),
  };
}

/** Codes that end the visit-detector `failed` (anything else is infrastructure: redelivered). */
const STAGE_FAILURES = new Set([
  'PROMPTLY_E_APDB_ALREADY_WRITTEN',
  'PROMPTLY_E_APDB_INVALID',
  'PROMPTLY_E_APDB_CONFLICT',
  'PROMPTLY_E_ALERT_INVALID',
  'PROMPTLY_E_PIPELINE_INPUT_MISSING',
  'PROMPTLY_E_EPHEMERIS_INVALID',
]);

/** Whether an error of the stage is the visit-detector's result, not the system's. */
function isStageFailure(err: unknown): err is PromptlyError {
  return isPromptlyError(err) && STAGE_FAILURES.has(err.code);
}

/**
 * Runs the stage when the run wrote `diaSrc`; resolves with the error the visit-detector
 * ends `failed` with (PROMPTLY_E_APDB_ALREADY_WRITTEN for a second write, a bad catalog or
 * record), undefined when it succeeded or had nothing to do. An APDB or bus that is away
 * rejects with its own code, and the item is redelivered.
 */
export async function produceAlerts(
  options: Parameters<typeof runAlertStage>[0],
): Promise<PromptlyError | undefined> {
  try {
    await runAlertStage(options);
    return undefined;
  } catch (err) {
    if (isStageFailure(err)) return err;
    throw err;
  }
}

/** The stage itself (see {@link produceAlerts}); undefined when the run wrote no `diaSrc`. */
export async function runAlertStage(options: {
  readonly deps: VisitDetectorDeps;
  readonly call: VisitDetectorCall;
  readonly run: RunRecord;
  readonly raws: IngestedRaws;
  readonly radiusArcsec?: number;
  /** What was read from the APDB at next_visit; read here when absent. */
  readonly apdbRegion?: ApdbRegionPreload;
}): Promise<AlertProduction | undefined> {
  const { deps, call, run } = options;
  const { signal } = call;
  const ref = run.outputs.find((r) => r.datasetType === DATASET_TYPES.diaSrc.name);
  if (!ref) return undefined;
  const visit = visitIdOf(options.raws);
  const { detector, instrument } = run;
  const midpointMjdTai = midpointOf(options.raws, call);
  const catalog = await readDiaSrc(await deps.local.get(ref, { signal }), signal);
  const radiusArcsec = options.radiusArcsec ?? DEFAULT_ASSOCIATION_RADIUS_ARCSEC;
  const preload =
    options.apdbRegion?.preload ??
    (await deps.apdb.preload(
      {
        region: regionOf(catalog, radiusArcsec),
        sinceMjdTai: midpointMjdTai - ALERT_HISTORY_DAYS,
      },
      { signal },
    ));
  const band = bandOf(call.visit.filters);
  const movers = await knownMoverPredictions({
    local: deps.local,
    central: deps.central,
    instrument,
    dayObs: dayObsOf(taiSecondsToUtcMs(call.visit.startTime)),
    midpointMjdTai,
    region: regionOf(catalog, DEFAULT_SS_RADIUS_ARCSEC),
    signal,
  });
  const result = associate({
    visit,
    detector,
    midpointMjdTai,
    diaSources: diaSourceInputs(catalog, { visit, detector, midpointMjdTai, band }),
    preload,
    radiusArcsec,
    ssPredictions: ssPredictionsOf(movers),
  });
  const moverById = new Map(movers.map((m) => [m.mover.ssObjectId, m]));
  const objects = new Map(
    [...result.newDiaObjects, ...result.updatedDiaObjects].map((o) => [o.diaObjectId, o]),
  );
  const history = byObject(preload.diaSources);
  const forced = byObject(preload.diaForcedSources);
  const alerts: Alert[] = [];
  for (let k = 0; k < result.diaSources.length; k++) {
    const source = result.diaSources[k]!;
    const id = source.diaObjectId;
    const mover = source.ssObjectId === null ? undefined : moverById.get(source.ssObjectId);
    alerts.push(
      buildAlert({
        diaSource: source,
        ssSource: mover ? ssSourceOf(source, mover) : null,
        diaObject: id === null ? null : (objects.get(id) ?? null),
        prvDiaSources: id === null ? [] : (history.get(id) ?? []),
        prvDiaForcedSources: id === null ? [] : (forced.get(id) ?? []),
        cutouts: await cutoutsOf(catalog, k),
        observationReason: call.visit.survey,
        targetName: null,
      }),
    );
  }
  const container = await visitAlertsContainer({ instrument, visit, detector }, alerts, signal);

  // The point of no return: everything that can fail on the data is done before it.
  try {
    await deps.apdb.store(
      associationWrite({ visit, detector }, result, {
        diaForcedSources: diaForcedSourceInputs(catalog, {
          visit,
          detector,
          midpointMjdTai,
          band,
        }),
        ssObjects: ssObjectsOf(result.diaSources, movers),
      }),
      { signal },
    );
  } catch (err) {
    if (isPromptlyError(err, 'PROMPTLY_E_APDB_ALREADY_WRITTEN'))
      throw alreadyWritten(visit, detector);
    throw err;
  }
  run.emit('apdb.written', {
    visit,
    diaSources: result.diaSources.length,
    diaForcedSources: catalog.forced?.length ?? 0,
    newDiaObjects: result.newDiaObjects.length,
    updatedDiaObjects: result.updatedDiaObjects.length,
    solarSystemSources: result.solarSystemSources,
  });

  const published = await deps.alerts.publishAll(alerts, { signal });
  run.marks.alertsPublishedMs = realNowMs();
  run.outputs.push(
    await deps.local.put(
      DATASET_TYPES.alerts.name,
      { instrument, detector, group: run.group },
      run.outputRun,
      container,
      { signal },
    ),
  );
  run.alerts = published;
  run.emit('alerts.published', { visit, alerts: published });
  return {
    visit,
    diaSources: result.diaSources.length,
    newDiaObjects: result.newDiaObjects.length,
    solarSystemSources: result.solarSystemSources,
    alerts: published,
  };
}
