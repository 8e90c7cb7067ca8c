import { followOutcomes } from '../src/prompt/outcomes/outcome-feed.js';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { encodeJson } from '../src/bus/codec.js';
import { openBackends } from '../src/cli/embedded-backends.js';
import { scaledClock } from '../src/core/clock.js';
import { loadConfig } from '../src/core/config.js';
import { activeDetectors, getInstrument } from '../src/core/instruments.js';
import type { Outcome } from '../src/core/outcome.js';
import { subjects } from '../src/core/subjects.js';
import { percentile } from '../src/observe/night-summary.js';
import { parsePipelineSet } from '../src/pipeline/pipeline-set.js';
import { builtinTaskRegistry } from '../src/pipeline/tasks/builtin-tasks.js';
import { formatRawKey } from '../src/core/raw-key.js';
import { startPromptService, type PromptService } from '../src/prompt/prompt-service.js';
import type { Bus } from '../src/bus/bus.js';
import type { Clock } from '../src/core/clock.js';
import type { Config } from '../src/core/config.js';
import type { ObjectStore } from '../src/store/object-store.js';
import { ensureTopology } from '../src/prompt/topology.js';
import { detectorGeometry } from '../src/sim/amp-layout.js';
import { readOut } from '../src/sim/camera.js';
import { detectorModel } from '../src/sim/detector-model.js';
import { nextVisitOf, plannedVisit, type NightPlanOptions } from '../src/sim/night-plan.js';
import { Prng } from '../src/sim/prng.js';
import { rawFits } from '../src/sim/raw-fits.js';
import type { BenchRow } from './bench-row.js';
import { withinDeadline } from './deadline.js';

/** The no-op pipeline every latency scenario runs (the framework, not the science). */
export const PIPELINES = `
pipelines:
  Noop:
    tasks:
      - task: noop
selection:
  - when: {}
    pipelines: [Noop]
`;

/** Rubin's polling periods the event-driven path replaces (seeds and deployment). */
export const POLLING_ANCHORS_MS = {
  oodsDirectoryScan: 1000,
  ocpsDataMonitor: 5000,
  kedaQueuePolling: 2000,
} as const;

/** Samples of one scenario, real ms. */
export interface ScenarioSamples {
  /** Per visit: next_visit received → every item of the visit started. */
  readonly allStarted: number[];
  /** Per visit-detector: last snap's arrival notice → pipeline start. */
  readonly toPipeline: number[];
  readonly visitDetectors: number;
  readonly notProcessed: number;
  /** Every outcome, with its marks, for a closer look at where the time went. */
  readonly outcomes: readonly Outcome[];
}

