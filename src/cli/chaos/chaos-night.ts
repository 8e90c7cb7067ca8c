import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { Bus, Subscription } from '../../bus/bus.js';
import { decodeJson } from '../../bus/codec.js';
import { createNatsBus } from '../../bus/nats/nats-bus.js';
import { loadConfig, mergeConfig, type Config } from '../../core/config.js';
import type { Outcome } from '../../core/outcome.js';
import { subjects } from '../../core/subjects.js';
import { dropPromptlySchema } from '../../db/postgres/reset-schema.js';
import type { StatusEvent } from '../../observe/status-event.js';
import type { AcceptedVisit } from '../../prompt/fanout/fanout-service.js';
import { ensureTopology, topologyNames } from '../../prompt/topology.js';
import { TEST_POSTGRES_URL } from '../../testing/servers.js';
import { spawnChaosRole, type ChaosRole } from './chaos-role.js';
import { FRAMEWORK_CONFIG } from '../../testing/framework-night.js';

/** Real ms a role gets to drain on SIGTERM at the end of a test before it is killed. */
const DRAIN_MS = 20_000;

export interface ChaosNightOptions {
  /** The NATS server of this night (a private one: the topology's stream names are fixed). */
  readonly natsUrl: string;
  /** Default {@link TEST_POSTGRES_URL}; a random `promptly_<hex>` schema is used in it. */
  readonly postgresUrl?: string;
  /** User config merged over the chaos defaults (ComCam, 1 visit, speed 10). */
  readonly config?: Record<string, unknown>;
}

/**
 * One distributed night under test: a generated config (shared summit clock, NATS, a schema
 * of its own in PostgreSQL, fs raw store), role processes started one by one from `dist/`,
 * and the test's own view of the bus: every status event, accepted visit and outcome, so a
 * test waits for events, never for time. `until` re-checks its condition on each of them.
 */
export class ChaosNight {
  readonly statuses: StatusEvent[] = [];
  /** Every outcome message on the bus, duplicates included (delivery is at least once). */
  readonly outcomes: Outcome[] = [];
  /** Accepted visits: group → detectors owed an outcome. */
  readonly expected = new Map<string, readonly number[]>();
  readonly roles: ChaosRole[] = [];
  readonly logs: string[] = [];
  readonly #wakers = new Set<() => void>();
  #feeds: Subscription<unknown>[] = [];
  #loops: Promise<void>[] = [];
  #disposed: Promise<void> | undefined;

  private constructor(
    readonly dir: string,
    readonly configFile: string,
    readonly config: Config,
    readonly schema: string,
    readonly postgresUrl: string,
    readonly bus: Bus,
  ) {}

