import type { StreamConfig } from '../bus/bus.js';
import { subjects } from '../core/subjects.js';

/** Where alerts travel on the bus (`src/core/subjects.ts`; the topology creates the stream). */
export const alertSubjects = {
  /** Confluent-framed Avro alerts of one instrument: `alerts.<instrument>`. */
  alerts: subjects.alerts,
  /** Every instrument's alerts. */
  alertsAll: subjects.alertsAll,
} as const;

/**
 * The stream that keeps alerts for readers that were not listening (`promptly alerts tail
 * --last N`, brokers catching up): every instrument, at most a million alerts or a day,
 * whichever is less (an LSST night is ~10 million alerts: brokers read live, this is a
 * catch-up buffer, not the archive — the archive is the per-visit container files).
 */
export const ALERTS_STREAM: StreamConfig = {
  name: 'ALERTS',
  subjects: [alertSubjects.alertsAll],
  maxMsgs: 1_000_000,
  maxAgeMs: 24 * 3600_000,
};
