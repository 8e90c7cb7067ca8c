import type { Bus } from '../bus/bus.js';
import type { Config } from '../core/config.js';
import { subjectToken, subjects } from '../core/subjects.js';

/** Names of the streams and queues of one instrument's prompt processing. */
export function topologyNames(instrument: string) {
  const token = subjectToken(instrument).replace(/[^A-Za-z0-9_-]/g, '_');
  return {
    ocsStream: 'OCS',
    arrivalsStream: 'RAW_ARRIVALS',
    outcomesStream: 'OUTCOMES',
    visitsStream: 'VISITS',
    s3EventsStream: 'S3_EVENTS',
    workQueue: `WORK_${token}`,
    deadQueue: `DEAD_${token}`,
  } as const;
}

/**
 * Creates (idempotently) the streams and queues prompt processing needs, with the QoS of
 * DESIGN.md: OCS events and arrivals durable with bounded history, work as a queue acked
 * after done, dead letters as their own queue so each becomes an outcome, outcomes durable.
 */
export async function ensureTopology(
  bus: Bus,
  instrument: string,
  worker: Config['worker'],
): Promise<void> {
  const names = topologyNames(instrument);
  await bus.ensureStream({
    name: names.ocsStream,
    subjects: ['ocs.>'],
    maxMsgsPerSubject: 1000,
    maxAgeMs: 24 * 3600_000,
  });
  await bus.ensureStream({
    name: names.arrivalsStream,
    subjects: [subjects.rawArrivedAll],
    maxMsgs: 100_000,
    maxAgeMs: 3600_000,
  });
  await bus.ensureStream({
    name: names.s3EventsStream,
    subjects: ['s3.events.>'],
    maxMsgs: 1_000_000,
    maxAgeMs: 3600_000,
  });
  await bus.ensureStream({
    name: names.visitsStream,
    subjects: [subjects.visitAcceptedAll],
    maxMsgs: 100_000,
    maxAgeMs: 7 * 24 * 3600_000,
  });
  await bus.ensureStream({
    name: names.outcomesStream,
    subjects: [subjects.outcomeAll],
    maxMsgs: 1_000_000,
  });
  await bus.ensureQueue({
    name: names.workQueue,
    subjects: [subjects.work(instrument)],
    ackWaitMs: worker.ackWaitMs,
    maxDeliveries: worker.maxDeliveries,
    deadLetterSubject: subjects.workDead(instrument),
  });
  await bus.ensureQueue({
    name: names.deadQueue,
    subjects: [subjects.workDead(instrument)],
    ackWaitMs: worker.ackWaitMs,
    maxDeliveries: 100,
    deadLetterSubject: `work.lost.${subjectToken(instrument)}`,
  });
}
