import { followOutcomes } from '../outcomes/outcome-feed.js';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { decodeJson } from '../../bus/codec.js';
import { openBackends, type Backends } from '../../cli/embedded-backends.js';
import { scaledClock, type Clock } from '../../core/clock.js';
import { loadConfig, type Config } from '../../core/config.js';
import { CoordSys, Dome, RotSys, type NextVisit } from '../../core/next-visit.js';
import type { Outcome } from '../../core/outcome.js';
import { subjects } from '../../core/subjects.js';
import { utcMsToTaiSeconds } from '../../core/time.js';
import type { StatusEvent } from '../../observe/status-event.js';
import { parsePipelineSet } from '../../pipeline/pipeline-set.js';
import type { AnyTaskDefinition } from '../../pipeline/task.js';
import { builtinTaskRegistry } from '../../pipeline/tasks/builtin-tasks.js';
import { detectorGeometry, type DetectorGeometry } from '../../sim/amp-layout.js';
import { ensureCalibrations } from '../../sim/calibrations.js';
import { readOut } from '../../sim/camera.js';
import { renderSky } from '../../sim/detector-image.js';
import { detectorModel } from '../../sim/detector-model.js';
import { physicalFilterOf, type PlannedVisit } from '../../sim/night-plan.js';
import { Prng } from '../../sim/prng.js';
import { rawFits } from '../../sim/raw-fits.js';
import { getInstrument } from '../../core/instruments.js';
import { formatRawKey } from '../../core/raw-key.js';
import { startPromptService, type PromptService } from '../prompt-service.js';
import { ensureTopology } from '../topology.js';

/** Pipelines for tests: the no-op pipeline for every visit, nothing for survey SKIP. */
export const NOOP_PIPELINES = `
pipelines:
  Noop:
    tasks:
      - task: noop
selection:
  - when: { survey: [SKIP] }
    pipelines: []
  - when: {}
    pipelines: [Noop]
`;

export interface PromptFixture {
  readonly config: Config;
  readonly clock: Clock;
  readonly backends: Backends;
  /** The running service (throws when started with `service: false`). */
  readonly service: PromptService;
  readonly geometry: DetectorGeometry;
  /** A next_visit starting now, for the fixture's instrument, with `overrides`. */
  nextVisit(overrides?: Partial<NextVisit>): NextVisit;
  /** Writes a valid raw of (visit, detector, snap) into the raw store (emits its notice). */
  writeRaw(visit: NextVisit, detector: number, snap: number): Promise<string>;
  /** Bytes of a valid raw, for tests that corrupt or place it themselves. */
  rawBytes(visit: NextVisit, detector: number, snap: number): Promise<Uint8Array>;
  /** Resolves with the outcome of a visit-detector once recorded (rejects after `timeoutMs`). */
  outcome(group: string, detector: number, timeoutMs?: number): Promise<Outcome>;
  /** Status events seen so far. */
  readonly statusEvents: StatusEvent[];
  /** Resolves with the first status event (seen so far or later) that `match` accepts. */
  statusEvent(match: (event: StatusEvent) => boolean): Promise<StatusEvent>;
  close(): Promise<void>;
}

let counter = 0;

/**
 * The prompt-processing service on the embedded backends in a temp dir, with a real-time
 * clock, short timeouts and small raws: what the fault tests drive.
 */
