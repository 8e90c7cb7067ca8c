import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BatchEvent } from '../batch-backend.js';

/**
 * The files the local backend keeps in a job's workDir, so that a manager started later can
 * find the job again (`attach`): `.batch.json`, written by the backend when the job's wrapper
 * starts, and `.exit`, written by the wrapper (`run-job.ts`) when the job ends. Both are
 * written to a temporary name and renamed, so a reader sees all of a file or none of it.
 */
export const BATCH_RECORD_FILE = '.batch.json';
export const EXIT_RECORD_FILE = '.exit';

/** Who runs a job: written when its wrapper has started. */
export interface BatchRecord {
  readonly v: 1;
  readonly batchId: string;
  readonly jobId: string;
  /** The wrapper's pid; also its process group, which holds the job. */
  readonly pid: number;
  /** `/proc/<pid>/stat` field 22, clock ticks since boot: tells a reused pid apart. */
  readonly startTicks: number;
  /** Cores the job was given, 1..256: counted against a later manager's pool. */
  readonly cores: number;
  /** Real ms since the Unix epoch when the wrapper started. */
  readonly startedAtMs: number;
}

/** How a job ended, as its wrapper saw it. */
export interface ExitRecord {
  readonly v: 1;
  readonly batchId: string;
  /** Exit status of the job's process, or null when a signal ended it. */
  readonly code: number | null;
  /** The signal that ended it (`SIGKILL`…), or null. */
  readonly signal: string | null;
  /** Why the wrapper ended the job, when it did: a cancel or the time limit. */
  readonly ending?: 'cancelled' | 'timeout';
  /** The job's time limit, s. */
  readonly timeLimitS: number;
  /** Why the job could not start (spawn error), when it could not. */
  readonly error?: string;
  /** Real ms since the Unix epoch when the wrapper saw the end. */
  readonly atMs: number;
}

/** Writes `value` as JSON to `file` atomically (temporary file, then rename). */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(value) + '\n', { mode: 0o600 });
  await rename(tmp, file);
}

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** The job's `.batch.json`, or undefined when absent or not of this shape. */
export async function readBatchRecord(workDir: string): Promise<BatchRecord | undefined> {
  const r = await readJson(path.join(workDir, BATCH_RECORD_FILE));
  if (
    r?.['v'] !== 1 ||
    typeof r['batchId'] !== 'string' ||
    typeof r['jobId'] !== 'string' ||
    !isInt(r['pid']) ||
    !isInt(r['startTicks']) ||
    !isInt(r['cores']) ||
    !isInt(r['startedAtMs'])
  ) {
    return undefined;
  }
  return r as unknown as BatchRecord;
}

/** The job's `.exit` if it belongs to `batchId`, else undefined. */
export async function readExitRecord(
  workDir: string,
  batchId: string,
): Promise<ExitRecord | undefined> {
  const r = await readJson(path.join(workDir, EXIT_RECORD_FILE));
  if (r?.['v'] !== 1 || r['batchId'] !== batchId || !isInt(r['atMs'])) return undefined;
  if (r['code'] !== null && !isInt(r['code'])) return undefined;
  if (r['signal'] !== null && typeof r['signal'] !== 'string') return undefined;
  if (!isInt(r['timeLimitS'])) return undefined;
  return r as unknown as ExitRecord;
}

/** Removes the records of an earlier run in the same workDir. */
export async function removeRecords(workDir: string): Promise<void> {
  await rm(path.join(workDir, BATCH_RECORD_FILE), { force: true });
  await rm(path.join(workDir, EXIT_RECORD_FILE), { force: true });
}

/** The terminal event an exit record stands for. */
export function exitEvent(jobId: string, exit: ExitRecord, atMs: number): BatchEvent {
  const base = { jobId, batchId: exit.batchId, atMs };
  const code = exit.code ?? undefined;
  const how = exit.signal ? `killed by ${exit.signal}` : `exit status ${String(exit.code)}`;
  if (exit.ending === 'cancelled') {
    return { ...base, state: 'cancelled', exitCode: code, reason: `cancelled (${how})` };
  }
  if (exit.ending === 'timeout') {
    const reason = `ran past its time limit of ${exit.timeLimitS} s (${how})`;
    return { ...base, state: 'timeout', exitCode: code, reason };
  }
  if (exit.error !== undefined) {
    return { ...base, state: 'failed', reason: `could not start: ${exit.error}` };
  }
  if (exit.code === 0) return { ...base, state: 'completed', exitCode: 0 };
  return { ...base, state: 'failed', exitCode: code, reason: how };
}

/**
 * How a job whose wrapper is gone ended: from its `.exit`; without one, `cancelled` when a
 * cancel was asked, else `failed` (the wrapper was SIGKILLed, or the machine restarted).
 * `how` describes the wrapper's own end, when known.
 */
export async function endedEvent(
  jobId: string,
  batchId: string,
  workDir: string,
  seen: { readonly cancelRequested: boolean; readonly how?: string },
): Promise<BatchEvent> {
  const exit = await readExitRecord(workDir, batchId);
  const atMs = Date.now();
  if (exit) return exitEvent(jobId, exit, atMs);
  const how = seen.how === undefined ? '' : ` (${seen.how})`;
  if (seen.cancelRequested) {
    return { jobId, batchId, state: 'cancelled', reason: `cancelled${how}`, atMs };
  }
  const reason = `the job wrapper ended${how} without an exit record (killed with SIGKILL, or the machine restarted)`;
  return { jobId, batchId, state: 'failed', reason, atMs };
}
