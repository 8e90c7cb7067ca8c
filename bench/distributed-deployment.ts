import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { busNoticePublisher } from '../src/arrivals/s3/bus-notice-publisher.js';
import { openBus, openRawStore } from '../src/cli/backends.js';
import { spawnRole, type RoleProcess } from '../src/cli/role-process.js';
import { deploymentClock, realNowMs, sleepReal } from '../src/core/clock.js';
import type { Config } from '../src/core/config.js';
import { getInstrument } from '../src/core/instruments.js';
import { ensureTopology } from '../src/prompt/topology.js';
import { PIPELINES, type LatencyDeployment } from './prompt-latency.js';

/** After SIGTERM, a role that has not exited within this is killed. */
const KILL_AFTER_MS = 30_000;

/** Singleton roles whose lease must be held before the first next_visit is sent. */
const LEADERS = new Set(['fanout', 'recorder']);

/** Options of {@link startDistributedDeployment}. */
export interface DistributedDeploymentOptions {
  /** Worker processes. */
  readonly workers: number;
  /** Lines the roles print (stderr), e.g. for `--verbose`; default: dropped. */
  readonly log?: (line: string) => void;
}

/** A role's `/healthz` state, or undefined when it does not answer. */
async function healthState(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) });
    const body = (await res.json()) as { state?: string };
    return body.state;
  } catch {
    return undefined;
  }
}

/**
 * Distributed mode as `up --distributed` runs it, with the bench as the summit: the recorder,
 * router, fan-out and `workers` workers, each its own `node dist/src/cli/main.js <role>`
 * process, on the config's NATS and PostgreSQL, reading one generated config file with a
 * shared clock. The bench publishes next_visit events on the bus and lands raws in the shared
 * fs store, each put publishing its S3 event on `s3.events.raw` as the summit role does.
 * `start` resolves once every role is ready and the fan-out and recorder hold their leases.
 */
export function distributedDeployment(
  options: DistributedDeploymentOptions,
): (config: Config) => Promise<LatencyDeployment> {
  const log = options.log ?? (() => {});
  return async (config) => {
    const shared: Config = {
      ...config,
      sim: { ...config.sim, clockEpochMs: config.sim.clockEpochMs ?? Math.floor(realNowMs()) },
    };
    const clock = deploymentClock(shared.sim);
    const configFile = path.join(shared.workDir, 'bench-distributed.yaml');
    const pipelinesFile = path.join(shared.workDir, 'bench-pipelines.yaml');
    await writeFile(pipelinesFile, PIPELINES);
    const { sources: _sources, ...file } = {
      ...shared,
      pipelines: { ...shared.pipelines, file: pipelinesFile },
    };
    await writeFile(configFile, stringify(file));
    const bus = await openBus(shared);
    const rawStore = await openRawStore(shared, busNoticePublisher(bus, 'raw'));
    await ensureTopology(bus, getInstrument(shared.instrument).name, shared.worker);
    const roles: RoleProcess[] = [];
    const stopAll = async (now: boolean): Promise<void> => {
      for (const r of roles) r.signal('SIGTERM');
      if (now) for (const r of roles) r.signal('SIGTERM');
      const killer = setTimeout(() => {
        for (const r of roles) r.signal('SIGKILL');
      }, KILL_AFTER_MS);
      await Promise.all(roles.map((r) => r.exited));
      clearTimeout(killer);
    };
    return {
      bus,
      rawStore,
      clock,
      async start() {
        const spawnOne = (name: string, role: string, env: Record<string, string> = {}): void => {
          roles.push(spawnRole({ name, role, configFile, env, log }));
        };
        const slots = Math.max(1, Math.ceil(shared.worker.slots / options.workers));
        spawnOne('recorder', 'recorder');
        spawnOne('router', 'router');
        spawnOne('fanout', 'fanout');
        for (let i = 0; i < options.workers; i++)
          spawnOne(`worker-${i}`, 'worker', {
            PROMPTLY_WORKER__LOCAL_REPO_ROOT: path.join(shared.workDir, `local-${i}`),
            PROMPTLY_WORKER__SLOTS: String(slots),
          });
        const ready = await Promise.all(roles.map((r) => r.ready));
        // The fan-out reads next_visit events from `new` once it leads: wait for its lease.
        const deadline = performance.now() + 60_000;
        for (let i = 0; i < roles.length; i++) {
          if (!LEADERS.has(roles[i]!.name)) continue;
          while ((await healthState(ready[i]!.health)) !== 'LEADER') {
            if (performance.now() > deadline)
              throw new Error(`${roles[i]!.name} did not take its lease within 60 s`);
            await sleepReal(50);
          }
        }
      },
      drain: () => stopAll(false),
      async close() {
        await stopAll(true);
        await rawStore.close();
        await bus.close();
      },
    };
  };
}
