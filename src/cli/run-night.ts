import { writeFile } from 'node:fs/promises';
import { deploymentClock, realNowMs } from '../core/clock.js';
import type { Config } from '../core/config.js';
import { activeDetectors, getInstrument } from '../core/instruments.js';
import type { NightSummary } from '../observe/night-summary.js';
import { createStatusEmitter } from '../observe/status-emitter.js';
import { defaultPipelinesFile } from '../pipeline/default-pipelines.js';
import { loadPipelineSet } from '../pipeline/pipeline-set.js';
import { needsTemplates } from '../pipeline/selection.js';
import { builtinTaskRegistry } from '../pipeline/tasks/builtin-tasks.js';
import { createOutcomeRecorder, startPromptService } from '../prompt/prompt-service.js';
import { ensureTopology } from '../prompt/topology.js';
import { ensureCalibrations } from '../sim/calibrations.js';
import { SimCamera } from '../sim/sim-camera.js';
import { ensureRefcat } from '../sim/refcat/index.js';
import { ensureTemplates } from '../sim/template-ingest.js';
import { ensureKnownMovers } from '../sim/asteroids/index.js';
import {
  simCameraOptions,
  simCoaddSpec,
  simMasterOptions,
  simPlanOptions,
} from '../sim/sim-options.js';
import { Summit } from '../sim/summit.js';
import { TruthCollector } from '../sim/truth-files.js';
import { scoreRun } from '../score/score-run.js';
import { openBackends } from './embedded-backends.js';
import { CatchUpWatch } from './jobs/catch-up-watch.js';
import { startJobService, type JobService } from './jobs/job-service.js';
import { startNightArchive, type ArchiveCounts, type NightArchive } from './night-archive.js';
import { NightWatch } from './night-watch.js';

export interface RunNightOptions {
  readonly config: Config;
  /** Where to write the JSON summary. */
  readonly summaryFile?: string;
  /** Live display (default: on). */
  readonly display?: boolean;
  /** Stops the night early: announced visits still finish (Ctrl-C). */
  readonly signal?: AbortSignal;
  /** Aborts work in flight too (second Ctrl-C). */
  readonly hardSignal?: AbortSignal;
  readonly log?: (line: string) => void;
}

/**
 * A night in miniature, in one process on the embedded backends: the summit simulator
 * announces visits and writes raws; fan-out, worker and central repo process them. Resolves
 * with the summary once every announced visit-detector has its outcome.
 */
