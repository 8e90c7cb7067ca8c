import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { deploymentClock, realNowMs } from '../core/clock.js';
import { toUserConfig, type Config } from '../core/config.js';
import { PromptlyError } from '../core/errors.js';
import { activeDetectors, getInstrument } from '../core/instruments.js';
import type { ArchiveNightSummary, NightSummary } from '../observe/night-summary.js';
import { createOutcomeRecorder } from '../prompt/prompt-service.js';
import { ensureTopology } from '../prompt/topology.js';
import { openBus, openDbbStore, openLedger, openOodsRepo } from './backends.js';
import { archiveNightSummary } from './night-archive.js';
import { waitArchiveDrained } from '../archive/archive-drain.js';
import { countArchiveEvents } from '../archive/archive-events-summary.js';
import { archiveLayout } from '../archive/archive-layout.js';
import { ARCHIVE_EVENTS_STREAM, ensureArchiveTopology } from '../archive/archive-topology.js';
import { DaqStore } from '../archive/daq/daq-store.js';
import { requestReprocessing } from '../archive/reprocess-requests.js';
import type { Bus } from '../bus/bus.js';
import type { Outcome } from '../core/outcome.js';
import { openCentralRepo } from './backends.js';
import { NightWatch } from './night-watch.js';
import { spawnRole, type RoleProcess } from './role-process.js';
import type { RunNightOptions } from './run-night.js';

export interface DistributedNightOptions extends RunNightOptions {
  /** Worker processes (each with `worker.slots / workers` slots, at least 1). */
  readonly workers: number;
}

/** After SIGTERM, a role that has not exited within this is killed. */
const KILL_AFTER_MS = 30_000;

/**
 * A night on this machine in distributed mode: every role is its own process (recorder,
 * router, fan-out, `workers` workers, then the summit) against the servers the config names
 * (NATS JetStream, PostgreSQL, S3 or a shared file system), all reading one generated config
 * file with a shared summit clock. This process only watches: the same live display and
 * summary as the embedded night, from the bus and the ledger. A first stop signal ends the
 * summit's announcing (announced visits finish); a second stops every role at once — the
 * ledger and the durable queues keep what was in flight for the next run.
 */
