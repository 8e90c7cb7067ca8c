import { ARCHIVE_EVENTS_STREAM, archiveSubjects } from '../../archive/archive-topology.js';
import type { ReprocessRequest } from '../../archive/reprocess-requests.js';
import type { Bus } from '../../bus/bus.js';
import { decodeJson } from '../../bus/codec.js';
import { toPromptlyError } from '../../core/errors.js';
import type { JobRecord } from '../../jobs/job.js';
import type { JobManager } from '../../jobs/manager/job-manager.js';

/** The owner of the jobs the manager queues by itself. */
export const SYSTEM_OWNER = 'promptly';

/**
 * Queues one `reprocess` job (catch-up processing) for each request the archive path makes
 * on `archive.event.reprocess.<instr>` (stream ARCHIVE_EVENTS, read from its start, so a
 * manager that was down catches up): owner `promptly`, idempotency key
 * `reprocess/<group>/<detector>`, so a request seen again makes no second job. Returns the
 * function that stops it.
 */
export async function submitReprocessJobs(o: {
  bus: Bus;
  manager: JobManager;
  instrument: string;
  log?: ((line: string) => void) | undefined;
  /** Told of each job a request led to, new or queued before (idempotency key). */
  onJob?: ((job: JobRecord) => void) | undefined;
}): Promise<() => Promise<void>> {
  const sub = await o.bus.readStream(ARCHIVE_EVENTS_STREAM, {
    deliver: { kind: 'all' },
    filter: archiveSubjects.event('reprocess', o.instrument),
  });
  const pump = (async () => {
    for await (const m of sub) {
      try {
        const r = decodeJson(m.data) as ReprocessRequest;
        const last = [...r.images].sort().at(-1);
        if (last === undefined) continue;
        const { job, created } = await o.manager.create(SYSTEM_OWNER, {
          type: 'reprocess',
          parameters: {
            instrument: r.instrument,
            group: r.group,
            detector: r.detector,
            image: last,
          },
          runId: `catch-up ${r.group}`,
          idempotencyKey: `reprocess/${r.group}/${r.detector}`,
        });
        if (created)
          o.log?.(
            `jobs: catch-up processing of ${r.group} detector ${r.detector}: job ${job.jobId}`,
          );
        o.onJob?.(job);
      } catch (err) {
        const e = toPromptlyError(err);
        o.log?.(`jobs: reprocess request not queued: ${e.code}: ${e.message}`);
      }
    }
  })();
  return async () => {
    await sub.close();
    await pump;
  };
}
