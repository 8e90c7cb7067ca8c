import { busNoticePublisher } from '../../arrivals/s3/bus-notice-publisher.js';
import { deploymentClock } from '../../core/clock.js';
import type { Config } from '../../core/config.js';
import { activeDetectors, getInstrument } from '../../core/instruments.js';
import { createStatusEmitter } from '../../observe/status-emitter.js';
import { ensureTopology } from '../../prompt/topology.js';
import { ensureCalibrations } from '../../sim/calibrations.js';
import { SimCamera } from '../../sim/sim-camera.js';
import { ensureRefcat } from '../../sim/refcat/index.js';
import { ensureTemplates } from '../../sim/template-ingest.js';
import { ensureKnownMovers } from '../../sim/asteroids/index.js';
import { defaultPipelinesFile } from '../../pipeline/default-pipelines.js';
import { loadPipelineSet } from '../../pipeline/pipeline-set.js';
import { needsTemplates } from '../../pipeline/selection.js';
import { builtinTaskRegistry } from '../../pipeline/tasks/builtin-tasks.js';
import {
  simCameraOptions,
  simCoaddSpec,
  simMasterOptions,
  simPlanOptions,
} from '../../sim/sim-options.js';
import { Summit } from '../../sim/summit.js';
import { openBus, openDbbStore, openRawStore, rawBucketOf } from '../backends.js';
import { waitArchiveDrained } from '../../archive/archive-drain.js';
import { startSummitArchive } from '../../archive/summit-archive.js';
import { openCentralRepo } from '../backends.js';
import type { RunningRole } from '../role-runner.js';

/**
 * The summit simulator as a role: writes the night's calibrations, the reference-catalog
 * shards under its fields (`src/sim/refcat`) and, when a pipeline subtracts, their templates
 * to the central repo, then announces each visit on the bus and reads out its raws. With the
 * archive path (`archive.enabled`) it runs the summit's half of it — the camera's DAQ, the
 * image writer (which writes each raw to the hand-off area and the raw store), the catch-up
 * archiver and, unless `archive.headerService: role`, the Header Service — and its job ends
 * once every image is in the DBB; without it, it writes the raws to the store itself. Each
 * raw's S3 event goes on `s3.events.<bucket>` as a Ceph RGW topic would. SIGTERM stops
 * announcing and finishes the visits already announced; a second one stops waiting for the
 * archive.
 */
export async function startSummitRole(config: Config): Promise<RunningRole> {
  const clock = deploymentClock(config.sim);
  const instrument = getInstrument(config.instrument);
  const detectors = activeDetectors(instrument, config.fanout.detectorPurposes).map((d) => d.id);
  const bus = await openBus(config);
  const rawStore = await openRawStore(config, busNoticePublisher(bus, rawBucketOf(config)));
  const central = await openCentralRepo(config, config.store.durable);
  await ensureTopology(bus, instrument.name, config.worker);
  const archiveOn = config.archive.enabled;
  const camera = new SimCamera({
    ...simCameraOptions(instrument.name, config.sim),
    ...(archiveOn ? { headerService: false } : {}),
  });
  await ensureCalibrations({
    central,
    instrument,
    detectors,
    bands: config.sim.bands,
    geometry: (d) => camera.focalPlane.placement(d).geometry,
    model: (d) => camera.model(d),
    timeMs: clock.now(),
    masters: simMasterOptions(config.sim),
  });
  await ensureRefcat({
    central,
    instrument: instrument.name,
    sky: camera.sky,
    camera,
    plan: simPlanOptions(instrument.name, config.sim),
    detectors,
  });
  const pipelines = loadPipelineSet(
    config.pipelines.file ?? defaultPipelinesFile(),
    builtinTaskRegistry(),
  );
  if (needsTemplates(pipelines, instrument.name)) {
    await ensureTemplates({
      central,
      instrument: instrument.name,
      sky: camera.sky,
      camera,
      plan: simPlanOptions(instrument.name, config.sim),
      detectors,
      coadd: simCoaddSpec(config.sim),
    });
  }
  if (camera.options.asteroids) {
    await ensureKnownMovers({
      central,
      instrument: instrument.name,
      sky: camera.options.asteroids,
      camera,
      // on the summit's clock: the night it is about to observe
      plan: simPlanOptions(instrument.name, config.sim, clock.now() + config.sim.leadTimeMs),
      detectors,
    });
  }
  const dbbStore = archiveOn ? await openDbbStore(config) : undefined;
  const archive = dbbStore
    ? await startSummitArchive({
        config,
        bus,
        clock,
        camera,
        detectors,
        rawStore,
        dbbStore,
        headerService: config.archive.headerService === 'summit',
        log: (line) => process.stderr.write(`${line}\n`),
      })
    : undefined;
  const summit = new Summit({
    instrument: instrument.name,
    detectors,
    sim: config.sim,
    bus,
    clock,
    rawStore,
    status: createStatusEmitter(bus, clock, 'sim'),
    camera,
    ...(archive ? { daq: archive.daq, link: archive.link } : {}),
  });
  const stop = new AbortController();
  const hard = new AbortController();
  // the night ends when its raws are captured and, with the archive path, all in the DBB
  const night = summit.run(stop.signal).then(async () => {
    if (archive && dbbStore)
      await waitArchiveDrained({
        instrument: instrument.name,
        root: config.archive.root,
        daq: archive.daq,
        dbbStore,
        bus,
        summit: archive,
        signal: hard.signal,
      });
  });
  return {
    state: () => (stop.signal.aborted ? 'FINISHING' : 'OBSERVING'),
    notReadyReason: () => undefined,
    ended: night,
    async drain() {
      if (stop.signal.aborted) hard.abort();
      stop.abort();
      await night.catch(() => undefined);
      await archive?.close();
      await dbbStore?.close();
      await central.close();
      await rawStore.close();
      await bus.close();
    },
  };
}
