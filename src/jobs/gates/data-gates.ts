import type { Bus, Subscription, BusMessage } from '../../bus/bus.js';
import { decodeJson } from '../../bus/codec.js';
import { archiveSubjects } from '../../archive/archive-topology.js';
import type { JobDependency } from '../job.js';
import type { DataProbe } from './data-probe.js';

/** Archive events that make data of each dependency kind present. */
const SATISFIES: Readonly<Record<string, JobDependency['kind']>> = {
  archived: 'archived',
  backfilled: 'archived',
  ingested: 'ingested',
};

function keyOf(kind: JobDependency['kind'], instrument: string, image: string): string {
  return `${kind}\u0000${instrument}\u0000${image}`;
}

/** How a gate ended. */
export type GateResult = 'ready' | 'timeout' | 'aborted';

/**
 * Data-arrival gates without polling: one subscription to the archive's events serves every
 * waiting job. A gate registers its dependencies first, then asks the probe once for each (so
 * an arrival between the two is never missed), then waits for the events that make the rest
 * present (`archive.event.archived|backfilled|ingested.<instr>`, each carrying the image).
 */
export class DataGates {
  readonly #bus: Bus;
  readonly #probe: DataProbe;
  readonly #waiting = new Map<string, Set<() => void>>();
  #sub: Subscription<BusMessage> | undefined;
  #pump: Promise<void> | undefined;

  constructor(bus: Bus, probe: DataProbe) {
    this.#bus = bus;
    this.#probe = probe;
  }

  async start(): Promise<void> {
    this.#sub = await this.#bus.subscribe(archiveSubjects.eventsAll);
    const sub = this.#sub;
    this.#pump = (async () => {
      for await (const m of sub) this.#onEvent(m);
    })();
  }

  #onEvent(m: BusMessage): void {
    // archive.event.<kind>.<instrument>
    const [, , kind, ...rest] = m.subject.split('.');
    const satisfies = kind === undefined ? undefined : SATISFIES[kind];
    if (satisfies === undefined || this.#waiting.size === 0) return;
    let event: { image?: unknown; instrument?: unknown };
    try {
      event = decodeJson(m.data) as typeof event;
    } catch {
      return; // not ours to judge: the archive's own consumers report malformed events
    }
    if (typeof event.image !== 'string') return;
    const instrument = typeof event.instrument === 'string' ? event.instrument : rest.join('.');
    const waiters = this.#waiting.get(keyOf(satisfies, instrument, event.image));
    if (waiters) for (const w of [...waiters]) w();
  }

  /**
   * Resolves `ready` once every dependency is present, `timeout` after `timeoutMs` real ms
   * (0 or less: at once unless all are present now), `aborted` when `signal` aborts.
   */
  async wait(
    deps: readonly JobDependency[],
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<GateResult> {
    if (!this.#sub) throw new Error('DataGates.start() was not called');
    const missing = new Set(deps.map((d) => keyOf(d.kind, d.instrument, d.image)));
    let wake: (r: GateResult) => void = () => {};
    const ended = new Promise<GateResult>((resolve) => (wake = resolve));
    const handlers = new Map<string, () => void>();
    for (const k of missing) {
      const h = (): void => {
        missing.delete(k);
        if (missing.size === 0) wake('ready');
      };
      handlers.set(k, h);
      let set = this.#waiting.get(k);
      if (!set) this.#waiting.set(k, (set = new Set()));
      set.add(h);
    }
    const onAbort = (): void => wake('aborted');
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(
      () => wake('timeout'),
      Math.max(0, Math.min(timeoutMs, 2_147_483_647)),
    );
    try {
      if (signal?.aborted) return 'aborted';
      for (const d of deps) {
        if (await this.#probe.present(d)) handlers.get(keyOf(d.kind, d.instrument, d.image))?.();
      }
      if (missing.size === 0) return 'ready';
      return await ended;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      for (const [k, h] of handlers) {
        const set = this.#waiting.get(k);
        set?.delete(h);
        if (set?.size === 0) this.#waiting.delete(k);
      }
    }
  }

  async close(): Promise<void> {
    await this.#sub?.close();
    await this.#pump;
  }
}
