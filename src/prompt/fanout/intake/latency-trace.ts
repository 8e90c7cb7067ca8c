import { realNowMs, type Clock } from '../../../core/clock.js';
import type { NextVisit } from '../../../core/next-visit.js';
import { taiSecondsToUtcMs } from '../../../core/time.js';

/**
 * Where a next_visit's time went before promptly had it, from its SAL envelope. All in
 * summit-clock ms (real ms when the summit runs in real time, as at an observatory); rounded
 * to 0.1 ms. An interval whose stamps are missing or 0 ("not set") is left out. Negative
 * values are kept: they show clocks out of step, which is worth seeing.
 */
export interface LatencyTrace {
  /** Summit send (`private_sndStamp`) → Kafka write (`private_kafkaStamp`). */
  readonly sendToKafkaMs?: number;
  /** Kafka write → promptly received it. */
  readonly kafkaToReceiveMs?: number;
  /** Summit send → promptly received it. */
  readonly sendToReceiveMs: number;
}

const tenths = (ms: number): number => Math.round(ms * 10) / 10;
const isSet = (stamp: number | undefined): stamp is number => stamp !== undefined && stamp !== 0;

/**
 * The latency trace of `visit`, received at real time `receivedRealMs` (what the fan-out
 * stamps on work items), read on the summit clock: `clock.now()` less the real time since,
 * scaled by the clock's speed.
 */
export function latencyTrace(visit: NextVisit, receivedRealMs: number, clock: Clock): LatencyTrace {
  const receivedSummitMs = clock.now() - (realNowMs() - receivedRealMs) * clock.speed;
  const sendMs = taiSecondsToUtcMs(visit.private_sndStamp);
  const kafka = visit.private_kafkaStamp;
  return {
    ...(isSet(kafka)
      ? {
          sendToKafkaMs: tenths(taiSecondsToUtcMs(kafka) - sendMs),
          kafkaToReceiveMs: tenths(receivedSummitMs - taiSecondsToUtcMs(kafka)),
        }
      : {}),
    sendToReceiveMs: tenths(receivedSummitMs - sendMs),
  };
}