export async function runDistributedNight(options: DistributedNightOptions): Promise<NightSummary> {
  const { config } = options;
  const log = options.log ?? (() => {});
  if (config.bus.kind === 'memory')
    throw new PromptlyError(
      'PROMPTLY_E_CONFIG_INVALID',
      'up --distributed needs a bus the processes share (bus.kind: nats), not the in-process bus',
    );
  const instrument = getInstrument(config.instrument);
  const detectors = activeDetectors(instrument, config.fanout.detectorPurposes).map((d) => d.id);
  const nightStartMs = realNowMs();
  const shared: Config = {
    ...config,
    // every archive role in its own process, the Header Service too
    archive: { ...config.archive, headerService: 'role' },
    sim: { ...config.sim, clockEpochMs: config.sim.clockEpochMs ?? Math.floor(nightStartMs) },
  };
  const clock = deploymentClock(shared.sim);
  const configFile = path.join(config.workDir, 'distributed.yaml');
  await writeFile(configFile, stringify(toUserConfig(shared)));

  const bus = await openBus(shared);
  const central = await openCentralRepo(shared, shared.store.durable);
  const ledger = await openLedger(shared);
  const roles: RoleProcess[] = [];
  try {
    await ensureTopology(bus, instrument.name, shared.worker);
    await ensureArchiveTopology(bus, shared.archive);
    const archiveFromSeq = (await bus.streamInfo(ARCHIVE_EVENTS_STREAM)).lastSeq + 1;
    const watch = await NightWatch.start({
      bus,
      ledger,
      outcomes: createOutcomeRecorder({ central, bus, clock }),
      instrument: instrument.name,
      detectorsPerVisit: detectors.length,
      display: options.display !== false,
      log,
    });
    const start = (name: string, role: string, env: Record<string, string> = {}): RoleProcess => {
      const p = spawnRole({ name, role, configFile, env, log });
      roles.push(p);
      return p;
    };
    const slots = Math.max(1, Math.ceil(shared.worker.slots / options.workers));
    const services = [
      start('recorder', 'recorder'),
      start('router', 'router'),
      start('fanout', 'fanout'),
      ...(shared.archive.enabled
        ? [start('archive', 'archive'), start('header-service', 'header-service')]
        : []),
      // a free port: several nights may run on one machine
      ...(shared.jobs.enabled
        ? [start('job-manager', 'job-manager', { PROMPTLY_JOBS__PORT: '0' })]
        : []),
    ];
    for (let i = 0; i < options.workers; i++)
      services.push(
        start(`worker-${i}`, 'worker', {
          PROMPTLY_WORKER__LOCAL_REPO_ROOT: path.join(shared.workDir, `local-${i}`),
          PROMPTLY_WORKER__SLOTS: String(slots),
        }),
      );
    await Promise.all(services.map((p) => p.ready));
    log(`roles ready: ${services.map((p) => p.name).join(', ')}`);

    const summit = start('summit', 'summit');
    await summit.ready;
    const onStop = (): void => summit.signal('SIGTERM');
    options.signal?.addEventListener('abort', onStop, { once: true });
    await Promise.race([summit.exited, abortOf(options.hardSignal)]);
    options.signal?.removeEventListener('abort', onStop);
    const night = await summit.exited;
    if (night.code !== 0 && !options.signal?.aborted && !options.hardSignal?.aborted)
      log(`summit ended with ${night.code ?? night.signal}`);

    await watch.allOutcomes(options.hardSignal);
    // the summit role ends once every image is in the DBB; the OODS may still be ingesting
    const archived = shared.archive.enabled
      ? await archiveOfNight(
          shared,
          bus,
          (g, d) => watch.outcomeOf(g, d),
          archiveFromSeq,
          options.hardSignal,
        )
      : undefined;
    await stopAll(roles, options.hardSignal?.aborted === true);
    const orphans = await ledger.orphans(instrument.name, nightStartMs, 10_000);
    const summary = await watch.finish(
      clock.speed,
      orphans.map((o) => o.key),
    );
    if (archived) summary.archive = archived;
    if (options.summaryFile)
      await writeFile(options.summaryFile, JSON.stringify(summary, null, 2) + '\n');
    return summary;
  } finally {
    await stopAll(roles, true);
    await ledger.dispose();
    await central.close();
    await bus.close();
  }
}

/**
 * The compiled config as a file the roles load again: without `sources`, and without what
 * compiling added that a user may not write (an S3 store is always durable).
 */
function abortOf(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!signal) return;
    if (signal.aborted) resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/**
 * SIGTERM (each role drains; `now`: a second SIGTERM, so each exits at once), then SIGKILL
 * what is still running after KILL_AFTER_MS.
 */
async function stopAll(roles: readonly RoleProcess[], now: boolean): Promise<void> {
  for (const r of roles) r.signal('SIGTERM');
  if (now) for (const r of roles) r.signal('SIGTERM');
  const killer = setTimeout(() => {
    for (const r of roles) r.signal('SIGKILL');
  }, KILL_AFTER_MS);
  await Promise.all(roles.map((r) => r.exited));
  clearTimeout(killer);
}

/** Waits for the OODS to have every image, queues reprocessing, and summarizes the archive path. */
async function archiveOfNight(
  config: Config,
  bus: Bus,
  outcomeOf: (group: string, detector: number) => Outcome | undefined,
  fromSeq: number,
  signal?: AbortSignal,
): Promise<ArchiveNightSummary> {
  const oodsRepo = await openOodsRepo(config);
  const dbbStore = await openDbbStore(config);
  try {
    const state = await waitArchiveDrained({
      instrument: config.instrument,
      root: config.archive.root,
      daq: new DaqStore({
        root: archiveLayout(config.archive.root).daq,
        clock: deploymentClock(config.sim),
      }),
      dbbStore,
      oodsRepo,
      bus,
      ...(signal ? { signal } : {}),
    });
    await requestReprocessing({ bus, instrument: config.instrument, dbbStore, outcomeOf });
    return archiveNightSummary(
      state,
      await countArchiveEvents(bus, config.instrument, fromSeq),
      config.sim.speed,
    );
  } finally {
    await oodsRepo.close();
    await dbbStore.close();
  }
}
