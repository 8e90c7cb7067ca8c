import type { BatchEvent, BatchState } from '../batch-backend.js';

/**
 * Slurm job states (squeue %T, scontrol JobState, sacct State) as BatchStates. Jobs waiting
 * for resources or held are queued; started ones (also suspended, completing, staging out) are
 * running; the rest end the job.
 */
const STATES: Readonly<Record<string, BatchState>> = {
  PENDING: 'queued',
  CONFIGURING: 'queued',
  REQUEUED: 'queued',
  REQUEUE_HOLD: 'queued',
  REQUEUE_FED: 'queued',
  RESV_DEL_HOLD: 'queued',
  RUNNING: 'running',
  COMPLETING: 'running',
  SUSPENDED: 'running',
  STOPPED: 'running',
  SIGNALING: 'running',
  RESIZING: 'running',
  STAGE_OUT: 'running',
  COMPLETED: 'completed',
  FAILED: 'failed',
  NODE_FAIL: 'failed',
  OUT_OF_MEMORY: 'failed',
  BOOT_FAIL: 'failed',
  PREEMPTED: 'failed',
  SPECIAL_EXIT: 'failed',
  CANCELLED: 'cancelled',
  REVOKED: 'cancelled',
  TIMEOUT: 'timeout',
  DEADLINE: 'timeout',
};

/** States in which the job's program certainly ran: `running` precedes them. */
const RAN = new Set(['COMPLETED', 'FAILED', 'OUT_OF_MEMORY', 'TIMEOUT']);

/** The BatchState of a Slurm state (`CANCELLED by 0` counts as CANCELLED), or undefined. */
export function batchStateOf(slurmState: string): BatchState | undefined {
  return STATES[slurmBaseState(slurmState)];
}

/** The state word alone: `CANCELLED by 0` → `CANCELLED`, `PENDING+` → `PENDING`. */
export function slurmBaseState(slurmState: string): string {
  return (slurmState.trim().split(/\s/)[0] ?? '').replace(/\+$/, '');
}

/** Whether a job that ended in `slurmState` must have run. */
export function slurmStateRan(slurmState: string): boolean {
  return RAN.has(slurmBaseState(slurmState));
}

/** One job as Slurm reports it. */
export interface SlurmJob {
  readonly id: string;
  /** Raw Slurm state, e.g. `PENDING`, `CANCELLED by 0`. */
  readonly state: string;
  readonly name: string;
  /** Slurm's reason (`None`, `Resources`, `NonZeroExitCode`…), when known. */
  readonly reason?: string;
  /** Exit status of the batch script, when it exited. */
  readonly exitCode?: number;
  /** Signal number that ended it, when one did (0 for none). */
  readonly signal?: number;
}

/** The queue format the backend asks squeue for: id, state, name, reason. */
export const SQUEUE_FORMAT = '%i|%T|%j|%r';

/** Rows of `squeue --noheader -o '%i|%T|%j|%r'`, by job id. */
export function parseSqueue(stdout: string): Map<string, SlurmJob> {
  const jobs = new Map<string, SlurmJob>();
  for (const line of stdout.split('\n')) {
    const [id, state, ...rest] = line.trim().split('|');
    if (!id || !state || rest.length < 2) continue;
    const reason = rest.pop() ?? '';
    jobs.set(id, { id, state, name: rest.join('|'), reason });
  }
  return jobs;
}

/** `N:M` (exit status : signal) as numbers; undefined unless both are integers. */
function parseExitCode(text: string | undefined): { exitCode: number; signal: number } | undefined {
  const m = /^(\d+):(\d+)$/.exec(text ?? '');
  return m ? { exitCode: Number(m[1]), signal: Number(m[2]) } : undefined;
}

/** The job in `scontrol show job -o <id>` output, or undefined when it names none. */
export function parseScontrolJob(stdout: string): SlurmJob | undefined {
  const line = stdout.split('\n').find((l) => l.startsWith('JobId='));
  if (!line) return undefined;
  const field = (key: string): string | undefined =>
    new RegExp(`(?:^|\\s)${key}=(\\S*)`).exec(line)?.[1];
  const id = field('JobId');
  const state = field('JobState');
  if (!id || !state) return undefined;
  return {
    id,
    state,
    name: field('JobName') ?? '',
    reason: field('Reason') ?? '',
    ...parseExitCode(field('ExitCode')),
  };
}

/** Fields the backend asks sacct for, in this order. */
export const SACCT_FORMAT = 'JobID,JobName,State,ExitCode';

/** Job `id` in `sacct --parsable2 --noheader --format JobID,JobName,State,ExitCode` output. */
export function parseSacct(stdout: string, id: string): SlurmJob | undefined {
  for (const line of stdout.split('\n')) {
    const [jobId, name, state, exit] = line.trim().split('|');
    if (jobId !== id || name === undefined || !state) continue;
    return { id, state, name, ...parseExitCode(exit) };
  }
  return undefined;
}

/**
 * The BatchEvent a Slurm job's state stands for, or undefined for a state this backend does not
 * know (treated as "no change").
 */
export function slurmEvent(jobId: string, job: SlurmJob, atMs: number): BatchEvent | undefined {
  const state = batchStateOf(job.state);
  if (!state) return undefined;
  const base = { jobId, batchId: job.id, state, atMs };
  const raw = slurmBaseState(job.state);
  const signalled = job.signal !== undefined && job.signal > 0;
  const how = signalled
    ? `killed by signal ${job.signal}`
    : job.exitCode === undefined
      ? undefined
      : `exit status ${job.exitCode}`;
  const exitCode = signalled ? undefined : job.exitCode;
  switch (state) {
    case 'queued':
    case 'running':
      return base;
    case 'completed':
      return { ...base, exitCode: exitCode ?? 0 };
    case 'failed': {
      const detail = raw === 'FAILED' ? how : [raw, how].filter(Boolean).join(', ');
      return { ...base, exitCode, reason: detail ?? raw };
    }
    case 'cancelled':
      return { ...base, reason: `cancelled in Slurm (${job.state.trim()})` };
    case 'timeout':
      return { ...base, reason: `ran past its time limit (Slurm ${raw})` };
  }
}
