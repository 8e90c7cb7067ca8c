import { join } from 'node:path';
import type { Bus } from '../bus/bus.js';
import type { Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import { createStatusEmitter } from '../observe/status-emitter.js';
import type { Repo } from '../registry/repo.js';
import type { ObjectStore } from '../store/object-store.js';
import { archiveLayout } from './archive-layout.js';
import { ensureArchiveTopology } from './archive-topology.js';
import { DataBackbone, type RepairSource } from './dbb/data-backbone.js';
import { readIfExists } from './files/durable-file.js';
import { ArchiveController, type ArchiveControllerOptions } from './hand-off/archive-controller.js';
import { Oods } from './oods/oods.js';
import { OodsPins } from './oods/oods-pins.js';

export interface BaseArchiveOptions {
  readonly config: Config;
  readonly bus: Bus;
  readonly clock: Clock;
  /** The OODS's repository (registry + fs datastore at `<archive>/oods/datastore`). */
  readonly oodsRepo: Repo;
  /** The DBB's long-term store. */
  readonly dbbStore: ObjectStore;
  /** Groups of prompt-processing visits still open (their images stay in the OODS). */
  readonly openGroups?: () => Promise<ReadonlySet<string>>;
  /** More sources to repair a bad DBB copy from, after the OODS's own copy. */
  readonly repairSources?: readonly RepairSource[];
  /** Hooks into the archive controller (tests kill it between its links and its unlink). */
  readonly controllerHooks?: Pick<ArchiveControllerOptions, 'beforeUnlink'>;
  readonly log?: (line: string) => void;
}

/** The base half of the archive path, running. */
export interface BaseArchive {
  readonly controller: ArchiveController;
  readonly oods: Oods;
  readonly dbb: DataBackbone;
  close(): Promise<void>;
}

/**
 * Starts the base's half of the archive path: the archive controller (hand-off by hard
 * links), the OODS and the Data Backbone, each consuming its queue.
 */
export async function startBaseArchive(o: BaseArchiveOptions): Promise<BaseArchive> {
  const { config, bus, clock } = o;
  const a = config.archive;
  const layout = archiveLayout(a.root);
  const instrument = config.instrument;
  const status = createStatusEmitter(bus, clock, 'archive');
  await ensureArchiveTopology(bus, { ackWaitMs: a.ackWaitMs, maxDeliveries: a.maxDeliveries });
  const logOpt = o.log ? { log: o.log } : {};
  const controller = new ArchiveController({
    instrument,
    bus,
    clock,
    handoffDir: layout.handoff,
    oodsStagingDir: layout.oodsStaging,
    dbbStagingDir: layout.dbbStaging,
    status,
    ...(o.controllerHooks ?? {}),
    ...logOpt,
  });
  const oods = new Oods({
    instrument,
    bus,
    clock,
    repo: o.oodsRepo,
    datastoreRoot: layout.oodsDatastore,
    stagingDir: layout.oodsStaging,
    quarantineDir: layout.oodsQuarantine,
    pins: new OodsPins(layout.oodsPins),
    maxAgeMs: a.oodsMaxAgeMs,
    expireIntervalMs: a.oodsExpireIntervalMs,
    ...(o.openGroups ? { openGroups: o.openGroups } : {}),
    status,
    ...logOpt,
  });
  const fromOods: RepairSource = (r) =>
    readIfExists(join(layout.oodsDatastore, r.key)).then((b) => b ?? undefined);
  const dbb = new DataBackbone({
    instrument,
    bus,
    clock,
    store: o.dbbStore,
    stagingDir: layout.dbbStaging,
    repairSources: [fromOods, ...(o.repairSources ?? [])],
    status,
    ...logOpt,
  });
  await controller.start();
  await oods.start();
  await dbb.start();
  return {
    controller,
    oods,
    dbb,
    async close() {
      await controller.close();
      await oods.close();
      await dbb.close();
    },
  };
}
