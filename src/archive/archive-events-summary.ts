import type { Bus } from '../bus/bus.js';
import { decodeJson } from '../bus/codec.js';
import { subjectToken } from '../core/subjects.js';
import { ARCHIVE_EVENTS_STREAM } from './archive-topology.js';
import type { ImageComplete } from './image-complete.js';

/** Counts of what the archive path did, read back from its events. */
export interface ArchiveEventCounts {
  /** Files the image writer wrote on the normal path, and those without header metadata. */
  readonly written: number;
  readonly metadataIncomplete: number;
  readonly missed: number;
  readonly backfilled: number;
  readonly lost: number;
  readonly overdue: number;
  readonly outages: number;
  readonly reprocessRequests: number;
  /** Image complete → OODS ingested, summit ms, one per ingest event. */
  readonly completeToOodsMs: readonly number[];
}

/**
 * Reads the archive events of `instrument` stored since stream sequence `fromSeq` (the
 * night's first) up to now, and counts them: the one account of a night's archive path,
 * whether its roles ran in this process or in others.
 */
export async function countArchiveEvents(
  bus: Bus,
  instrument: string,
  fromSeq = 1,
): Promise<ArchiveEventCounts> {
  const { lastSeq } = await bus.streamInfo(ARCHIVE_EVENTS_STREAM);
  const c = {
    written: 0,
    metadataIncomplete: 0,
    missed: 0,
    backfilled: 0,
    lost: 0,
    overdue: 0,
    outages: 0,
    reprocessRequests: 0,
    completeToOodsMs: [] as number[],
  };
  if (lastSeq < fromSeq) return c;
  const token = subjectToken(instrument);
  const sub = await bus.readStream(ARCHIVE_EVENTS_STREAM, {
    deliver: { kind: 'from-seq', seq: Math.max(1, fromSeq) },
  });
  try {
    for await (const m of sub) {
      const [, , kind, instr] = m.subject.split('.');
      if (instr === token) {
        const e = decodeJson(m.data) as Partial<ImageComplete> & {
          up?: boolean;
          latencyMs?: number;
        };
        if (kind === 'written') {
          if (e.origin !== 'catchup') c.written++;
          if (e.metadataIncomplete) c.metadataIncomplete++;
        } else if (kind === 'missed') c.missed++;
        else if (kind === 'backfilled') c.backfilled++;
        else if (kind === 'lost') c.lost++;
        else if (kind === 'overdue') c.overdue++;
        else if (kind === 'reprocess') c.reprocessRequests++;
        else if (kind === 'link' && e.up === false) c.outages++;
        else if (kind === 'ingested' && typeof e.latencyMs === 'number')
          c.completeToOodsMs.push(e.latencyMs);
      }
      if (m.seq >= lastSeq) break;
    }
  } finally {
    await sub.close();
  }
  return c;
}
