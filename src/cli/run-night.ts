import { followAcceptedVisits, followOutcomes } from '../prompt/outcomes/outcome-feed.js';
import { writeFile } from 'node:fs/promises';
import { realNowMs, scaledClock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import { activeDetectors, getInstrument } from '../core/instruments.js';
import type { Outcome } from '../core/outcome.js';
import { summarizeNight, type NightSummary } from '../observe/night-summary.js';
import { createStatusEmitter } from '../observe/status-emitter.js';
import { defaultPipelinesFile } from '../pipeline/default-pipelines.js';
import { loadPipelineSet } from '../pipeline/pipeline-set.js';
import { builtinTaskRegistry } from '../pipeline/tasks/builtin-tasks.js';
import { createOutcomeRecorder, startPromptService } from '../prompt/prompt-service.js';
import { ensureTopology } from '../prompt/topology.js';
import { ensureCalibrations } from '../sim/calibrations.js';
import { SimCamera } from '../sim/sim-camera.js';
import { simCameraOptions } from '../sim/sim-options.js';
import { Summit } from '../sim/summit.js';
import { openBackends } from './embedded-backends.js';
import { ProgressDisplay } from './progress-display.js';

export interface RunNightOptions {
  readonly config: Config;
  /** Where to write the JSON summary. */
  readonly summaryFile?: string;
  /** Live display (default: on). */
  readonly display?: boolean;
  /** Stops the night early: announced visits still finish (Ctrl-C). */
  readonly signal?: AbortSignal;
  /** Aborts work in flight too (second Ctrl-C). */
  readonly hardSignal?: AbortSignal;
  readonly log?: (line: string) => void;
}

/**
 * A night in miniature, in one process on the embedded backends: the summit simulator
 * announces visits and writes raws; fan-out, worker and central repo process them. Resolves
 * with the summary once every announced visit-detector has its outcome.
 */
export async function runNight(options: RunNightOptions): Promise<NightSummary> {
  const { config } = options;
  const log = options.log ?? (() => {});
  const instrument = getInstrument(config.instrument);
  const detectors = activeDetectors(instrument, config.fanout.detectorPurposes).map((d) => d.id);
  const clock = scaledClock(config.sim.speed);
  const nightStartMs = realNowMs();
  const backends = await openBackends(config, clock);
  const { bus } = backends;
  try {
    const pipelines = loadPipelineSet(
      config.pipelines.file ?? defaultPipelinesFile(),
      builtinTaskRegistry(),
    );
    const camera = new SimCamera(simCameraOptions(instrument.name, config.sim));
    const written = await ensureCalibrations({
      central: backends.central,
      instrument,
      detectors,
      bands: config.sim.bands,
      geometry: (d) => camera.focalPlane.placement(d).geometry,
      model: (d) => camera.model(d),
      timeMs: clock.now(),
    });
    log(`calibrations: ${written} written to the central repo`);

    const display = options.display === false ? undefined : new ProgressDisplay(detectors.length);
    const outcomes = new Map<string, Outcome>();
    // Every visit the fan-out accepted (from the summit or posted over HTTP), and those an
    // earlier run left open in the ledger: the night ends when each has all its outcomes.
    const expected = new Map<string, readonly number[]>();
    let allIn: () => void = () => {};
    const everyOutcomeIn = (): boolean =>
      [...expected].every(([g, ds]) => ds.every((d) => outcomes.has(`${g}/${d}`)));
    const expect = (group: string, ds: readonly number[], band: string): void => {
      if (expected.has(group)) return;
      expected.set(group, ds);
      display?.visitAnnounced(group, band);
    };
    await ensureTopology(bus, instrument.name, config.worker);
    const recovered = await backends.ledger.openVisits({
      instrument: instrument.name,
      limit: 10_000,
    });
    const recorded = createOutcomeRecorder({ central: backends.central, bus, clock });
    for (const v of recovered) {
      expect(v.group, v.detectors, '?');
      for (const d of v.detectors) {
        const earlier = await recorded.find(instrument.name, d, v.group);
        if (earlier) outcomes.set(`${v.group}/${d}`, earlier);
      }
    }
    if (recovered.length > 0)
      log(`recovering ${recovered.length} visit(s) an earlier run left without every outcome`);
    const outcomeFeed = await followOutcomes(bus, instrument.name, (outcome) => {
      outcomes.set(`${outcome.group}/${outcome.detector}`, outcome);
      display?.outcome(outcome);
      if (everyOutcomeIn()) allIn();
    });
    const visitFeed = await followAcceptedVisits(bus, instrument.name, (visit) =>
      expect(visit.group, visit.detectors, visit.band),
    );

    const service = await startPromptService({ config, clock, ...backends, pipelines });
    log(`fan-out listening on ${service.url ?? '(bus only)'}`);
    const summit = new Summit({
      instrument: instrument.name,
      detectors,
      sim: config.sim,
      bus,
      clock,
      rawStore: backends.rawStore,
      status: createStatusEmitter(bus, clock, 'sim'),
      camera,
    });
    const stopSummit = new AbortController();
    const onStop = (): void => stopSummit.abort();
    options.signal?.addEventListener('abort', onStop, { once: true });
    await summit.run(stopSummit.signal, options.hardSignal);
    options.signal?.removeEventListener('abort', onStop);

    if (!everyOutcomeIn()) {
      await new Promise<void>((resolve) => {
        allIn = resolve;
        options.hardSignal?.addEventListener('abort', () => resolve(), { once: true });
      });
    }
    // Every visit of the night is in: a raw no visit claimed by now is an orphan.
    if (!options.hardSignal?.aborted)
      await service.recorder.orphans.sweep(Number.POSITIVE_INFINITY);
    if (options.hardSignal?.aborted) await service.close();
    else await service.drain();
    await outcomeFeed.close();
    await visitFeed.close();
    display?.finish();

    const orphans = await backends.ledger.orphans(instrument.name, nightStartMs, 10_000);
    const summary = summarizeNight({
      instrument: instrument.name,
      clockSpeed: clock.speed,
      groups: [...expected.keys()],
      detectorsPerVisit: detectors.length,
      outcomes: [...outcomes.values()],
      orphans: orphans.map((o) => o.key),
    });
    if (options.summaryFile)
      await writeFile(options.summaryFile, JSON.stringify(summary, null, 2) + '\n');
    return summary;
  } finally {
    await backends.close();
  }
}
