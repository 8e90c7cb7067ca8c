import type { Bus } from '../../bus/bus.js';
import { decodeJson } from '../../bus/codec.js';
import type { Outcome } from '../../core/outcome.js';
import { subjects } from '../../core/subjects.js';
import type { AcceptedVisit } from '../fanout/fanout-service.js';
import { topologyNames } from '../topology.js';

/** A running feed; `close` stops it and waits for the last callback. */
export interface OutcomeFeed {
  close(): Promise<void>;
}

/** Calls `on` with each JSON message of `filter` in `stream`, in order. */
async function follow<T>(
  bus: Bus,
  stream: string,
  filter: string,
  from: 'new' | 'all',
  on: (value: T) => void,
): Promise<OutcomeFeed> {
  const feed = await bus.readStream(stream, { deliver: { kind: from }, filter });
  const loop = (async () => {
    for await (const message of feed) on(decodeJson(message.data) as T);
  })();
  return {
    async close() {
      await feed.close();
      await loop;
    },
  };
}

/**
 * Calls `onOutcome` for every outcome of `instrument` recorded from now on (`from: 'new'`) or
 * also those still in the OUTCOMES stream (`from: 'all'`), in order. Needs the topology.
 */
export function followOutcomes(
  bus: Bus,
  instrument: string,
  onOutcome: (outcome: Outcome) => void,
  from: 'new' | 'all' = 'new',
): Promise<OutcomeFeed> {
  const stream = topologyNames(instrument).outcomesStream;
  return follow(bus, stream, subjects.outcome(instrument), from, onOutcome);
}

/**
 * Calls `onVisit` for every visit the fan-out accepts for `instrument` from now on (the
 * `visit.accepted.<instrument>` events, wherever the next_visit came from). Needs the topology.
 */
export function followAcceptedVisits(
  bus: Bus,
  instrument: string,
  onVisit: (visit: AcceptedVisit) => void,
): Promise<OutcomeFeed> {
  const stream = topologyNames(instrument).visitsStream;
  return follow(bus, stream, subjects.visitAccepted(instrument), 'new', onVisit);
}
