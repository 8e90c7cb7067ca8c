import { deploymentClock } from '../../core/clock.js';
import type { Config } from '../../core/config.js';
import { runSingleton } from '../../lease/singleton-role.js';
import { createStatusEmitter } from '../../observe/status-emitter.js';
import { startFanout } from '../../prompt/prompt-service.js';
import { ensureTopology, topologyNames } from '../../prompt/topology.js';
import { openBus, openLeases, openLedger } from '../backends.js';
import { holderId, type RunningRole } from '../role-runner.js';

/**
 * The fan-out role: `POST /next-visit` in every replica (stateless: the ledger makes a
 * repeated visit a duplicate wherever it lands), and the bus reader of next_visit events in
 * one replica at a time, under the lease `fanout-<instrument>`; a standby's reader takes over
 * within the lease TTL when the main dies.
 */
export async function startFanoutRole(config: Config): Promise<RunningRole> {
  const clock = deploymentClock(config.sim);
  const bus = await openBus(config);
  const ledger = await openLedger(config);
  const leases = await openLeases(config, clock);
  await ensureTopology(bus, config.instrument, config.worker);
  const front = await startFanout({ config, bus, clock, ledger, busReader: false });
  const stop = new AbortController();
  let reading = false;
  const singleton = runSingleton({
    leases,
    name: `fanout-${config.instrument}`,
    holderId: holderId('fanout'),
    status: createStatusEmitter(bus, clock, 'fanout'),
    signal: stop.signal,
    start: async (lease) => {
      // Resume after the last event the previous leader dealt with (its fenced checkpoint),
      // so an event published during the takeover is read, and none twice on purpose.
      const last = lease.initialState ? Number(new TextDecoder().decode(lease.initialState)) : NaN;
      await front.fanout.start(topologyNames(config.instrument).ocsStream, {
        deliver:
          Number.isSafeInteger(last) && last > 0
            ? { kind: 'from-seq', seq: last + 1 }
            : { kind: 'new' },
        onHandled: (seq) => lease.writeState(new TextEncoder().encode(String(seq))),
      });
      reading = true;
      return {
        async stop() {
          reading = false;
          await front.fanout.stopReading();
        },
      };
    },
  });
  return {
    state: () => (reading ? 'LEADER' : 'STANDBY'),
    notReadyReason: () => undefined,
    detail: () => ({ url: front.url, busReader: reading }),
    ended: singleton,
    async drain() {
      stop.abort();
      await singleton;
      await front.close();
      await leases.close();
      await ledger.dispose();
      await bus.close();
    },
  };
}
