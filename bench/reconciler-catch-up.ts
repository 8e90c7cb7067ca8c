import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { encodeJson } from '../src/bus/codec.js';
import { openBackends, type Backends } from '../src/cli/embedded-backends.js';
import { scaledClock, type Clock } from '../src/core/clock.js';
import type { Config } from '../src/core/config.js';
import { activeDetectors, getInstrument } from '../src/core/instruments.js';
import type { Outcome } from '../src/core/outcome.js';
import { subjects } from '../src/core/subjects.js';
import { parsePipelineSet } from '../src/pipeline/pipeline-set.js';
import { builtinTaskRegistry } from '../src/pipeline/tasks/builtin-tasks.js';
import { followAcceptedVisits, followOutcomes } from '../src/prompt/outcomes/outcome-feed.js';
import { startFanout, startPromptService } from '../src/prompt/prompt-service.js';
import { ensureTopology } from '../src/prompt/topology.js';
import { nextVisitOf, plannedVisit, type NightPlanOptions } from '../src/sim/night-plan.js';
import type { BenchRow } from './bench-row.js';
import { withinDeadline } from './deadline.js';
import { benchNightPlan, benchRaws, benchScenarioConfig, PIPELINES } from './prompt-latency.js';

/** A night's visits and raws, made once and used by both measures. */
interface Night {
  readonly plan: NightPlanOptions;
  readonly raws: Map<string, Uint8Array>;
  readonly items: number;
}

/** Publishes every visit's next_visit (starting now), then waits until the fan-out accepted all. */
async function announce(
  backends: Backends,
  config: Config,
  clock: Clock,
  night: Night,
): Promise<void> {
  const instrument = getInstrument(config.instrument).name;
  let accepted = 0;
  let allAccepted: () => void = () => {};
  const done = new Promise<void>((r) => (allAccepted = r));
  const feed = await followAcceptedVisits(backends.bus, instrument, () => {
    if (++accepted === night.plan.visits) allAccepted();
  });
  const nowMs = clock.now();
  for (let i = 0; i < night.plan.visits; i++) {
    const visit = { ...plannedVisit(night.plan, i), startMs: nowMs };
    await backends.bus.publish(
      subjects.nextVisit(instrument),
      encodeJson(
        nextVisitOf(visit, { instrument, readoutS: config.sim.readoutS, sentMs: clock.now() }),
      ),
    );
  }
  await withinDeadline(done, 120_000, `${night.plan.visits} visits accepted`);
  await feed.close();
}

/** Lands every raw of the night at once, as the camera's writers do. */
async function landRaws(backends: Backends, night: Night): Promise<void> {
  await Promise.all([...night.raws].map(([key, bytes]) => backends.rawStore.put(key, bytes)));
}

/**
 * Starts the embedded service on `backends` with an outcome feed, runs `act`, and resolves
 * with when (performance.now(), ms) the last of the night's outcomes came, and the outcomes.
 */
async function untilAllOutcomes(
  backends: Backends,
  config: Config,
  clock: Clock,
  night: Night,
  act: () => Promise<void>,
): Promise<{ lastAtMs: number; outcomes: Outcome[] }> {
  const instrument = getInstrument(config.instrument).name;
  await ensureTopology(backends.bus, instrument, config.worker);
  const outcomes: Outcome[] = [];
  let allIn: () => void = () => {};
  const done = new Promise<void>((r) => (allIn = r));
  const feed = await followOutcomes(backends.bus, instrument, (o) => {
    outcomes.push(o);
    if (outcomes.length === night.items) allIn();
  });
  const pipelines = parsePipelineSet(PIPELINES, 'bench-pipelines.yaml', builtinTaskRegistry());
  const service = await startPromptService({ config, clock, ...backends, pipelines });
  await act();
  await withinDeadline(done, 600_000, `${night.items} outcomes`);
  const lastAtMs = performance.now();
  await service.drain();
  await feed.close();
  return { lastAtMs, outcomes };
}

