import type { Bus, StreamConfig } from '../bus/bus.js';
import type { Config } from '../core/config.js';
import { ALERTS_STREAM } from '../alerts/alert-subjects.js';
import { subjectToken, subjects } from '../core/subjects.js';

/** The kinds of subject and the quality of service each gets (DESIGN.md, the DDS seed). */
export type SubjectKind = 'command' | 'event' | 'work' | 'telemetry';

/**
 * Every subject family promptly uses, by kind: a command has one responder and a reply
 * within a timeout (volatile); an event is kept in a stream with bounded history, so a late
 * joiner reads the last N or last-per-subject without blocking its start-up; work is a queue
 * acked after done; telemetry is volatile and lossy by design (`promptly status` and the
 * live display read the latest). A participant subscribes only to the families it needs.
 */
export const SUBJECT_KINDS: readonly { subjects: string; kind: SubjectKind; carriedBy: string }[] =
  [
    {
      subjects: 'cmd.<component>.<verb>.<instr>',
      kind: 'command',
      carriedBy: 'request/reply, one responder',
    },
    { subjects: 'ocs.>', kind: 'event', carriedBy: 'stream OCS (per subject ≤ 1000, 24 h)' },
    { subjects: 'visit.accepted.<instr>', kind: 'event', carriedBy: 'stream VISITS' },
    {
      subjects: 'raw.arrived.<instr>.<det>.<group>',
      kind: 'event',
      carriedBy: 'stream RAW_ARRIVALS',
    },
    { subjects: 's3.events.<bucket>', kind: 'event', carriedBy: 'stream S3_EVENTS' },
    { subjects: 'outcome.<instr>', kind: 'event', carriedBy: 'stream OUTCOMES' },
    {
      subjects: 'alerts.<instr>',
      kind: 'event',
      carriedBy: 'stream ALERTS (≤ 1 M or 24 h: a catch-up buffer; files are the archive)',
    },
    { subjects: 'work.visit.<instr>', kind: 'work', carriedBy: 'queue WORK_<instr>' },
    { subjects: 'work.dead.<instr>', kind: 'work', carriedBy: 'queue DEAD_<instr>' },
    { subjects: 'work.lost.<instr>', kind: 'event', carriedBy: 'stream LOST' },
    { subjects: 'status.<component>', kind: 'telemetry', carriedBy: 'volatile, live only' },
    {
      subjects: 'health.<instr>.<role>.<id>',
      kind: 'telemetry',
      carriedBy: 'stream HEALTH (in memory, latest value per subject, 10 min)',
    },
  ];

/**
 * Latest-value telemetry: each role process's heartbeat, one per subject, in memory only
 * (a restart of the server forgets it; the next beat restores it), gone 10 min after the last.
 */
export const HEALTH_STREAM = {
  name: 'HEALTH',
  subjects: [subjects.healthAll],
  maxMsgsPerSubject: 1,
  maxAgeMs: 10 * 60_000,
  volatile: true,
} as const satisfies StreamConfig;

/** Names of the streams and queues of one instrument's prompt processing. */
export function topologyNames(instrument: string) {
  const token = subjectToken(instrument).replace(/[^A-Za-z0-9_-]/g, '_');
  return {
    ocsStream: 'OCS',
    arrivalsStream: 'RAW_ARRIVALS',
    outcomesStream: 'OUTCOMES',
    visitsStream: 'VISITS',
    s3EventsStream: 'S3_EVENTS',
    lostStream: 'LOST',
    alertsStream: ALERTS_STREAM.name,
    healthStream: HEALTH_STREAM.name,
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
  await bus.ensureStream(HEALTH_STREAM);
  await bus.ensureStream(ALERTS_STREAM);
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
  // Dead letters of the dead-letter queue: kept (never dropped unseen) and shown by status.
  await bus.ensureStream({
    name: names.lostStream,
    subjects: ['work.lost.>'],
    maxMsgs: 100_000,
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
