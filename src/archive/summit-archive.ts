import type { Bus } from '../bus/bus.js';
import type { Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import { createStatusEmitter } from '../observe/status-emitter.js';
import { parseFaults } from '../sim/faults.js';
import type { SimCamera } from '../sim/sim-camera.js';
import type { ObjectStore } from '../store/object-store.js';
import { archiveLayout } from './archive-layout.js';
import { archiveSubjects, ensureArchiveTopology } from './archive-topology.js';
import { encodeJson } from '../bus/codec.js';
import { CatchUpArchiver } from './catch-up/catch-up-archiver.js';
import { DaqStore } from './daq/daq-store.js';
import type { RepairSource } from './dbb/data-backbone.js';
import { HeaderMetadataStore } from './header-service/header-metadata.js';
import { HeaderService } from './header-service/header-service.js';
import { ImageWriter } from './image-writer/image-writer.js';
import { SummitBaseLink } from './link/summit-base-link.js';

export interface SummitArchiveOptions {
  readonly config: Config;
  readonly bus: Bus;
  readonly clock: Clock;
  readonly camera: SimCamera;
  readonly detectors: readonly number[];
  /** Prompt processing's raw store, which the image writer feeds. */
  readonly rawStore: ObjectStore;
  /** The DBB's long-term store (its receipts tell the catch-up archiver what is archived). */
  readonly dbbStore: ObjectStore;
  /**
   * Run the Header Service in this process (default); false when it runs as a role of its own
   * (`promptly header-service`, `archive.headerService: role`).
   */
  readonly headerService?: boolean;
  readonly log?: (line: string) => void;
}

/** The summit half of the archive path, running. */
export interface SummitArchive {
  readonly daq: DaqStore;
  readonly link: SummitBaseLink;
  readonly headerService: HeaderService;
  readonly writer: ImageWriter;
  readonly catchUp: CatchUpArchiver;
  /** Makes an archived image's bytes again from the DAQ (a DBB repair source). */
  readonly fromDaq: RepairSource;
  close(): Promise<void>;
}

/**
 * Starts the summit's half of the archive path: the camera's DAQ, the Header Service, the
 * image writer (streaming from the DAQ into the base's hand-off area and prompt processing's
 * raw store) and the catch-up archiver, all behind the simulated summit–base link.
 */
export async function startSummitArchive(o: SummitArchiveOptions): Promise<SummitArchive> {
  const { config, bus, clock } = o;
  const a = config.archive;
  const layout = archiveLayout(a.root);
  const instrument = config.instrument;
  const status = createStatusEmitter(bus, clock, 'archive');
  const link = new SummitBaseLink(clock);
  const daq = new DaqStore({ root: layout.daq, clock, retentionMs: a.daqRetentionMs });
  const metadata = new HeaderMetadataStore(layout.header);
  const headerService = new HeaderService({
    instrument,
    detectors: o.detectors,
    bus,
    store: metadata,
    camera: o.camera,
    faults: parseFaults(config.sim.faults),
    ...(o.log ? { log: o.log } : {}),
  });
  const writer = new ImageWriter({
    instrument,
    bus,
    clock,
    daq,
    metadata,
    link,
    handoffDir: layout.handoff,
    rawStore: o.rawStore,
    metadataWaitMs: a.metadataWaitMs,
    concurrency: a.writerConcurrency,
    status,
    ...(o.log ? { log: o.log } : {}),
  });
  // capture rate: every detector once per exposure + readout of the default survey
  const exposureS =
    (config.sim.surveys?.[0]?.exposureTimeS ?? config.sim.exposureTimeS) + config.sim.readoutS;
  const captureRate = o.detectors.length / Math.max(1, exposureS);
  const catchUp = new CatchUpArchiver({
    instrument,
    bus,
    clock,
    daq,
    writer,
    dbbStore: o.dbbStore,
    link,
    imagesPerS: captureRate * a.catchUpRateFactor,
    graceMs: a.catchUpGraceMs,
    budgetMs: a.dbbBudgetMs,
    intervalMs: a.catchUpIntervalMs,
    status,
    ...(o.log ? { log: o.log } : {}),
  });
  await ensureArchiveTopology(bus, { ackWaitMs: a.ackWaitMs, maxDeliveries: a.maxDeliveries });
  // each change of the summit–base link, as an event (the night's account counts outages)
  const offLink = link.onChange((up) => {
    void bus
      .publish(archiveSubjects.event('link', instrument), encodeJson({ up, timeMs: clock.now() }))
      .catch(() => undefined);
    status.emit({ activity: up ? 'archive.link_up' : 'archive.link_down', instrument });
  });
  if (o.headerService !== false) await headerService.start();
  await writer.start();
  catchUp.start();
  return {
    daq,
    link,
    headerService,
    writer,
    catchUp,
    fromDaq: async (r) => {
      const { source } = await daq.read(r.instrument, r.obsId, r.detector);
      return (await writer.render(source)).bytes;
    },
    async close() {
      offLink();
      await catchUp.close();
      await writer.close();
      await headerService.close();
      link.close();
    },
  };
}