const notProcessed = (outcomes: readonly Outcome[]): number =>
  outcomes.filter((o) => o.kind !== 'processed').length;

/**
 * Crash recovery of the embedded deployment, measured against normal processing in the same
 * run. Normal: a running `up` gets the night's next_visits, then every raw at once; from the
 * first next_visit to the last outcome. Catch-up: a deployment that accepted the same number
 * of visit-detectors (ledger written, raws landed) and was killed before processing any (its
 * in-memory queue dies with it) is restarted on the same work dir: from the restart (backends
 * opened) to the last outcome, every item re-enqueued by the reconciler's first pass.
 */
export async function runReconcilerCatchUpBench(
  options: { instrument?: string; visits?: number } = {},
): Promise<BenchRow[]> {
  const group = 'reconciler-catch-up';
  const instrumentName = options.instrument ?? 'LSSTCam';
  const visits = options.visits ?? 3;
  const dirs: string[] = [];
  const freshConfig = async (): Promise<Config> => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'promptly-bench-catchup-'));
    dirs.push(dir);
    // A deadline far away: the measure is the catch-up, never a timeout.
    return benchScenarioConfig(dir, instrumentName, { imageTimeoutMs: 600_000 });
  };
  try {
    const clock = scaledClock(1);
    const normalConfig = await freshConfig();
    const detectors = activeDetectors(getInstrument(instrumentName)).map((d) => d.id);
    const plan = benchNightPlan(normalConfig, visits);
    const night: Night = {
      plan,
      raws: await benchRaws(normalConfig, plan, detectors),
      items: visits * detectors.length,
    };

    // Normal: the service is up, the night arrives.
    const normalBackends = await openBackends(normalConfig, clock);
    let normalMs: number;
    let normal: Outcome[];
    try {
      let t0 = NaN;
      const r = await untilAllOutcomes(normalBackends, normalConfig, clock, night, async () => {
        t0 = performance.now();
        await announce(normalBackends, normalConfig, clock, night);
        await landRaws(normalBackends, night);
      });
      normalMs = r.lastAtMs - t0;
      normal = r.outcomes;
    } finally {
      await normalBackends.close();
    }

    // Killed: the fan-out accepted the night and the raws landed; no worker took anything.
    const crashConfig = await freshConfig();
    const killed = await openBackends(crashConfig, clock);
    try {
      await ensureTopology(killed.bus, crashConfig.instrument, crashConfig.worker);
      const front = await startFanout({
        config: crashConfig,
        bus: killed.bus,
        clock,
        ledger: killed.ledger,
      });
      await announce(killed, crashConfig, clock, night);
      await landRaws(killed, night);
      await front.close();
    } finally {
      // What a SIGKILL leaves: the ledger and the raws on disk; the memory bus's queue is gone.
      await killed.close();
    }

    // Restart on the same work dir: the reconciler re-enqueues every open visit-detector.
    const t0 = performance.now();
    const restarted = await openBackends(crashConfig, clock);
    let catchUpMs: number;
    let caught: Outcome[];
    try {
      const r = await untilAllOutcomes(restarted, crashConfig, clock, night, async () => {});
      catchUpMs = r.lastAtMs - t0;
      caught = r.outcomes;
    } finally {
      await restarted.close();
    }
    return [
      {
        group,
        name: `${instrumentName} restart after a kill → all ${night.items} outcomes (${visits} visits)`,
        value: catchUpMs,
        unit: 'ms',
        anchorName: 'same items processed normally (same run)',
        anchorValue: normalMs,
        note: `catch-up includes opening the backends and starting the service; normal: from the first next_visit, the service already up. Not processed: catch-up ${notProcessed(caught)}, normal ${notProcessed(normal)}`,
      },
      {
        group,
        name: `${instrumentName} catch-up rate`,
        value: night.items / (catchUpMs / 1000),
        unit: 'items/s',
        anchorName: 'normal rate (same run)',
        anchorValue: night.items / (normalMs / 1000),
      },
    ];
  } finally {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  }
}
