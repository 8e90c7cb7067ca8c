import { randomUUID } from 'node:crypto';
import type { Bus, Subscription } from '../bus.js';

/** What each group of conformance cases gets from the runner. */
export interface ConformanceContext {
  /** The bus of the current test (fresh per test, closed after it). */
  bus(): Bus;
  /** Tracks a subscription so it is closed after the test; returns a reader over it. */
  track<T>(sub: Subscription<T>): Reader<T>;
  /** Scales a duration (ms) by the backend's time scale. */
  ms(n: number): number;
  /** Deadline for something that must happen (ms). */
  readonly waitMs: number;
  /** Window in which something must not happen (ms). */
  readonly quietMs: number;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** UTF-8 bytes of a string. */
export function bytes(s: string): Uint8Array {
  return enc.encode(s);
}

/** String of UTF-8 bytes. */
export function text(b: Uint8Array): string {
  return dec.decode(b);
}

/** A unique token, safe as a subject token and inside stream/queue names. */
export function unique(): string {
  return `t${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

/** Marker for "nothing within the deadline". */
export const TIMEOUT: unique symbol = Symbol('timeout');

/** `p`, or TIMEOUT when `ms` pass first (the timer is always cleared). */
export async function within<T>(p: Promise<T>, ms: number): Promise<T | typeof TIMEOUT> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<typeof TIMEOUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMEOUT), ms);
  });
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves after `ms`; used only to let time pass (ages, delays), never to wait for events. */
export function elapse(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Reads a subscription with deadlines. A `next()` that timed out stays pending and is
 * reused by the following call, so no message is lost to an abandoned promise.
 */
export class Reader<T> {
  private readonly it: AsyncIterator<T>;
  private pending: Promise<IteratorResult<T>> | undefined;

  constructor(readonly sub: Subscription<T>) {
    this.it = sub[Symbol.asyncIterator]();
  }

  /** The next result, or TIMEOUT. */
  async poll(ms: number): Promise<IteratorResult<T> | typeof TIMEOUT> {
    this.pending ??= this.it.next();
    const r = await within(this.pending, ms);
    if (r !== TIMEOUT) this.pending = undefined;
    return r;
  }

  /** The next value; fails the test when none arrives within `ms` or iteration ends. */
  async next(ms: number): Promise<T> {
    const r = await this.poll(ms);
    if (r === TIMEOUT) throw new Error(`no message within ${ms} ms`);
    if (r.done === true) throw new Error('subscription ended while a message was expected');
    return r.value;
  }

  /** The next `n` values, each within `ms`. */
  async take(n: number, ms: number): Promise<T[]> {
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(await this.next(ms));
    return out;
  }

  /** True when iteration ends within `ms`; throws if a value arrives instead. */
  async ended(ms: number): Promise<boolean> {
    const r = await this.poll(ms);
    if (r === TIMEOUT) return false;
    if (r.done !== true)
      throw new Error('a value arrived where the subscription should have ended');
    return true;
  }

  /** True when nothing (neither value nor end) arrives within `ms`. */
  async quiet(ms: number): Promise<boolean> {
    return (await this.poll(ms)) === TIMEOUT;
  }
}
