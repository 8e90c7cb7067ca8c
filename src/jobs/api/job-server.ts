import { constants, createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { ERROR_CODES } from '../../core/error-codes.js';
import { isPromptlyError, PromptlyError, toPromptlyError } from '../../core/errors.js';
import { JOB_PHASES, type JobPhase } from '../job.js';
import type { JobFiles } from '../manager/job-files.js';
import type { JobManager } from '../manager/job-manager.js';
import type { Caller, JobTokens, Scope } from './job-tokens.js';
import { ERROR_SCHEMA, JOB_SCHEMA, RESULTS_SCHEMA, jobView, resultLinks } from './job-view.js';

export interface JobServerOptions {
  readonly manager: JobManager;
  readonly tokens: JobTokens;
  readonly files: JobFiles;
  /** Largest request body, bytes (1 KiB..1 MiB). */
  readonly maxRequestBytes: number;
}

const errorReplies = {
  400: { $ref: 'Error#' },
  401: { $ref: 'Error#' },
  403: { $ref: 'Error#' },
  404: { $ref: 'Error#' },
  409: { $ref: 'Error#' },
  422: { $ref: 'Error#' },
  429: { $ref: 'Error#' },
  503: { $ref: 'Error#' },
} as const;
const bearer = [{ bearer: [] }];
const jobIdParams = {
  type: 'object',
  required: ['jobId'],
  properties: { jobId: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } },
} as const;

/** Fastify's own 4xx (bad JSON, schema validation, body too large) with field-level details. */
function fromFastifyError(err: unknown): PromptlyError {
  const e = err as {
    statusCode?: number;
    message?: string;
    validation?: {
      instancePath?: string;
      params?: { missingProperty?: string; additionalProperty?: string };
      message?: string;
    }[];
    validationContext?: string;
  };
  if (e.validation) {
    const details = e.validation.map((v) => {
      const extra = v.params?.missingProperty ?? v.params?.additionalProperty;
      const at = `${e.validationContext ?? ''}${(v.instancePath ?? '').replaceAll('/', '.')}${extra ? `.${extra}` : ''}`;
      return { path: at.replace(/^\./, ''), message: v.message ?? 'invalid' };
    });
    return new PromptlyError('PROMPTLY_E_JOB_INVALID', `invalid request: ${e.message ?? ''}`, {
      details,
    });
  }
  if (e.statusCode === 413)
    return new PromptlyError('PROMPTLY_E_JOB_INVALID', 'request body too large', { cause: err });
  if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500)
    return new PromptlyError('PROMPTLY_E_JOB_INVALID', `request rejected: ${e.message ?? ''}`, {
      cause: err,
    });
  return toPromptlyError(err);
}

/**
 * The job manager's REST API (`/api/v1`), its OpenAPI document at `/openapi.json` and the
 * rendered docs at `/docs`. Every route but those two needs a bearer token with a scope:
 * `submit` to create, cancel or delete, `read` to see; an owner sees only their own jobs, an
 * `admin` every job. Logs and results are read only from inside the job's own directory.
 */
