import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryBus } from '../../bus/memory/memory-bus.js';
import type { Bus } from '../../bus/bus.js';
import { scaledClock, type Clock } from '../../core/clock.js';
import { loadConfig, type Config } from '../../core/config.js';
import { activeDetectors, getInstrument } from '../../core/instruments.js';
import { createStatusEmitter } from '../../observe/status-emitter.js';
import type { Repo } from '../../registry/repo.js';
import { ensureTopology } from '../../prompt/topology.js';
import { SimCamera } from '../../sim/sim-camera.js';
import { simCameraOptions } from '../../sim/sim-options.js';
import { Summit } from '../../sim/summit.js';
import { createFsObjectStore } from '../../store/fs/fs-object-store.js';
import type { ObjectStore } from '../../store/object-store.js';
import { openDbbStore, openOodsRepo } from '../../cli/backends.js';
import { startBaseArchive, type BaseArchive, type BaseArchiveOptions } from '../base-archive.js';
import { startSummitArchive, type SummitArchive } from '../summit-archive.js';

/** A summit with the archive path and nothing of prompt processing, in one process, for tests. */
export interface ArchiveNight {
  readonly config: Config;
  readonly bus: Bus;
  readonly clock: Clock;
  readonly detectors: readonly number[];
  readonly oodsRepo: Repo;
  readonly dbbStore: ObjectStore;
  readonly rawStore: ObjectStore;
  readonly summitArchive: SummitArchive;
  base: BaseArchive;
  /** Runs the summit's night to its end (every raw captured). */
  observe(): Promise<void>;
  /** Starts the base half again (after a kill), with other hooks if given. */
  restartBase(hooks?: Pick<BaseArchiveOptions, 'controllerHooks'>): Promise<BaseArchive>;
  close(): Promise<void>;
}

/**
 * Sets up a night of `visits` visits of `instrument` (miniature camera, fast clock) whose
 * summit captures into the DAQ, with both halves of the archive path running. `overrides`
 * are config values (e.g. `sim.faults`).
 */
export async function archiveNight(options: {
  instrument?: string;
  visits?: number;
  speed?: number;
  overrides?: Record<string, unknown>;
  base?: Pick<BaseArchiveOptions, 'controllerHooks'>;
}): Promise<ArchiveNight> {
  const workDir = await mkdtemp(join(tmpdir(), 'promptly-archive-'));
  const instrumentName = options.instrument ?? 'LATISS';
  const overrides = (options.overrides ?? {}) as { sim?: object; archive?: object };
  const config = loadConfig({
    cwd: workDir,
    overrides: {
      ...overrides,
      instrument: instrumentName,
      workDir,
      sim: {
        speed: options.speed ?? 100,
        visits: options.visits ?? 4,
        scale: 0.0625,
        renderThreads: 1,
        galaxies: false,
        ...(overrides.sim ?? {}),
      },
      archive: { catchUpIntervalMs: 3_600_000, ...(overrides.archive ?? {}) },
    },
  });
  const instrument = getInstrument(instrumentName);
  const detectors = activeDetectors(instrument, config.fanout.detectorPurposes).map((d) => d.id);
  const bus = createMemoryBus();
  const clock = scaledClock(config.sim.speed);
  const camera = new SimCamera({
    ...simCameraOptions(instrument.name, config.sim),
    headerService: false,
  });
  const oodsRepo = await openOodsRepo(config);
  const dbbStore = await openDbbStore(config);
  const rawStore = await createFsObjectStore({
    root: join(workDir, 'store'),
    bucket: 'raw',
    durable: false,
  });
  await ensureTopology(bus, instrument.name, config.worker);
  const summitArchive = await startSummitArchive({
    config,
    bus,
    clock,
    camera,
    detectors,
    rawStore,
    dbbStore,
  });
  const startBase = (hooks?: Pick<BaseArchiveOptions, 'controllerHooks'>): Promise<BaseArchive> =>
    startBaseArchive({ config, bus, clock, oodsRepo, dbbStore, ...(hooks ?? {}) });
  const night: ArchiveNight = {
    config,
    bus,
    clock,
    detectors,
    oodsRepo,
    dbbStore,
    rawStore,
    summitArchive,
    base: await startBase(options.base),
    async observe() {
      const summit = new Summit({
        instrument: instrument.name,
        detectors,
        sim: config.sim,
        bus,
        clock,
        rawStore,
        status: createStatusEmitter(bus, clock, 'sim'),
        camera,
        daq: summitArchive.daq,
        link: summitArchive.link,
      });
      await summit.run(new AbortController().signal);
    },
    async restartBase(hooks) {
      night.base = await startBase(hooks);
      return night.base;
    },
    async close() {
      await summitArchive.close();
      await night.base.close();
      await oodsRepo.close();
      await dbbStore.close();
      await rawStore.close();
      await bus.close();
      await rm(workDir, { recursive: true, force: true });
    },
  };
  return night;
}
