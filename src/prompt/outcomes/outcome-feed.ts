import type { Bus } from '../../bus/bus.js';
import { decodeJson } from '../../bus/codec.js';
import type { Outcome } from '../../core/outcome.js';
import { subjects } from '../../core/subjects.js';
import { topologyNames } from '../topology.js';

/** A running outcome feed; `close` stops it and waits for the last callback. */
export interface OutcomeFeed {
  close(): Promise<void>;
}

/**
 * Calls `onOutcome` for every outcome of `instrument` recorded from now on (`from: 'new'`) or
 * also those still in the OUTCOMES stream (`from: 'all'`), in order. Needs the topology.
 */
export async function followOutcomes(
  bus: Bus,
  instrument: string,
  onOutcome: (outcome: Outcome) => void,
  from: 'new' | 'all' = 'new',
): Promise<OutcomeFeed> {
  const feed = await bus.readStream(topologyNames(instrument).outcomesStream, {
    deliver: { kind: from },
    filter: subjects.outcome(instrument),
  });
  const loop = (async () => {
    for await (const message of feed) onOutcome(decodeJson(message.data) as Outcome);
  })();
  return {
    async close() {
      await feed.close();
      await loop;
    },
  };
}
