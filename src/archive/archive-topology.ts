import type { Bus } from '../bus/bus.js';
import { subjectToken } from '../core/subjects.js';

/**
 * Subjects, queues and streams of the archive path. Work (each hand-off, OODS ingest, DBB
 * copy) is a queue acked after done, so a killed archive controller, OODS or DBB finds its
 * unfinished work redelivered; what comes out of each step is an event in ARCHIVE_EVENTS.
 *
 * | subject | kind | carried by |
 * |---|---|---|
 * | `archive.complete.<instr>` | work | queue ARCHIVE_HANDOFF: ImageComplete → archive controller |
 * | `archive.oods.<instr>` | work | queue ARCHIVE_OODS: StagedImage → OODS ingest |
 * | `archive.dbb.<instr>` | work | queue ARCHIVE_DBB: StagedImage → Data Backbone copy |
 * | `archive.event.<kind>.<instr>` | event | stream ARCHIVE_EVENTS: header, written, missed, ingested, quarantined, expired, archived, backfilled, lost, overdue, repaired, reprocess, link |
 * | `archive.dead.<step>` | event | stream ARCHIVE_DEAD: work that failed every delivery (the catch-up backfills its image) |
 */
export const archiveSubjects = {
  complete: (instrument: string) => `archive.complete.${subjectToken(instrument)}`,
  oods: (instrument: string) => `archive.oods.${subjectToken(instrument)}`,
  dbb: (instrument: string) => `archive.dbb.${subjectToken(instrument)}`,
  event: (kind: ArchiveEventKind, instrument: string) =>
    `archive.event.${kind}.${subjectToken(instrument)}`,
  eventsAll: 'archive.event.>',
} as const;

export type ArchiveEventKind =
  | 'header'
  | 'written'
  | 'missed'
  | 'ingested'
  | 'quarantined'
  | 'expired'
  | 'archived'
  | 'backfilled'
  | 'lost'
  | 'overdue'
  | 'repaired'
  | 'reprocess'
  | 'link';

export const ARCHIVE_QUEUES = {
  handoff: 'ARCHIVE_HANDOFF',
  oods: 'ARCHIVE_OODS',
  dbb: 'ARCHIVE_DBB',
} as const;

export const ARCHIVE_EVENTS_STREAM = 'ARCHIVE_EVENTS';

export interface ArchiveTopologyOptions {
  /** Visibility timeout of archive work, ms (a killed step's work comes back after it). */
  readonly ackWaitMs: number;
  /** Deliveries before a piece of archive work is dead-lettered. */
  readonly maxDeliveries: number;
}

/** Creates (idempotently) the archive path's queues and streams. */
export async function ensureArchiveTopology(bus: Bus, o: ArchiveTopologyOptions): Promise<void> {
  await bus.ensureStream({
    name: ARCHIVE_EVENTS_STREAM,
    subjects: [archiveSubjects.eventsAll],
    maxMsgs: 1_000_000,
    maxAgeMs: 7 * 86_400_000,
  });
  await bus.ensureStream({ name: 'ARCHIVE_DEAD', subjects: ['archive.dead.>'], maxMsgs: 100_000 });
  const queues: [string, string, string][] = [
    [ARCHIVE_QUEUES.handoff, 'archive.complete.>', 'archive.dead.handoff'],
    [ARCHIVE_QUEUES.oods, 'archive.oods.>', 'archive.dead.oods'],
    [ARCHIVE_QUEUES.dbb, 'archive.dbb.>', 'archive.dead.dbb'],
  ];
  for (const [name, subject, dead] of queues) {
    await bus.ensureQueue({
      name,
      subjects: [subject],
      ackWaitMs: o.ackWaitMs,
      maxDeliveries: o.maxDeliveries,
      deadLetterSubject: dead,
    });
  }
}

/** Whether the archive queues hold nothing waiting or in flight. */
export async function archiveQueuesIdle(bus: Bus): Promise<boolean> {
  for (const q of Object.values(ARCHIVE_QUEUES)) {
    const info = await bus.queueInfo(q);
    if (info.pending + info.inFlight > 0) return false;
  }
  return true;
}