export async function createJobServer(o: JobServerOptions): Promise<FastifyInstance> {
  const bodyLimit = Math.min(1_048_576, Math.max(1024, Math.floor(o.maxRequestBytes)));
  const app = Fastify({
    logger: false,
    bodyLimit,
    ajv: { customOptions: { allErrors: true, removeAdditional: false } },
  });
  app.addSchema(JOB_SCHEMA);
  app.addSchema(ERROR_SCHEMA);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'promptly job manager',
        version: '1',
        description: 'Daytime and catch-up processing jobs, in the IVOA UWS model, as JSON.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    refResolver: {
      buildLocalReference: (json, _base, _frag, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.setErrorHandler((err: unknown, _req, reply) => {
    const error = isPromptlyError(err) ? err : fromFastifyError(err);
    void reply.code(ERROR_CODES[error.code].httpStatus).send(error.toJSON());
  });
  const { manager, tokens, files } = o;
  const caller = (req: FastifyRequest, scope: Scope): Caller =>
    tokens.require(req.headers.authorization, scope);
  /** The owner a caller is limited to: none for an admin. */
  const ownerOf = (c: Caller): string | undefined => (c.scopes.has('admin') ? undefined : c.owner);

  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());

  app.post<{
    Body: { type: string; parameters?: Record<string, unknown>; runId?: string };
    Headers: { 'idempotency-key'?: string };
  }>(
    '/api/v1/jobs',
    {
      schema: {
        summary: 'Create a job',
        description:
          'A second request with the same Idempotency-Key (same owner) returns the first job with 200.',
        security: bearer,
        headers: {
          type: 'object',
          properties: { 'idempotency-key': { type: 'string', pattern: '^[\\x21-\\x7e]{1,128}$' } },
        },
        body: {
          type: 'object',
          required: ['type'],
          additionalProperties: false,
          properties: {
            type: { type: 'string', pattern: '^[a-z][a-z0-9_-]{0,63}$' },
            parameters: {
              type: 'object',
              maxProperties: 256,
              // values are checked against the job type's spec (types, bounds), not coerced here
              description: 'string, number or boolean values, as the job type declares them',
              additionalProperties: true,
            },
            runId: { type: 'string', maxLength: 256 },
          },
        },
        response: { 200: { $ref: 'Job#' }, 201: { $ref: 'Job#' }, ...errorReplies },
      },
    },
    async (req, reply) => {
      const c = caller(req, 'submit');
      const key = req.headers['idempotency-key'];
      const { job, created } = await manager.create(c.owner, {
        type: req.body.type,
        ...(req.body.parameters ? { parameters: req.body.parameters } : {}),
        ...(req.body.runId !== undefined ? { runId: req.body.runId } : {}),
        ...(key !== undefined ? { idempotencyKey: key } : {}),
      });
      return reply
        .code(created ? 201 : 200)
        .header('location', `/api/v1/jobs/${job.jobId}`)
        .send(jobView(job));
    },
  );

  app.get<{
    Querystring: {
      phase?: JobPhase[];
      type?: string;
      owner?: string;
      after?: string;
      before?: string;
      limit?: number;
    };
  }>(
    '/api/v1/jobs',
    {
      schema: {
        summary: 'List jobs, newest first',
        description:
          "An owner sees their own jobs; an admin every job, or one owner's with `owner`.",
        security: bearer,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            phase: { type: 'array', items: { type: 'string', enum: [...JOB_PHASES] } },
            type: { type: 'string', maxLength: 64 },
            owner: { type: 'string', maxLength: 256 },
            after: { type: 'string', format: 'date-time' },
            before: { type: 'string', format: 'date-time' },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
        response: {
          200: { type: 'object', properties: { jobs: { type: 'array', items: { $ref: 'Job#' } } } },
          ...errorReplies,
        },
      },
    },
    async (req) => {
      const c = caller(req, 'read');
      const q = req.query;
      const owner = ownerOf(c) ?? q.owner;
      const jobs = await manager.list({
        limit: q.limit ?? 100,
        ...(owner !== undefined ? { owner } : {}),
        ...(q.phase ? { phases: q.phase } : {}),
        ...(q.type !== undefined ? { type: q.type } : {}),
        ...(q.after !== undefined ? { createdFromMs: Date.parse(q.after) } : {}),
        ...(q.before !== undefined ? { createdBeforeMs: Date.parse(q.before) } : {}),
      });
      return { jobs: jobs.map(jobView) };
    },
  );

  app.get<{ Params: { jobId: string } }>(
    '/api/v1/jobs/:jobId',
    {
      schema: {
        summary: 'Get a job',
        security: bearer,
        params: jobIdParams,
        response: { 200: { $ref: 'Job#' }, ...errorReplies },
      },
    },
    async (req) => jobView(await manager.get(req.params.jobId, ownerOf(caller(req, 'read')))),
  );

  app.post<{ Params: { jobId: string } }>(
    '/api/v1/jobs/:jobId/cancel',
    {
      schema: {
        summary: 'Abort a job (UWS PHASE=ABORT); a job that has ended stays as it is',
        security: bearer,
        params: jobIdParams,
        response: { 200: { $ref: 'Job#' }, ...errorReplies },
      },
    },
    async (req) => jobView(await manager.cancel(req.params.jobId, ownerOf(caller(req, 'submit')))),
  );

  app.delete<{ Params: { jobId: string } }>(
    '/api/v1/jobs/:jobId',
    {
      schema: {
        summary: 'Delete a job, its logs and results (aborting it first if it runs)',
        security: bearer,
        params: jobIdParams,
        response: { 204: { type: 'null' }, ...errorReplies },
      },
    },
    async (req, reply) => {
      await manager.delete(req.params.jobId, ownerOf(caller(req, 'submit')));
      return reply.code(204).send();
    },
  );

  app.get<{ Params: { jobId: string; stream: 'stdout' | 'stderr' } }>(
    '/api/v1/jobs/:jobId/logs/:stream',
    {
      schema: {
        summary: "A job's standard output or error, as text",
        security: bearer,
        params: {
          type: 'object',
          required: ['jobId', 'stream'],
          properties: {
            ...jobIdParams.properties,
            stream: { type: 'string', enum: ['stdout', 'stderr'] },
          },
        },
        response: { 200: { type: 'string' }, ...errorReplies },
      },
    },
    async (req, reply) => {
      const job = await manager.get(req.params.jobId, ownerOf(caller(req, 'read')));
      return sendFile(reply, files, job.jobId, `${req.params.stream}.log`, true);
    },
  );

  app.get<{ Params: { jobId: string } }>(
    '/api/v1/jobs/:jobId/results',
    {
      schema: {
        summary: "A job's result files",
        security: bearer,
        params: jobIdParams,
        response: {
          200: {
            type: 'object',
            properties: { results: RESULTS_SCHEMA },
          },
          ...errorReplies,
        },
      },
    },
    async (req) => {
      const job = await manager.get(req.params.jobId, ownerOf(caller(req, 'read')));
      return { results: resultLinks(job.jobId, await files.results(job.jobId)) };
    },
  );

  app.get<{ Params: { jobId: string; '*': string } }>(
    '/api/v1/jobs/:jobId/results/*',
    {
      schema: {
        summary:
          "One result file (a path under the job's results/; .., absolute paths and symbolic links are refused)",
        security: bearer,
        params: {
          type: 'object',
          required: ['jobId', '*'],
          properties: { ...jobIdParams.properties, '*': { type: 'string', maxLength: 1024 } },
        },
        response: { 200: { type: 'string', format: 'binary' }, ...errorReplies },
      },
    },
    async (req, reply) => {
      const job = await manager.get(req.params.jobId, ownerOf(caller(req, 'read')));
      return sendFile(reply, files, job.jobId, `results/${req.params['*']}`, false);
    },
  );

  app.get(
    '/api/v1/job-types',
    {
      schema: {
        summary: 'The job types this manager runs, with their parameters',
        security: bearer,
        response: { 200: { type: 'object', additionalProperties: true }, ...errorReplies },
      },
    },
    (req) => {
      caller(req, 'read');
      const out: Record<string, unknown> = {};
      for (const [name, spec] of manager.specs)
        out[name] = {
          description: spec.description,
          parameters: spec.parameters,
          resources: spec.resources,
          needs: spec.needs,
          gateTimeoutS: spec.gateTimeoutS,
        };
      return { jobTypes: out };
    },
  );
  return app;
}

/** Sends a file of the job's directory: never through a link, never from outside. */
async function sendFile(
  reply: import('fastify').FastifyReply,
  files: JobFiles,
  jobId: string,
  relative: string,
  text: boolean,
): Promise<unknown> {
  const real = await files.resolve(jobId, relative);
  if (real === undefined)
    throw new PromptlyError('PROMPTLY_E_JOB_NOT_FOUND', `job ${jobId} has no ${relative}`);
  // O_NOFOLLOW: a link put in its place after the check is refused by the kernel
  const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW).catch(
    (err: unknown) => {
      throw new PromptlyError('PROMPTLY_E_PATH_REFUSED', `${relative} cannot be opened`, {
        cause: err,
      });
    },
  );
  if (!(await handle.stat()).isFile()) {
    await handle.close();
    throw new PromptlyError('PROMPTLY_E_PATH_REFUSED', `${relative} is not a file`);
  }
  return reply
    .type(text ? 'text/plain; charset=utf-8' : 'application/octet-stream')
    .send(createReadStream('', { fd: handle }));
}
