import type { Apdb } from '../apdb/apdb.js';
import type { Arrivals } from '../arrivals/arrivals.js';
import { createFsArrivals } from '../arrivals/fs/fs-arrivals.js';
import type { Bus } from '../bus/bus.js';
import type { Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import { PromptlyError } from '../core/errors.js';
import { openApdb, openBus, openLedger, openCentralRepo, openRepo } from './backends.js';
import type { VisitLedger } from '../ledger/visit-ledger.js';
import { createStatusEmitter } from '../observe/status-emitter.js';
import { startArrivalRouter } from '../prompt/arrivals/arrival-router.js';
import type { Repo } from '../registry/repo.js';
import { createFsObjectStore } from '../store/fs/fs-object-store.js';
import type { ObjectStore } from '../store/object-store.js';

/** The backends one process runs on, chosen from the config once at start-up. */
export interface Backends {
  readonly bus: Bus;
  /** Where raws land; every put emits an arrival notice. */
  readonly rawStore: ObjectStore;
  /** Arrival notices of the raw store, consumed by the arrival router these backends run. */
  readonly arrivals: Arrivals;
  readonly central: Repo;
  /** This process's handler-local repo. */
  readonly local: Repo;
  /** Accepted visits and the outcomes they owe (zero-loss accounting). */
  readonly ledger: VisitLedger;
  /** DIA objects and sources that association reads and writes. */
  readonly apdb: Apdb;
  close(): Promise<void>;
}

/**
 * Opens the embedded backends: memory bus, filesystem store (its arrival notices routed to
 * `raw.arrived.…` by the arrival router), SQLite repos.
 */
export async function openBackends(config: Config, clock: Clock): Promise<Backends> {
  if (config.store.kind !== 'fs') {
    throw new PromptlyError(
      'PROMPTLY_E_CONFIG_INVALID',
      `store.kind ${config.store.kind}: the embedded backends run on the fs store, whose puts make the arrival notices`,
    );
  }
  const bus = await openBus(config);
  // A put resolves once the router has published its notice, as when the router was the
  // store's sink: a resolved put is routed, even if the process stops right after.
  const arrivals = createFsArrivals({ awaitHandedOn: true });
  const rawStore = await createFsObjectStore({
    root: config.store.root,
    bucket: 'raw',
    durable: config.store.durable,
    onNotice: arrivals.sink,
  });
  const router = startArrivalRouter({
    arrivals,
    bus,
    clock,
    status: createStatusEmitter(bus, clock, 'router'),
  });
  const central = await openCentralRepo(config, config.store.durable);
  // The handler-local repo is scratch by design: losing it costs a re-preload, never data.
  const local = await openRepo(config.worker.localRepoRoot, { kind: 'sqlite' }, false);
  const ledger = await openLedger(config);
  const apdb = await openApdb(config);
  return {
    bus,
    rawStore,
    arrivals,
    central,
    local,
    ledger,
    apdb,
    async close() {
      await router.close();
      await arrivals.close();
      await ledger.dispose();
      await apdb.dispose();
      await bus.close();
      await rawStore.close();
      await central.close();
      await local.close();
    },
  };
}
