import { isTerminal, type JobRecord } from '../../jobs/job.js';
import type { CatchUpSummary } from '../../observe/night-summary.js';

/**
 * Follows the catch-up processing jobs of a night (`reprocess`, queued from the archive's
 * requests) through the manager's phase changes, so `up` can wait for them to end: an event
 * per change, never a poll.
 */
export class CatchUpWatch {
  readonly #jobs = new Map<string, JobRecord>();
  readonly #mine = new Set<string>();
  #wake: (() => void) | undefined;

  /** For the job service's `onReprocessJob`: a job of this night. */
  readonly onJob = (job: JobRecord): void => {
    this.#mine.add(job.jobId);
    this.onChange(job);
  };

  /** For the job service's `onChange`. */
  readonly onChange = (job: JobRecord): void => {
    const last = this.#jobs.get(job.jobId);
    if (last && isTerminal(last.phase)) return;
    this.#jobs.set(job.jobId, job);
    this.#wake?.();
  };

  #ended(requests: number): boolean {
    if (this.#mine.size < requests) return false;
    for (const id of this.#mine)
      if (!isTerminal(this.#jobs.get(id)?.phase ?? 'PENDING')) return false;
    return true;
  }

  /** Resolves once `requests` jobs are known and every one has ended, or `signal` aborts. */
  async until(requests: number, signal?: AbortSignal): Promise<CatchUpSummary> {
    while (!this.#ended(requests) && !signal?.aborted) {
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        signal?.addEventListener('abort', () => resolve(), { once: true });
      });
      this.#wake = undefined;
    }
    return this.summary();
  }

  summary(): CatchUpSummary {
    const mine = [...this.#mine].map((id) => this.#jobs.get(id));
    const count = (phase: JobRecord['phase']): number =>
      mine.filter((j) => j?.phase === phase).length;
    return {
      jobs: mine.length,
      completed: count('COMPLETED'),
      error: count('ERROR'),
      aborted: count('ABORTED'),
      unfinished: mine.filter((j) => j && !isTerminal(j.phase)).map((j) => j?.jobId ?? ''),
    };
  }
}
