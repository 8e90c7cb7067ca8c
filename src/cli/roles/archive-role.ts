import { deploymentClock } from '../../core/clock.js';
import type { Config } from '../../core/config.js';
import { startBaseArchive } from '../../archive/base-archive.js';
import { openBus, openDbbStore, openLedger, openOodsRepo } from '../backends.js';
import type { RunningRole } from '../role-runner.js';
import { openVisitGroups } from '../../ledger/visit-ledger.js';

/**
 * The base's half of the archive path as a role: the archive controller (hand-off by hard
 * links), the OODS and the Data Backbone, each consuming its queue (several processes may
 * share the work). The summit role runs the other half (DAQ, header service, image writer,
 * catch-up). Runs until SIGTERM; work in flight comes back to the queues for the next.
 */
export async function startArchiveRole(config: Config): Promise<RunningRole> {
  const clock = deploymentClock(config.sim);
  const bus = await openBus(config);
  const oodsRepo = await openOodsRepo(config);
  const dbbStore = await openDbbStore(config);
  const ledger = await openLedger(config);
  const instrument = config.instrument;
  const base = await startBaseArchive({
    config,
    bus,
    clock,
    oodsRepo,
    dbbStore,
    openGroups: () => openVisitGroups(ledger, instrument),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  let stopping = false;
  return {
    state: () => (stopping ? 'STOPPING' : 'ARCHIVING'),
    notReadyReason: () => undefined,
    detail: () => ({
      handedOff: base.controller.handedOff,
      ingested: base.oods.ingested,
      quarantined: base.oods.quarantined,
      archived: base.dbb.archived,
    }),
    async drain() {
      stopping = true;
      await base.close();
      await ledger.dispose();
      await oodsRepo.close();
      await dbbStore.close();
      await bus.close();
    },
  };
}