  static async open(options: ChaosNightOptions): Promise<ChaosNight> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'promptly-chaos-'));
    const schema = `promptly_${randomBytes(6).toString('hex')}`;
    const postgresUrl = options.postgresUrl ?? TEST_POSTGRES_URL;
    const user = mergeConfig(
      {
        instrument: 'LSSTComCam',
        workDir: path.join(dir, 'w'),
        bus: { kind: 'nats', servers: [options.natsUrl] },
        store: { kind: 'fs', durable: false },
        centralRepo: { registry: { kind: 'postgres', url: postgresUrl, schema } },
        // Raws may land late on a loaded machine: no deadline may decide a chaos test.
        worker: { imageTimeoutMs: 1_800_000, maxSnapWaitMs: 1_800_000 },
        sim: {
          visits: 1,
          speed: 10,
          clockEpochMs: Date.now(),
          renderThreads: 1,
          scale: FRAMEWORK_CONFIG.sim.scale,
        },
        // These nights start prompt processing's roles only (no `archive` role): the summit
        // writes raws itself. The archive path in distributed mode: up-distributed.int.test.ts.
        archive: { enabled: false },
        // the framework's night: ISR and detection on the miniature camera
        pipelines: FRAMEWORK_CONFIG.pipelines,
      },
      options.config ?? {},
    ) as Record<string, unknown>;
    const configFile = path.join(dir, 'night.yaml');
    writeFileSync(configFile, stringify(user));
    const config = loadConfig({ file: configFile });
    const bus = await createNatsBus({ servers: [options.natsUrl], name: 'chaos-test' });
    const night = new ChaosNight(dir, configFile, config, schema, postgresUrl, bus);
    try {
      await night.#follow();
    } catch (err) {
      await night.dispose();
      throw err;
    }
    return night;
  }

  get instrument(): string {
    return this.config.instrument;
  }

  async #follow(): Promise<void> {
    await ensureTopology(this.bus, this.instrument, this.config.worker);
    const names = topologyNames(this.instrument);
    const status = await this.bus.subscribe(subjects.statusAll);
    const outcomes = await this.bus.readStream(names.outcomesStream, {
      deliver: { kind: 'all' },
      filter: subjects.outcome(this.instrument),
    });
    const visits = await this.bus.readStream(names.visitsStream, {
      deliver: { kind: 'all' },
      filter: subjects.visitAccepted(this.instrument),
    });
    this.#feeds = [status, outcomes, visits];
    const loop = async (feed: AsyncIterable<{ data: Uint8Array }>, on: (v: unknown) => void) => {
      for await (const m of feed) {
        on(decodeJson(m.data));
        this.wake();
      }
    };
    this.#loops = [
      loop(status, (v) => this.statuses.push(v as StatusEvent)),
      loop(outcomes, (v) => this.outcomes.push(v as Outcome)),
      loop(visits, (v) => {
        const visit = v as AcceptedVisit;
        if (!this.expected.has(visit.group)) this.expected.set(visit.group, visit.detectors);
      }),
    ].map((p) =>
      p.catch((err: unknown) => {
        this.logs.push(`[test] feed ended: ${String(err)}`);
      }),
    );
  }

  /** What the test saw: status activities counted, visits, outcomes, the last log lines. */
  describe(lines = 120): string {
    const counts = new Map<string, number>();
    for (const e of this.statuses)
      counts.set(
        `${e.component}:${e.activity}`,
        (counts.get(`${e.component}:${e.activity}`) ?? 0) + 1,
      );
    return [
      `visits accepted: ${this.expected.size}; outcomes on the bus: ${this.outcomes.length}`,
      `status events: ${[...counts].map(([k, n]) => `${k}×${n}`).join(', ')}`,
      ...this.logs.slice(-lines),
    ].join('\n');
  }

  /** Re-checks every pending `until`. */
  wake(): void {
    for (const w of [...this.#wakers]) w();
  }

  /**
   * Resolves with the first value `find` returns (not undefined), checked now and after each
   * event the test sees (status, outcome, accepted visit, a role's exit). The test's timeout
   * is the only bound.
   */
  until<T>(find: () => T | undefined): Promise<T> {
    const now = find();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve) => {
      const check = (): void => {
        const v = find();
        if (v === undefined) return;
        this.#wakers.delete(check);
        resolve(v);
      };
      this.#wakers.add(check);
    });
  }

  /** The first status event that `match` accepts (seen so far or to come). */
  status(match: (e: StatusEvent) => boolean): Promise<StatusEvent> {
    return this.until(() => this.statuses.find(match));
  }

  /** Whether at least `visits` visits were accepted and each of their detectors has an outcome. */
  complete(visits: number): boolean {
    if (this.expected.size < visits) return false;
    const have = new Set(this.outcomes.map((o) => `${o.group}/${o.detector}`));
    return [...this.expected].every(([g, ds]) => ds.every((d) => have.has(`${g}/${d}`)));
  }

  /** Resolves once {@link complete}. */
  async allOutcomes(visits: number): Promise<void> {
    await this.until(() => (this.complete(visits) ? true : undefined));
  }

  /**
   * Like {@link allOutcomes}, but rejects as soon as one of `survivors` exits: a role that
   * must ride out the fault crashed (so the test fails at once, not at its timeout).
   */
  async allOutcomesWhileRunning(visits: number, survivors: readonly ChaosRole[]): Promise<void> {
    const crashed = survivors.map((r) =>
      r.exited.then(({ code, signal }) => {
        throw new Error(`${r.name} exited (${code ?? signal}) before the night completed`);
      }),
    );
    await Promise.race([this.allOutcomes(visits), ...crashed]);
  }

  /** Writes a config file for one role that differs from the night's (e.g. another bus). */
  configVariant(name: string, overrides: Record<string, unknown>): string {
    const file = path.join(this.dir, `${name}.yaml`);
    const { sources: _sources, ...compiled } = this.config;
    writeFileSync(file, stringify(mergeConfig(compiled, overrides)));
    return file;
  }

  /** Starts role `role` as process `name` (config: the night's unless `configFile`). */
  start(
    name: string,
    role: string,
    options: { env?: Record<string, string>; configFile?: string } = {},
  ): ChaosRole {
    const r = spawnChaosRole({
      name,
      role,
      configFile: options.configFile ?? this.configFile,
      ...(options.env ? { env: options.env } : {}),
      log: (line) => this.logs.push(line),
    });
    this.roles.push(r);
    void r.exited.then(() => this.wake());
    return r;
  }

  /** Starts worker process `worker-<i>` with a handler-local repo of its own. */
  worker(i: number, options: { localRepoRoot?: string; slots?: number } = {}): ChaosRole {
    return this.start(`worker-${i}`, 'worker', {
      env: {
        PROMPTLY_WORKER__LOCAL_REPO_ROOT:
          options.localRepoRoot ?? path.join(this.config.workDir, `local-${i}`),
        ...(options.slots !== undefined ? { PROMPTLY_WORKER__SLOTS: String(options.slots) } : {}),
      },
    });
  }

  /**
   * Stops every role (SIGTERM, SIGKILL after a drain bound), the feeds, the schema, the
   * files. Idempotent: tests call it from `onTestFinished` too, which runs even when the
   * test timed out (its `finally` then never does).
   */
  dispose(): Promise<void> {
    this.#disposed ??= this.#dispose();
    return this.#disposed;
  }

  async #dispose(): Promise<void> {
    for (const r of this.roles) r.kill('SIGTERM');
    const killer = setTimeout(() => {
      for (const r of this.roles) r.kill('SIGKILL');
    }, DRAIN_MS);
    await Promise.all(this.roles.map((r) => r.exited));
    clearTimeout(killer);
    for (const f of this.#feeds) await f.close().catch(() => undefined);
    await this.bus.close().catch(() => undefined);
    await Promise.all(this.#loops);
    await dropPromptlySchema(this.postgresUrl, this.schema).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
