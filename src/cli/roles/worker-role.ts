import { deploymentClock } from '../../core/clock.js';
import type { Config } from '../../core/config.js';
import { defaultPipelinesFile } from '../../pipeline/default-pipelines.js';
import { loadPipelineSet } from '../../pipeline/pipeline-set.js';
import { builtinTaskRegistry } from '../../pipeline/tasks/builtin-tasks.js';
import { createOutcomeRecorder, createWorker } from '../../prompt/prompt-service.js';
import { ensureTopology } from '../../prompt/topology.js';
import { openApdb, openBus, openCentralRepo, openRawStore, openRepo } from '../backends.js';
import type { RunningRole } from '../role-runner.js';

/**
 * The worker role: `worker.slots` visit-detectors at once from the instrument's work queue,
 * with its own handler-local repo. Many run at once (one per core or pod); SIGTERM drains:
 * no new item is taken, those in hand finish and are acked.
 */
export async function startWorkerRole(config: Config): Promise<RunningRole> {
  const clock = deploymentClock(config.sim);
  const bus = await openBus(config);
  const rawStore = await openRawStore(config);
  const central = await openCentralRepo(config, config.store.durable);
  // Scratch by design: losing it costs a re-preload, never data.
  const local = await openRepo(config.worker.localRepoRoot, { kind: 'sqlite' }, false);
  const apdb = await openApdb(config);
  await ensureTopology(bus, config.instrument, config.worker);
  const pipelines = loadPipelineSet(
    config.pipelines.file ?? defaultPipelinesFile(),
    builtinTaskRegistry(),
  );
  const outcomes = createOutcomeRecorder({ central, bus, clock });
  const worker = createWorker({
    config,
    bus,
    clock,
    rawStore,
    central,
    local,
    apdb,
    pipelines,
    outcomes,
  });
  await worker.start();
  return {
    state: () => worker.state,
    notReadyReason: () => (worker.state === 'RUNNING' ? undefined : `worker is ${worker.state}`),
    detail: () => ({ busySlots: worker.busySlots, slots: config.worker.slots }),
    async drain() {
      await worker.drain();
      await bus.close();
      await rawStore.close();
      await central.close();
      await local.close();
      await apdb.dispose();
    },
  };
}
