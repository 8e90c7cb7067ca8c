import { AlertPublisher } from '../alerts/alert-publisher.js';
import type { Apdb } from '../apdb/apdb.js';
import type { FastifyInstance } from 'fastify';
import path from 'node:path';
import type { Bus } from '../bus/bus.js';
import type { Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import type { Outcome } from '../core/outcome.js';
import type { VisitLedger } from '../ledger/visit-ledger.js';
import { createStatusEmitter } from '../observe/status-emitter.js';
import type { PipelineSet } from '../pipeline/pipeline-set.js';
import type { Repo } from '../registry/repo.js';
import type { ObjectStore } from '../store/object-store.js';
import { FanoutService } from './fanout/fanout-service.js';
import { createFanoutHttp } from './fanout/http-server.js';
import { OutcomeRecorder } from './outcomes/outcome-recorder.js';
import { lifetimeLimits } from './reconcile/item-lifetime.js';
import { startRecorderRole, type RecorderRole } from './reconcile/recorder-role.js';
import { ensureTopology, topologyNames } from './topology.js';
import { RunJanitor } from './worker/run-janitor.js';
import { inlinePipelineRunner } from '../pipeline/inline-runner.js';
import type { PipelineRunner } from '../pipeline/pipeline-runner.js';
import { ThreadPoolRunner } from '../pipeline/threads/thread-pool-runner.js';
import { Worker } from './worker/worker.js';

export interface PromptServiceDeps {
  readonly config: Config;
  readonly bus: Bus;
  readonly clock: Clock;
  readonly rawStore: ObjectStore;
  readonly central: Repo;
  readonly local: Repo;
  readonly ledger: VisitLedger;
  /** DIA objects and sources: association reads them, a visit-detector writes once. */
  readonly apdb: Apdb;
  readonly pipelines: PipelineSet;
  readonly onOutcome?: (outcome: Outcome) => void;
}

/** The running prompt-processing service of one process: fan-out, HTTP, worker, recorder. */
export interface PromptService {
  readonly fanout: FanoutService;
  readonly worker: Worker;
  readonly recorder: RecorderRole;
  /** `http://host:port` of the fan-out, when HTTP is enabled. */
  readonly url: string | undefined;
  /** Stops taking next_visits, lets work in flight finish, closes. */
  drain(): Promise<void>;
  /** Aborts work in flight (it goes back to the queue, or to the reconciler) and closes. */
  close(): Promise<void>;
}

/** The outcome recorder of a process (central repo + `outcome.<instrument>`). */
export function createOutcomeRecorder(deps: {
  central: Repo;
  bus: Bus;
  clock: Clock;
}): OutcomeRecorder {
  return new OutcomeRecorder({
    central: deps.central,
    bus: deps.bus,
    status: createStatusEmitter(deps.bus, deps.clock, 'outcomes'),
  });
}

/** The pipeline runner `worker.pipelineIsolation` names, `worker.pipelineConcurrency` wide. */
export function createPipelineRunner(worker: Config['worker']): PipelineRunner {
  return worker.pipelineIsolation === 'inline'
    ? inlinePipelineRunner(worker.pipelineConcurrency)
    : new ThreadPoolRunner({ threads: worker.pipelineConcurrency });
}

/** One worker process's worker: `config.worker.slots` slots on the instrument's work queue. */
export function createWorker(
  deps: Omit<PromptServiceDeps, 'ledger'> & { outcomes: OutcomeRecorder },
): Worker {
  const { config, bus, clock } = deps;
  return new Worker(
    {
      bus,
      clock,
      rawStore: deps.rawStore,
      central: deps.central,
      local: deps.local,
      apdb: deps.apdb,
      alerts: new AlertPublisher({ bus, instrument: config.instrument }),
      pipelines: deps.pipelines,
      outcomes: deps.outcomes,
      status: createStatusEmitter(bus, clock, 'worker'),
      janitor: new RunJanitor(deps.local, config.worker.keepRuns),
      imageTimeoutMs: config.worker.imageTimeoutMs,
      ...(config.worker.apdbPreloadRadiusDeg !== undefined
        ? { apdbPreloadRadiusDeg: config.worker.apdbPreloadRadiusDeg }
        : {}),
      maxSnapWaitMs: config.worker.maxSnapWaitMs,
      pipelineRunner: createPipelineRunner(config.worker),
      scratchRoot: path.join(config.worker.localRepoRoot, 'work'),
    },
    {
      queue: topologyNames(config.instrument).workQueue,
      slots: config.worker.slots,
      ackWaitMs: config.worker.ackWaitMs,
      ...(deps.onOutcome ? { onOutcome: deps.onOutcome } : {}),
    },
  );
}

/**
 * The fan-out of a deployment: validation, ledger, work items, and its HTTP face when
 * enabled. The bus reader (next_visit events on the OCS stream) is started too unless
 * `busReader` is false: a distributed deployment runs it in one fan-out only, under a lease.
 */
export async function startFanout(deps: {
  config: Config;
  bus: Bus;
  clock: Clock;
  ledger: VisitLedger;
  busReader?: boolean;
}): Promise<{
  fanout: FanoutService;
  http?: FastifyInstance;
  url?: string;
  close(): Promise<void>;
}> {
  const { config, bus, clock } = deps;
  const fanout = new FanoutService({
    bus,
    clock,
    config: config.fanout,
    status: createStatusEmitter(bus, clock, 'fanout'),
    ledger: deps.ledger,
    served: [config.instrument],
    lifetime: lifetimeLimits(config),
  });
  if (deps.busReader !== false) await fanout.start(topologyNames(config.instrument).ocsStream);
  if (!config.fanout.http.enabled) return { fanout, close: () => fanout.close() };
  const http = createFanoutHttp(fanout);
  const url = await http.listen({ host: config.fanout.http.host, port: config.fanout.http.port });
  return {
    fanout,
    http,
    url,
    async close() {
      await http.close();
      await fanout.close();
    },
  };
}

/**
 * Starts the recorder (dead letters, reconciler, orphans), one worker with
 * `config.worker.slots` slots and the fan-out (bus and HTTP), in that order, on the given
 * backends: the process layout of `promptly up`. The reconciler's first pass treats every
 * open visit as overdue when the bus is in memory (its queue died with the last process).
 * The distributed mode starts the same pieces in separate processes.
 */
export async function startPromptService(deps: PromptServiceDeps): Promise<PromptService> {
  const { config, bus, clock } = deps;
  await ensureTopology(bus, config.instrument, config.worker);
  const outcomes = createOutcomeRecorder(deps);
  const recorder = await startRecorderRole({
    config,
    bus,
    clock,
    ledger: deps.ledger,
    outcomes,
    initial: config.bus.kind === 'memory' ? 'all' : 'due',
  });
  const worker = createWorker({ ...deps, outcomes });
  await worker.start();
  const front = await startFanout(deps);

  const stop = async (abort: boolean): Promise<void> => {
    await front.close();
    await (abort ? worker.close() : worker.drain());
    await recorder.close();
  };
  return {
    fanout: front.fanout,
    worker,
    recorder,
    url: front.url,
    drain: () => stop(false),
    close: () => stop(true),
  };
}
