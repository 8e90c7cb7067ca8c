import type { BusMessage, Subscription } from '../../bus/bus.js';
import { decodeJson } from '../../bus/codec.js';
import { realNowMs, type Clock } from '../../core/clock.js';
import type { ObjectStore } from '../../store/object-store.js';
import { rawArrivalSchema, type RawArrival } from '../arrivals/raw-arrival.js';
import { parseRawKey, rawPrefix } from '../../core/raw-key.js';

/**
 * Yields the raws of one visit-detector as they become known, each snap once: first those
 * already in the store (they may land before the next_visit), then live arrival messages,
 * until `expected` snaps were seen (0 = unknown: until the deadline) or the deadline passes.
 *
 * The caller subscribes to the arrival subject BEFORE creating the waiter, so nothing that
 * lands between the listing and the live feed is missed; duplicates of either are dropped.
 */
export async function* waitForSnaps(options: {
  readonly store: ObjectStore;
  readonly arrivals: Subscription<BusMessage>;
  readonly instrument: string;
  readonly detector: number;
  readonly group: string;
  readonly expected: number;
  readonly deadlineMs: number;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  /** Called for a live message that does not decode (it is skipped). */
  readonly onBadMessage?: (err: unknown) => void;
}): AsyncGenerator<RawArrival> {
  const seen = new Set<number>();
  const done = (): boolean => options.expected > 0 && seen.size >= options.expected;
  for await (const info of options.store.list(
    rawPrefix(options.instrument, options.detector, options.group),
    {
      signal: options.signal,
    },
  )) {
    let key;
    try {
      key = parseRawKey(info.key);
    } catch {
      continue;
    }
    if (seen.has(key.snap)) continue;
    seen.add(key.snap);
    yield {
      key: info.key,
      instrument: key.instrument,
      detector: key.detector,
      group: key.group,
      snap: key.snap,
      size: info.size,
      eTag: info.eTag.replace(/"/g, ''),
      arrivedMs: Math.min(realNowMs(), info.lastModifiedMs),
    };
    if (done()) return;
  }
  if (done()) return;

  const iterator = options.arrivals[Symbol.asyncIterator]();
  const timeout = new AbortController();
  const onAbort = (): void => timeout.abort();
  options.signal.addEventListener('abort', onAbort, { once: true });
  const deadline = options.clock
    .sleep(options.deadlineMs - options.clock.now(), timeout.signal)
    .then(
      () => 'deadline' as const,
      () => 'deadline' as const,
    );
  try {
    while (!done()) {
      const next = await Promise.race([iterator.next(), deadline]);
      if (next === 'deadline' || next.done) return;
      let arrival: RawArrival;
      try {
        arrival = rawArrivalSchema.parse(decodeJson(next.value.data));
      } catch (err) {
        options.onBadMessage?.(err);
        continue;
      }
      if (seen.has(arrival.snap)) continue;
      seen.add(arrival.snap);
      yield arrival;
    }
  } finally {
    timeout.abort();
    options.signal.removeEventListener('abort', onAbort);
  }
}