export async function startPromptFixture(
  options: {
    instrument?: string;
    pipelinesYaml?: string;
    /** Task kinds beyond the built-in ones (the worker then runs pipelines inline). */
    tasks?: readonly AnyTaskDefinition[];
    worker?: Record<string, unknown>;
    fanout?: Record<string, unknown>;
    reconcile?: Record<string, unknown>;
    withCalibrations?: boolean;
    /** Work dir to use (kept on close, as after a crash); default a fresh temp dir, removed. */
    workDir?: string;
    /** Start the prompt service (default true); false gives the backends only. */
    service?: boolean;
  } = {},
): Promise<PromptFixture> {
  const ownDir = options.workDir === undefined;
  const workDir = options.workDir ?? (await mkdtemp(path.join(os.tmpdir(), 'promptly-fixture-')));
  const config = loadConfig({
    cwd: workDir,
    overrides: {
      instrument: options.instrument ?? 'LATISS',
      workDir,
      store: { kind: 'fs', durable: false },
      fanout: { http: { enabled: true, port: 0 }, ...options.fanout },
      worker: {
        imageTimeoutMs: 400,
        ackWaitMs: 2000,
        maxDeliveries: 3,
        ...(options.tasks ? { pipelineIsolation: 'inline' } : {}),
        ...options.worker,
      },
      ...(options.reconcile ? { reconcile: options.reconcile } : {}),
      sim: { ampWidth: 16, ampHeight: 16, serialOverscan: 4, parallelOverscan: 2, bands: ['r'] },
    },
  });
  const clock = scaledClock(1);
  const backends = await openBackends(config, clock);
  const pipelines = parsePipelineSet(
    options.pipelinesYaml ?? NOOP_PIPELINES,
    'test-pipelines.yaml',
    (options.tasks ?? []).reduce((r, t) => r.add(t), builtinTaskRegistry()),
  );
  const geometry = detectorGeometry(config.sim);
  const instrument = getInstrument(config.instrument);
  const model = (d: number) => detectorModel(1, instrument.name, d, geometry);
  if (options.withCalibrations) {
    await ensureCalibrations({
      central: backends.central,
      instrument,
      detectors: instrument.detectors.map((d) => d.id),
      bands: ['r'],
      geometry,
      model,
      timeMs: clock.now(),
    });
  }
  await ensureTopology(backends.bus, instrument.name, config.worker);
  const outcomes = new Map<string, Outcome>();
  const waiters = new Map<string, (o: Outcome) => void>();
  const feed = await followOutcomes(
    backends.bus,
    instrument.name,
    (o) => {
      const key = `${o.group}/${o.detector}`;
      outcomes.set(key, o);
      waiters.get(key)?.(o);
    },
    'all',
  );
  const statusEvents: StatusEvent[] = [];
  const statusSub = await backends.bus.subscribe(subjects.statusAll);
  const statusWaiters = new Set<(event: StatusEvent) => void>();
  const statusLoop = (async () => {
    for await (const m of statusSub) {
      const event = decodeJson(m.data) as StatusEvent;
      statusEvents.push(event);
      for (const w of [...statusWaiters]) w(event);
    }
  })();
  const service =
    options.service === false
      ? undefined
      : await startPromptService({ config, clock, ...backends, pipelines });

  // Each visit's snaps get sequence numbers of their own, so visits have distinct exposure ids.
  const visitSeq = new Map<string, number>();
  const seqBase = (group: string): number => {
    if (!visitSeq.has(group)) visitSeq.set(group, (visitSeq.size % 9_000) * 10);
    return visitSeq.get(group)!;
  };
  const rawBytes = async (
    visit: NextVisit,
    detector: number,
    snap: number,
  ): Promise<Uint8Array> => {
    const m = model(detector);
    const planned: PlannedVisit = {
      index: 0,
      groupId: visit.groupId,
      startMs: clock.now(),
      band: 'r',
      physicalFilter: visit.filters,
      ra: visit.position[0],
      dec: visit.position[1],
      rotationDeg: visit.cameraAngle,
      snaps: Math.max(1, visit.nimages),
      exposureTimeS: 1,
      survey: visit.survey,
    };
    const sky = renderSky({
      width: geometry.width,
      height: geometry.height,
      skyE: 100,
      stars: [],
      sigmaPx: 1.5,
    });
    const amps = readOut({
      geometry,
      electronics: m.electronics,
      electrons: sky,
      biasPatternAdu: m.biasPatternAdu,
      rng: new Prng(snap + 1),
    });
    return rawFits(
      {
        instrument: instrument.name,
        detector,
        visit: planned,
        snap,
        startMs: clock.now(),
        seqNum: seqBase(visit.groupId) + snap + 1,
      },
      geometry,
      m.electronics,
      amps,
    );
  };

  return {
    config,
    clock,
    backends,
    get service(): PromptService {
      if (!service) throw new Error('this fixture was started with service: false');
      return service;
    },
    geometry,
    statusEvents,
    nextVisit(overrides = {}) {
      const now = clock.now();
      return {
        salIndex: 2,
        scriptSalIndex: 7,
        groupId: `2026-11-21T00:00:00.${String(++counter).padStart(3, '0')}-${process.pid}-${Math.floor(now)}`,
        coordinateSystem: CoordSys.ICRS,
        position: [150, -30],
        startTime: utcMsToTaiSeconds(now),
        rotationSystem: RotSys.SKY,
        cameraAngle: 0,
        filters: physicalFilterOf(instrument.name, 'r'),
        dome: Dome.OPEN,
        duration: 0,
        nimages: 1,
        instrument: instrument.name,
        survey: 'TEST',
        totalCheckpoints: 0,
        private_sndStamp: utcMsToTaiSeconds(now),
        ...overrides,
      };
    },
    statusEvent(match) {
      const seen = statusEvents.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => {
        const waiter = (event: StatusEvent): void => {
          if (!match(event)) return;
          statusWaiters.delete(waiter);
          resolve(event);
        };
        statusWaiters.add(waiter);
      });
    },
    rawBytes,
    async writeRaw(visit, detector, snap) {
      const key = formatRawKey({
        instrument: instrument.name,
        detector,
        group: visit.groupId,
        snap,
      });
      await backends.rawStore.put(key, await rawBytes(visit, detector, snap));
      return key;
    },
    // a safety net just under the test's own timeout (30 s), never a budget: a loaded 2-core
    // machine took 10.9 s to restart a work dir and process the visit
    outcome(group, detector, timeoutMs = 25_000) {
      const key = `${group}/${detector}`;
      const have = outcomes.get(key);
      if (have) return Promise.resolve(have);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no outcome for ${key} within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.set(key, (o) => {
          clearTimeout(timer);
          resolve(o);
        });
      });
    },
    async close() {
      await service?.close();
      await feed.close();
      await statusSub.close();
      await statusLoop;
      await backends.close();
      if (ownDir) await rm(workDir, { recursive: true, force: true });
    },
  };
}
