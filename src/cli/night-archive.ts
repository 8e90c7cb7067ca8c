import type { Bus, BusMessage, Subscription } from '../bus/bus.js';
import type { Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import type { Outcome } from '../core/outcome.js';
import type { VisitLedger } from '../ledger/visit-ledger.js';
import { percentile, type ArchiveNightSummary } from '../observe/night-summary.js';
import { countArchiveEvents, type ArchiveEventCounts } from '../archive/archive-events-summary.js';
import type { ArchiveState } from '../archive/archive-drain.js';
import type { Repo } from '../registry/repo.js';
import type { SimCamera } from '../sim/sim-camera.js';
import type { ObjectStore } from '../store/object-store.js';
import { waitArchiveDrained } from '../archive/archive-drain.js';
import { ARCHIVE_EVENTS_STREAM, archiveSubjects } from '../archive/archive-topology.js';
import { startBaseArchive, type BaseArchive } from '../archive/base-archive.js';
import { requestReprocessing } from '../archive/reprocess-requests.js';
import { startSummitArchive, type SummitArchive } from '../archive/summit-archive.js';
import { openDbbStore, openOodsRepo } from './backends.js';
import { openVisitGroups } from '../ledger/visit-ledger.js';

/** Counts of archive events so far, for the live display. */
export type ArchiveCounts = Record<string, number>;

/** The archive path of one `promptly up` night, both halves in this process. */
export interface NightArchive {
  readonly summit: SummitArchive;
  readonly base: BaseArchive;
  /** Waits until every image is archived and ingested (or quarantined); summarizes. */
  finish(
    outcomeOf: (group: string, detector: number) => Pick<Outcome, 'kind' | 'code'> | undefined,
    signal?: AbortSignal,
  ): Promise<ArchiveNightSummary>;
  close(): Promise<void>;
}

/**
 * Starts the archive path for a night of `promptly up`: the base (archive controller, OODS,
 * DBB) first, so the queues exist, then the summit (DAQ, header service, image writer feeding
 * `rawStore`, catch-up archiver). `onCounts` hears the archive events as they come.
 */
export async function startNightArchive(o: {
  config: Config;
  bus: Bus;
  clock: Clock;
  camera: SimCamera;
  detectors: readonly number[];
  rawStore: ObjectStore;
  ledger: VisitLedger;
  onCounts?: (counts: ArchiveCounts) => void;
  log: (line: string) => void;
}): Promise<NightArchive> {
  const { config, bus, clock } = o;
  const instrument = config.instrument;
  const oodsRepo: Repo = await openOodsRepo(config);
  const dbbStore = await openDbbStore(config);
  // the DAQ repairs DBB copies; the summit half starts after the base, which makes the queues
  const late: { summit?: SummitArchive } = {};
  const base = await startBaseArchive({
    config,
    bus,
    clock,
    oodsRepo,
    dbbStore,
    openGroups: () => openVisitGroups(o.ledger, instrument),
    repairSources: [(r) => late.summit?.fromDaq(r) ?? Promise.resolve(undefined)],
    log: o.log,
  });
  const s = await startSummitArchive({
    config,
    bus,
    clock,
    camera: o.camera,
    detectors: o.detectors,
    rawStore: o.rawStore,
    dbbStore,
    log: o.log,
  });
  const { lastSeq } = await bus.streamInfo(ARCHIVE_EVENTS_STREAM);
  const counts: ArchiveCounts = {};
  const events: Subscription<BusMessage> = await bus.subscribe(archiveSubjects.eventsAll);
  const following = (async () => {
    for await (const m of events) {
      const kind = m.subject.split('.')[2] ?? '?';
      counts[kind] = (counts[kind] ?? 0) + 1;
      o.onCounts?.(counts);
    }
  })();
  late.summit = s;
  return {
    summit: s,
    base,
    async finish(outcomeOf, signal) {
      const state = await waitArchiveDrained({
        instrument,
        root: config.archive.root,
        summit: s,
        daq: s.daq,
        oodsRepo,
        dbbStore,
        bus,
        ...(signal ? { signal } : {}),
      });
      await requestReprocessing({ bus, instrument, dbbStore, outcomeOf });
      return archiveNightSummary(
        state,
        await countArchiveEvents(bus, instrument, lastSeq + 1),
        clock.speed,
      );
    },
    async close() {
      await s.close();
      await base.close();
      await events.close();
      await following;
      await oodsRepo.close();
      await dbbStore.close();
    },
  };
}

/** A night's archive summary from the final state and the night's events. */
export function archiveNightSummary(
  state: ArchiveState,
  c: ArchiveEventCounts,
  clockSpeed: number,
): ArchiveNightSummary {
  const oods = c.completeToOodsMs.map((ms) => ms / clockSpeed);
  return {
    images: state.images,
    written: c.written,
    metadataIncomplete: c.metadataIncomplete,
    missed: c.missed,
    outages: c.outages,
    inOods: state.inOods,
    quarantined: state.quarantined,
    inDbb: state.inDbb,
    notInDbb: state.notInDbb.length,
    notInOods: state.notInOods.length,
    backfilled: c.backfilled,
    lost: c.lost,
    overdue: c.overdue,
    reprocessRequests: c.reprocessRequests,
    ...(oods.length > 0
      ? {
          completeToOodsMs: {
            p50: percentile(oods, 50),
            p99: percentile(oods, 99),
            n: oods.length,
          },
        }
      : {}),
  };
}