export async function runNight(options: RunNightOptions): Promise<NightSummary> {
  const { config } = options;
  const log = options.log ?? (() => {});
  const instrument = getInstrument(config.instrument);
  const detectors = activeDetectors(instrument, config.fanout.detectorPurposes).map((d) => d.id);
  const clock = deploymentClock(config.sim);
  const nightStartMs = realNowMs();
  const backends = await openBackends(config, clock);
  let archive: NightArchive | undefined;
  let jobs: JobService | undefined;
  const catchUp = new CatchUpWatch();
  const { bus } = backends;
  try {
    const pipelines = loadPipelineSet(
      config.pipelines.file ?? defaultPipelinesFile(),
      builtinTaskRegistry(),
    );
    const archiveOn = config.archive.enabled;
    // with the archive path the camera's DAQ holds the camera's own header; the image writer
    // merges the header service's metadata
    const camera = new SimCamera({
      ...simCameraOptions(instrument.name, config.sim),
      ...(archiveOn ? { headerService: false } : {}),
    });
    const written = await ensureCalibrations({
      central: backends.central,
      instrument,
      detectors,
      bands: config.sim.bands,
      geometry: (d) => camera.focalPlane.placement(d).geometry,
      model: (d) => camera.model(d),
      timeMs: clock.now(),
      masters: simMasterOptions(config.sim),
    });
    log(`calibrations: ${written} written to the central repo`);
    const refcat = await ensureRefcat({
      central: backends.central,
      instrument: instrument.name,
      sky: camera.sky,
      camera,
      plan: simPlanOptions(instrument.name, config.sim),
      detectors,
      ...(options.hardSignal ? { signal: options.hardSignal } : {}),
    });
    log(
      `refcat: ${refcat.written} of ${refcat.shards} shards (fields of ${refcat.visits} visits) written to the central repo`,
    );
    if (needsTemplates(pipelines, instrument.name)) {
      const templates = await ensureTemplates({
        central: backends.central,
        instrument: instrument.name,
        sky: camera.sky,
        camera,
        plan: simPlanOptions(instrument.name, config.sim),
        detectors,
        coadd: simCoaddSpec(config.sim),
        ...(options.hardSignal ? { signal: options.hardSignal } : {}),
      });
      log(
        `templates: ${templates.rendered} of ${templates.templates} (fields of ${templates.visits} visits) rendered into the central repo`,
      );
    }

    if (camera.options.asteroids) {
      const movers = await ensureKnownMovers({
        central: backends.central,
        instrument: instrument.name,
        sky: camera.options.asteroids,
        camera,
        // on the summit's clock: the night it is about to observe
        plan: simPlanOptions(instrument.name, config.sim, clock.now() + config.sim.leadTimeMs),
        detectors,
        ...(options.hardSignal ? { signal: options.hardSignal } : {}),
      });
      log(
        `ssObjects: ${movers.movers} known movers of ${movers.nights} nights written to the central repo`,
      );
    }

    await ensureTopology(bus, instrument.name, config.worker);
    const watch = await NightWatch.start({
      bus,
      ledger: backends.ledger,
      outcomes: createOutcomeRecorder({ central: backends.central, bus, clock }),
      instrument: instrument.name,
      detectorsPerVisit: detectors.length,
      display: options.display !== false,
      log,
    });

    const service = await startPromptService({ config, clock, ...backends, pipelines });
    log(`fan-out listening on ${service.url ?? '(bus only)'}`);
    jobs = config.jobs.enabled
      ? await startJobService(config, {
          bus,
          log,
          defaultPort: 0,
          onChange: catchUp.onChange,
          onReprocessJob: catchUp.onJob,
        })
      : undefined;
    if (jobs) log(`job manager on ${jobs.url} (promptly jobs list --url ${jobs.url})`);
    const truth = new TruthCollector({ dir: config.workDir, instrument: instrument.name });
    archive = archiveOn
      ? await startNightArchive({
          config,
          bus,
          clock,
          camera,
          detectors,
          rawStore: backends.rawStore,
          ledger: backends.ledger,
          onCounts: (c) => watch.footer(archiveLine(c)),
          log,
        })
      : undefined;
    const summit = new Summit({
      instrument: instrument.name,
      detectors,
      sim: config.sim,
      bus,
      clock,
      rawStore: backends.rawStore,
      status: createStatusEmitter(bus, clock, 'sim'),
      camera,
      ...(archive ? { daq: archive.summit.daq, link: archive.summit.link } : {}),
      onRaw: (action, raw) => truth.add(action.visit, action.detector, raw.truth),
    });
    const stopSummit = new AbortController();
    const onStop = (): void => stopSummit.abort();
    options.signal?.addEventListener('abort', onStop, { once: true });
    await summit.run(stopSummit.signal, options.hardSignal);
    options.signal?.removeEventListener('abort', onStop);

    await watch.allOutcomes(options.hardSignal);
    // every image in the DBB and the OODS (or quarantined), after the catch-up if need be
    const archived = archive
      ? await archive.finish((g, d) => watch.outcomeOf(g, d), options.hardSignal)
      : undefined;
    // Every visit of the night is in: a raw no visit claimed by now is an orphan.
    if (!options.hardSignal?.aborted)
      await service.recorder.orphans.sweep(Number.POSITIVE_INFINITY);
    if (options.hardSignal?.aborted) await service.close();
    else await service.drain();
    const orphans = await backends.ledger.orphans(instrument.name, nightStartMs, 10_000);
    const summary = await watch.finish(
      clock.speed,
      orphans.map((o) => o.key),
    );
    if (archived) summary.archive = archived;
    // catch-up processing of what the night did not process, once its raws are archived
    if (jobs && archived && archived.reprocessRequests > 0) {
      log(`catch-up processing: waiting for ${archived.reprocessRequests} job(s)`);
      summary.catchUp = await catchUp.until(archived.reprocessRequests, options.hardSignal);
    }
    // the simulator's truth beside the run, and the score of its DIA sources against it
    // (a score that cannot be made is reported, never the night's failure)
    try {
      await truth.write(config.workDir, instrument.name);
      const score = await scoreRun({
        central: backends.central,
        instrument: instrument.name,
        truthDir: config.workDir,
      });
      if (score) summary.score = score;
    } catch (err) {
      log(`truth score: not made (${err instanceof Error ? err.message : String(err)})`);
    }
    if (options.summaryFile)
      await writeFile(options.summaryFile, JSON.stringify(summary, null, 2) + '\n');
    return summary;
  } finally {
    await jobs?.close();
    await archive?.close();
    await backends.close();
  }
}

/** The live display's archive line. */
function archiveLine(c: ArchiveCounts): string {
  const n = (k: string): number => c[k] ?? 0;
  return `archive: written ${n('written')} · in OODS ${n('ingested')} · quarantined ${n('quarantined')} · in DBB ${n('archived') + n('backfilled')} · missed ${n('missed')} · backfilled ${n('backfilled')}`;
}
