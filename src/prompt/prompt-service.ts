import type { FastifyInstance } from 'fastify';
import type { Bus } from '../bus/bus.js';
import type { Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import type { Outcome } from '../core/outcome.js';
import { createStatusEmitter } from '../observe/status-emitter.js';
import type { PipelineSet } from '../pipeline/pipeline-set.js';
import type { Repo } from '../registry/repo.js';
import type { ObjectStore } from '../store/object-store.js';
import { FanoutService } from './fanout/fanout-service.js';
import { createFanoutHttp } from './fanout/http-server.js';
import { DeadLetterRecorder } from './outcomes/dead-letter-recorder.js';
import { OutcomeRecorder } from './outcomes/outcome-recorder.js';
import { ensureTopology, topologyNames } from './topology.js';
import { RunJanitor } from './worker/run-janitor.js';
import { Worker } from './worker/worker.js';
import path from 'node:path';

export interface PromptServiceDeps {
  readonly config: Config;
  readonly bus: Bus;
  readonly clock: Clock;
  readonly rawStore: ObjectStore;
  readonly central: Repo;
  readonly local: Repo;
  readonly pipelines: PipelineSet;
  readonly onOutcome?: (outcome: Outcome) => void;
}

/** The running prompt-processing service of one process: fan-out, HTTP, worker, dead letters. */
export interface PromptService {
  readonly fanout: FanoutService;
  readonly worker: Worker;
  /** `http://host:port` of the fan-out, when HTTP is enabled. */
  readonly url: string | undefined;
  /** Stops taking next_visits, lets work in flight finish, closes. */
  drain(): Promise<void>;
  /** Aborts work in flight (it goes back to the queue) and closes. */
  close(): Promise<void>;
}

/**
 * Starts fan-out (bus and HTTP), one worker with `config.worker.slots` slots and the
 * dead-letter recorder, on the given backends. The process layout of `promptly up`; the
 * distributed mode starts the same pieces in separate processes.
 */
export async function startPromptService(deps: PromptServiceDeps): Promise<PromptService> {
  const { config, bus, clock } = deps;
  const instrument = config.instrument;
  await ensureTopology(bus, instrument, config.worker);
  const names = topologyNames(instrument);
  const outcomes = new OutcomeRecorder({
    central: deps.central,
    bus,
    status: createStatusEmitter(bus, clock, 'outcomes'),
  });

  const worker = new Worker(
    {
      bus,
      clock,
      rawStore: deps.rawStore,
      central: deps.central,
      local: deps.local,
      pipelines: deps.pipelines,
      outcomes,
      status: createStatusEmitter(bus, clock, 'worker'),
      janitor: new RunJanitor(deps.local, config.worker.keepRuns),
      imageTimeoutMs: config.worker.imageTimeoutMs,
      scratchRoot: path.join(config.worker.localRepoRoot, 'work'),
    },
    {
      queue: names.workQueue,
      slots: config.worker.slots,
      ackWaitMs: config.worker.ackWaitMs,
      ...(deps.onOutcome ? { onOutcome: deps.onOutcome } : {}),
    },
  );
  await worker.start();

  const dead = new DeadLetterRecorder({
    bus,
    clock,
    outcomes,
    status: createStatusEmitter(bus, clock, 'dead-letters'),
  });
  await dead.start(names.deadQueue);

  const fanout = new FanoutService({
    bus,
    clock,
    config: config.fanout,
    status: createStatusEmitter(bus, clock, 'fanout'),
  });
  await fanout.start(names.ocsStream);

  let http: FastifyInstance | undefined;
  let url: string | undefined;
  if (config.fanout.http.enabled) {
    http = createFanoutHttp(fanout);
    url = await http.listen({ host: config.fanout.http.host, port: config.fanout.http.port });
  }

  const stop = async (abort: boolean): Promise<void> => {
    await http?.close();
    await fanout.close();
    await (abort ? worker.close() : worker.drain());
    await dead.close();
  };
  return { fanout, worker, url, drain: () => stop(false), close: () => stop(true) };
}
