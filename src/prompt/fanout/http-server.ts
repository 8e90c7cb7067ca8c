import Fastify, { type FastifyInstance } from 'fastify';
import { ERROR_CODES } from '../../core/error-codes.js';
import { PromptlyError, isPromptlyError, toPromptlyError } from '../../core/errors.js';
import type { FanoutService } from './fanout-service.js';

/**
 * The fan-out's HTTP face: `POST /next-visit` (JSON body, one next_visit) answers 202 with
 * the number of items enqueued, 200 for a repeat, and 400/422 with `{ code, message,
 * details[] }` (one detail per bad field) for bad input. `GET /healthz` answers 200.
 */
export function createFanoutHttp(fanout: FanoutService): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  app.setErrorHandler((err: unknown, _req, reply) => {
    const error = isPromptlyError(err) ? err : fromFastifyError(err);
    void reply.code(ERROR_CODES[error.code].httpStatus).send(error.toJSON());
  });
  app.post('/next-visit', async (req, reply) => {
    const result = await fanout.accept(req.body);
    return reply.code(result.status === 'enqueued' ? 202 : 200).send(result);
  });
  app.get('/healthz', () => ({ ok: true }));
  return app;
}

/** Fastify's own 4xx (bad JSON, wrong content type, body too large) are malformed input. */
function fromFastifyError(err: unknown): PromptlyError {
  const status = (err as { statusCode?: number } | null)?.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    const message = err instanceof Error ? err.message : String(err);
    return new PromptlyError('PROMPTLY_E_NEXT_VISIT_MALFORMED', `request rejected: ${message}`, {
      cause: err,
    });
  }
  return toPromptlyError(err);
}
