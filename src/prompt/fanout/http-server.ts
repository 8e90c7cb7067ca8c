import Fastify, { type FastifyInstance } from 'fastify';
import { ERROR_CODES } from '../../core/error-codes.js';
import { PromptlyError, isPromptlyError, toPromptlyError } from '../../core/errors.js';
import type { FanoutService } from './fanout-service.js';
import {
  REST_PROXY_ANSWER_TYPE,
  REST_PROXY_MEDIA_TYPES,
  embeddedFormatOf,
  produceRestProxy,
} from './intake/rest-proxy.js';

/**
 * The fan-out's HTTP face. `POST /next-visit` takes either
 * - one next_visit as `application/json`: 202 with the number of items enqueued, 200 for a
 *   repeat, 400/422 with `{ code, message, details[] }` (one detail per bad field); or
 * - a Kafka REST proxy v2 produce body (`application/vnd.kafka.avro.v2+json` or
 *   `application/vnd.kafka.json.v2+json`), answered in the proxy's shape
 *   (`intake/rest-proxy.ts`; docs/intake.md).
 * `GET /healthz` answers 200.
 */
export function createFanoutHttp(fanout: FanoutService): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  app.addContentTypeParser(
    [REST_PROXY_MEDIA_TYPES.avro, REST_PROXY_MEDIA_TYPES.json],
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );
  app.setErrorHandler((err: unknown, _req, reply) => {
    const error = isPromptlyError(err) ? err : fromFastifyError(err);
    void reply.code(ERROR_CODES[error.code].httpStatus).send(error.toJSON());
  });
  app.post('/next-visit', async (req, reply) => {
    const embedded = embeddedFormatOf(req.headers['content-type']);
    if (embedded !== undefined) {
      const answer = await produceRestProxy(req.body, embedded, (visit) => fanout.accept(visit));
      return reply.code(answer.status).type(REST_PROXY_ANSWER_TYPE).send(answer.body);
    }
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
