import { deploymentClock } from '../../core/clock.js';
import type { Config } from '../../core/config.js';
import { runSingleton } from '../../lease/singleton-role.js';
import { createStatusEmitter } from '../../observe/status-emitter.js';
import { createOutcomeRecorder } from '../../prompt/prompt-service.js';
import { startRecorderRole as startRecorder } from '../../prompt/reconcile/recorder-role.js';
import { ensureTopology } from '../../prompt/topology.js';
import { openBus, openLeases, openLedger } from '../backends.js';
import { openCentralRepo } from '../backends.js';
import { holderId, type RunningRole } from '../role-runner.js';

/**
 * The recorder role, main or standby under the lease `recorder-<instrument>`: the leader
 * turns dead letters into outcomes, reconciles the ledger against the outcomes (`due` mode:
 * the work queue is durable) and reports orphan raws. A standby takes over within the lease
 * TTL when the leader dies.
 */
export async function startRecorderRoleProcess(config: Config): Promise<RunningRole> {
  const clock = deploymentClock(config.sim);
  const bus = await openBus(config);
  const central = await openCentralRepo(config, config.store.durable);
  const ledger = await openLedger(config);
  const leases = await openLeases(config, clock);
  await ensureTopology(bus, config.instrument, config.worker);
  const outcomes = createOutcomeRecorder({ central, bus, clock });
  const stop = new AbortController();
  let leading = false;
  const singleton = runSingleton({
    leases,
    name: `recorder-${config.instrument}`,
    holderId: holderId('recorder'),
    status: createStatusEmitter(bus, clock, 'recorder'),
    signal: stop.signal,
    start: async () => {
      const role = await startRecorder({ config, bus, clock, ledger, outcomes, initial: 'due' });
      leading = true;
      return {
        async stop() {
          leading = false;
          await role.close();
        },
      };
    },
  });
  return {
    state: () => (leading ? 'LEADER' : 'STANDBY'),
    notReadyReason: () => undefined,
    ended: singleton,
    async drain() {
      stop.abort();
      await singleton;
      await leases.close();
      await ledger.dispose();
      await central.close();
      await bus.close();
    },
  };
}