/** Where a latency scenario runs: what the bench observes through, and its services. */
export interface LatencyDeployment {
  readonly bus: Bus;
  /** Where the bench lands the raws, as the camera's writers do. */
  readonly rawStore: ObjectStore;
  readonly clock: Clock;
  /** Starts the services (the outcome feed already follows). */
  start(): Promise<void>;
  /** Every outcome is in: lets the services finish. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/** Opens a deployment for `config` (the scenario's config, with its overrides). */
export type LatencyDeploymentFactory = (config: Config) => Promise<LatencyDeployment>;

/** The embedded deployment: every role in this process on the memory bus. */
export const embeddedDeployment: LatencyDeploymentFactory = async (config) => {
  const clock = scaledClock(1);
  const backends = await openBackends(config, clock);
  let service: PromptService | undefined;
  return {
    bus: backends.bus,
    rawStore: backends.rawStore,
    clock,
    async start() {
      const pipelines = parsePipelineSet(PIPELINES, 'bench-pipelines.yaml', builtinTaskRegistry());
      service = await startPromptService({ config, clock, ...backends, pipelines });
    },
    async drain() {
      await service?.drain();
    },
    close: () => backends.close(),
  };
};

/** Options of {@link runLatencyScenario}. */
export interface LatencyScenarioOptions {
  /** Default: {@link embeddedDeployment}. */
  readonly deploy?: LatencyDeploymentFactory;
  /** Config values added to the scenario's (e.g. the bus and registry); top-level keys replace. */
  readonly overrides?: Record<string, unknown>;
  /** Visit cadence, s (default 3). */
  readonly cadenceS?: number;
  /** worker.imageTimeoutMs (default 30 000). */
  readonly imageTimeoutMs?: number;
}

/** The config of a latency scenario in `dir`: small raws, no HTTP, `options` applied. */
export function benchScenarioConfig(
  dir: string,
  instrumentName: string,
  options: Omit<LatencyScenarioOptions, 'deploy'> = {},
): Config {
  return loadConfig({
    cwd: dir,
    overrides: {
      instrument: instrumentName,
      workDir: dir,
      fanout: { http: { enabled: false } },
      worker: { imageTimeoutMs: options.imageTimeoutMs ?? 30_000 },
      sim: {
        ampWidth: 8,
        ampHeight: 8,
        serialOverscan: 2,
        parallelOverscan: 1,
        snaps: 2,
        exposureTimeS: 1,
        readoutS: 0.5,
        cadenceS: options.cadenceS ?? 3,
      },
      ...options.overrides,
    },
  });
}

/** The scenario's night plan: `visits` visits of the config's sim, from time 0. */
export function benchNightPlan(config: Config, visits: number): NightPlanOptions {
  const s = config.sim;
  return {
    instrument: getInstrument(config.instrument).name,
    firstStartMs: 0,
    visits,
    cadenceS: s.cadenceS,
    exposureTimeS: s.exposureTimeS,
    snaps: s.snaps,
    readoutS: s.readoutS,
    bands: ['r'],
    survey: 'BENCH',
    seed: 1,
  };
}

/**
 * Every raw of `plan` for `detectors`, by raw key: small (the config's amp size) but complete
 * 16-amp FITS files. Made before the clock starts: the bench measures the framework, not the
 * camera.
 */
export async function benchRaws(
  config: Config,
  plan: NightPlanOptions,
  detectors: readonly number[],
): Promise<Map<string, Uint8Array>> {
  const instrument = getInstrument(config.instrument);
  const s = config.sim;
  const visits = plan.visits;
  const geometry = detectorGeometry(s);
  const models = detectors.map((d) => detectorModel(1, instrument.name, d, geometry));
  const electrons = new Float32Array(geometry.width * geometry.height).fill(100);
  const raws = new Map<string, Uint8Array>();
  for (let index = 0; index < visits; index++) {
    const visit = plannedVisit(plan, index);
    for (let snap = 0; snap < visit.snaps; snap++) {
      for (let i = 0; i < detectors.length; i++) {
        const d = detectors[i]!;
        const model = models[i]!;
        const amps = readOut({
          geometry,
          electronics: model.electronics,
          electrons,
          biasPatternAdu: model.biasPatternAdu,
          rng: new Prng(d + 1),
        });
        const startMs = visit.startMs + snap * (visit.exposureTimeS + s.readoutS) * 1000;
        const bytes = await rawFits(
          {
            instrument: instrument.name,
            detector: d,
            visit,
            snap,
            startMs,
            seqNum: index * 2 + snap + 1,
          },
          geometry,
          model.electronics,
          amps,
        );
        raws.set(
          formatRawKey({ instrument: instrument.name, detector: d, group: visit.groupId, snap }),
          bytes,
        );
      }
    }
  }
  return raws;
}

/**
 * One instrument's night with the no-op pipeline, visits announced half a cadence ahead so
 * two are in flight at once. Raws are small (the pixels do not matter to the framework) but
 * complete 16-amp FITS files, written durably, every detector's at once as the DAQ does.
 */
export async function runLatencyScenario(
  instrumentName: string,
  visits: number,
  options: LatencyScenarioOptions = {},
): Promise<ScenarioSamples> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'promptly-bench-'));
  const config = benchScenarioConfig(dir, instrumentName, options);
  const instrument = getInstrument(instrumentName);
  const detectors = activeDetectors(instrument).map((d) => d.id);
  const deployment = await (options.deploy ?? embeddedDeployment)(config);
  const { bus, clock } = deployment;
  const outcomes: Outcome[] = [];
  try {
    await ensureTopology(bus, instrument.name, config.worker);
    let resolveAll: () => void = () => {};
    const allIn = new Promise<void>((r) => (resolveAll = r));
    const feed = await followOutcomes(bus, instrument.name, (outcome) => {
      outcomes.push(outcome);
      if (outcomes.length === visits * detectors.length) resolveAll();
    });
    await deployment.start();

    const s = config.sim;
    const plan = benchNightPlan(config, visits);
    const raws = await benchRaws(config, plan, detectors);
    const firstStartMs = clock.now() + 500;
    const observe = async (index: number): Promise<void> => {
      const visit = {
        ...plannedVisit(plan, index),
        startMs: firstStartMs + index * s.cadenceS * 1000,
      };
      // Announced half a cadence ahead, so the previous visit is still being processed.
      await clock.sleep(visit.startMs - 0.5 * s.cadenceS * 1000 - clock.now());
      await bus.publish(
        subjects.nextVisit(instrument.name),
        encodeJson(
          nextVisitOf(visit, {
            instrument: instrument.name,
            readoutS: s.readoutS,
            sentMs: clock.now(),
          }),
        ),
      );
      for (let snap = 0; snap < visit.snaps; snap++) {
        const shutterMs = visit.startMs + snap * (visit.exposureTimeS + s.readoutS) * 1000;
        await clock.sleep(shutterMs + (visit.exposureTimeS + s.readoutS) * 1000 - clock.now());
        // The camera's writers land every detector's file at once, as the DAQ does.
        await Promise.all(
          detectors.map((d) => {
            const key = formatRawKey({
              instrument: instrument.name,
              detector: d,
              group: visit.groupId,
              snap,
            });
            return deployment.rawStore.put(key, raws.get(key)!);
          }),
        );
      }
    };
    await Promise.all(Array.from({ length: visits }, (_, i) => observe(i)));
    // Every item ends in an outcome (the image deadline at the latest); a lost one fails the group.
    await withinDeadline(allIn, 900_000, `${visits * detectors.length} outcomes`);
    await deployment.drain();
    await feed.close();
  } finally {
    await deployment.close();
    await rm(dir, { recursive: true, force: true });
  }

  const byGroup = new Map<string, Outcome[]>();
  for (const o of outcomes) byGroup.set(o.group, [...(byGroup.get(o.group) ?? []), o]);
  const allStarted = [...byGroup.values()].map((list) => {
    const received = Math.min(...list.map((o) => o.marks.nextVisitReceivedMs ?? Infinity));
    return Math.max(...list.map((o) => o.marks.startedMs ?? Infinity)) - received;
  });
  const toPipeline = outcomes.map(
    (o) =>
      (o.marks.pipelineStartMs ?? Infinity) -
      Math.max(...Object.values(o.marks.snapArrivedMs ?? {})),
  );
  const notProcessed = outcomes.filter((o) => o.kind !== 'processed').length;
  return { allStarted, toPipeline, visitDetectors: outcomes.length, notProcessed, outcomes };
}

