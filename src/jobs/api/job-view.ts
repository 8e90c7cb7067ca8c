import type { JobRecord, JobResult } from '../job.js';

/**
 * A job as the API shows it: the UWS job's fields in JSON (times as ISO 8601 UTC,
 * executionDuration in s), result links relative to the server.
 */
export function jobView(job: JobRecord): Record<string, unknown> {
  const iso = (ms: number | undefined): string | undefined =>
    ms === undefined ? undefined : new Date(ms).toISOString();
  return {
    jobId: job.jobId,
    runId: job.runId,
    ownerId: job.owner,
    jobType: job.type,
    phase: job.phase,
    parameters: job.parameters,
    creationTime: iso(job.createdMs),
    startTime: iso(job.startedMs),
    endTime: iso(job.endedMs),
    executionDuration: job.resources.timeLimitS,
    resources: job.resources,
    dependencies: job.dependencies,
    backend: job.backend,
    batchId: job.batchId,
    exitCode: job.exitCode,
    errorSummary: job.error,
    results: resultLinks(job.jobId, job.results),
  };
}

/** A job's result files as the API lists them: path under `results/`, size, and link. */
export function resultLinks(
  jobId: string,
  results: readonly JobResult[],
): { id: string; size: number; href: string }[] {
  return results.map((r) => ({
    id: r.id,
    size: r.sizeBytes,
    href: `/api/v1/jobs/${jobId}/results/${r.id.split('/').map(encodeURIComponent).join('/')}`,
  }));
}

const str = { type: 'string' } as const;

/** JSON Schema of {@link resultLinks}' result. */
export const RESULTS_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    properties: { id: str, size: { type: 'integer' }, href: str },
  },
} as const;
const isoTime = { type: 'string', format: 'date-time' } as const;

/** JSON Schema of {@link jobView}'s result (the OpenAPI document's `Job`). */
export const JOB_SCHEMA = {
  $id: 'Job',
  type: 'object',
  required: ['jobId', 'ownerId', 'jobType', 'phase', 'parameters', 'creationTime', 'results'],
  properties: {
    jobId: str,
    runId: str,
    ownerId: str,
    jobType: str,
    phase: {
      type: 'string',
      enum: ['PENDING', 'QUEUED', 'EXECUTING', 'COMPLETED', 'ERROR', 'ABORTED'],
    },
    parameters: {
      type: 'object',
      additionalProperties: {
        anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }],
      },
    },
    creationTime: isoTime,
    startTime: isoTime,
    endTime: isoTime,
    executionDuration: { type: 'integer', description: 'time limit, s' },
    resources: {
      type: 'object',
      properties: {
        cores: { type: 'integer' },
        memoryMiB: { type: 'integer' },
        timeLimitS: { type: 'integer' },
      },
    },
    dependencies: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          kind: { type: 'string', enum: ['archived', 'ingested'] },
          instrument: str,
          image: str,
        },
      },
    },
    backend: str,
    batchId: str,
    exitCode: { type: 'integer' },
    errorSummary: {
      type: 'object',
      properties: {
        type: { type: 'string', enum: ['fatal', 'transient'] },
        code: str,
        message: str,
      },
    },
    results: RESULTS_SCHEMA,
  },
} as const;

/** JSON Schema of an error answer. */
export const ERROR_SCHEMA = {
  $id: 'Error',
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: str,
    message: str,
    details: {
      type: 'array',
      items: { type: 'object', properties: { path: str, message: str } },
    },
  },
} as const;