/**
 * (a) next_visit received → all 189 LSSTCam items started and (b) last snap arrived →
 * pipeline start, p50/p99, next to Rubin's polling periods. (b) is also measured for LATISS
 * (one detector): the framework's own overhead when no other detector competes for the
 * process.
 */
export async function runPromptLatencyBench(
  options: { visits?: number } = {},
): Promise<BenchRow[]> {
  const cam = await runLatencyScenario('LSSTCam', options.visits ?? 8);
  const one = await runLatencyScenario('LATISS', 12);
  const a99 = percentile(cam.allStarted, 99);
  const b99 = percentile(cam.toPipeline, 99);
  const g = 'prompt-latency';
  const keda = {
    anchorName: 'KEDA queue polling',
    anchorValue: POLLING_ANCHORS_MS.kedaQueuePolling,
  };
  const oods = {
    anchorName: 'OODS directory scan',
    anchorValue: POLLING_ANCHORS_MS.oodsDirectoryScan,
  };
  const ocps = {
    anchorName: 'OCPS data monitor polling',
    anchorValue: POLLING_ANCHORS_MS.ocpsDataMonitor,
  };
  return [
    {
      group: g,
      name: 'LSSTCam (a) next_visit → all 189 started, p50',
      value: percentile(cam.allStarted, 50),
      unit: 'ms',
      ...keda,
    },
    {
      group: g,
      name: 'LSSTCam (a) next_visit → all 189 started, p99',
      value: a99,
      unit: 'ms',
      ...keda,
      target: '≤ 50 ms',
      met: a99 <= 50,
      note: `${cam.allStarted.length} visits, ${cam.visitDetectors} visit-detectors, ${cam.notProcessed} not processed; one process, 2 cores`,
    },
    {
      group: g,
      name: 'LSSTCam (b) last snap → pipeline start, p50',
      value: percentile(cam.toPipeline, 50),
      unit: 'ms',
      ...oods,
    },
    {
      group: g,
      name: 'LSSTCam (b) last snap → pipeline start, p99',
      value: b99,
      unit: 'ms',
      ...oods,
      target: '≤ 10 ms',
      met: b99 <= 10,
    },
    {
      group: g,
      name: 'LSSTCam (b) last snap → pipeline start, p99',
      value: b99,
      unit: 'ms',
      ...ocps,
    },
    {
      group: g,
      name: 'LATISS (b) last snap → pipeline start, p50',
      value: percentile(one.toPipeline, 50),
      unit: 'ms',
      ...oods,
    },
    {
      group: g,
      name: 'LATISS (b) last snap → pipeline start, p99',
      value: percentile(one.toPipeline, 99),
      unit: 'ms',
      ...oods,
      note: `${one.visitDetectors} visit-detectors, ${one.notProcessed} not processed`,
    },
  ];
}
