import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { ERROR_CODES } from '../../core/error-codes.js';
import { PromptlyError, isPromptlyError, toPromptlyError } from '../../core/errors.js';
import type { StatusEmitter } from '../../observe/status-emitter.js';
import { DEFAULT_ARRIVALS_CAPACITY, type Arrivals } from '../arrivals.js';
import { NoticeQueue } from '../notice-queue.js';
import { parseS3Event } from './s3-event.js';

export interface S3WebhookOptions {
  /** Notices buffered before requests wait for a reader (integer ≥ 1, default 1024). */
  readonly capacity?: number;
  /**
   * When set, every request must carry `Authorization: Bearer <token>` (MinIO's
   * `auth_token`, Ceph's `push-endpoint` with a token); otherwise 401
   * PROMPTLY_E_NOTICE_UNAUTHORIZED. Unset: no check (keep the endpoint on a private net).
   */
  readonly bearerToken?: string;
  /** Largest body accepted, bytes (default 1 MiB); a larger one is 400. */
  readonly bodyLimitBytes?: number;
  /** Where ignored (non-create) and invalid notifications are reported, as `notice.*`. */
  readonly status?: StatusEmitter;
}

/** Arrivals fed by S3 bucket notifications pushed over HTTP. */
export interface S3WebhookArrivals extends Arrivals {
  /** The HTTP face, `POST /notifications`: `listen()` it, or `inject()` in tests. */
  readonly app: FastifyInstance;
}

/** What `POST /notifications` answers with 200. */
export interface WebhookReply {
  /** Creation records handed on. */
  readonly accepted: number;
  /** Records that were valid but not object creations, with a note why they were skipped. */
  readonly ignored: readonly { eventName: string; key: string; note: string }[];
}

/**
 * `POST /notifications` takes an S3 event notification as Ceph RGW (`{ "Records": [...] }`)
 * and MinIO (`{ "EventName", "Key", "Records": [...] }`) push it, whatever the
 * content type. It validates the body (400 PROMPTLY_E_NOTICE_INVALID, with details; nothing
 * of an invalid body is kept), decodes each key once (`s3-event.ts`), and answers 200 only
 * once the notice of its `ObjectCreated:*` records has been handed on by a reader — so a
 * sender that gets no 200 (crash, shutdown: 503 PROMPTLY_E_ARRIVALS_CLOSED) retries, and a
 * retry may deliver a notice twice (at least once). Non-create records are answered 200
 * with a note and reported as `notice.ignored`. A request waits while no reader takes
 * notices; the sender's own timeout and retry apply.
 */
export function createS3Webhook(options: S3WebhookOptions = {}): S3WebhookArrivals {
  const queue = new NoticeQueue(options.capacity ?? DEFAULT_ARRIVALS_CAPACITY);
  const app = Fastify({ logger: false, bodyLimit: options.bodyLimitBytes ?? 1024 * 1024 });
  // Senders differ in content type (MinIO: application/json; Ceph: varies): parse ourselves.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.setErrorHandler((err: unknown, _req, reply) => {
    const error = isPromptlyError(err) ? err : fromFastifyError(err);
    if (error.code === 'PROMPTLY_E_NOTICE_INVALID') {
      options.status?.emit({ activity: 'notice.invalid', detail: { reason: error.message } });
    }
    void reply.code(ERROR_CODES[error.code].httpStatus).send(error.toJSON());
  });
  const token = options.bearerToken;
  app.post('/notifications', async (req): Promise<WebhookReply> => {
    if (token !== undefined) checkBearer(req, token);
    const parsed = parseS3Event(parseJson(req.body));
    const ignored = parsed.ignored.map((r) => ({ ...r, note: 'not an object creation' }));
    for (const r of parsed.ignored) {
      options.status?.emit({
        activity: 'notice.ignored',
        detail: { key: r.key, eventName: r.eventName, reason: 'not an object creation' },
      });
    }
    if (parsed.notice === undefined) return { accepted: 0, ignored };
    const handoff = await queue.push(parsed.notice);
    if (!(await handoff.handedOn)) {
      throw new PromptlyError('PROMPTLY_E_ARRIVALS_CLOSED', 'closed before the notice was read');
    }
    return { accepted: parsed.notice.Records.length, ignored };
  });
  return {
    app,
    notices: (subscribeOptions) => queue.subscribe(subscribeOptions),
    async close() {
      queue.close();
      await app.close();
    },
  };
}

function checkBearer(req: FastifyRequest, token: string): void {
  const header = req.headers.authorization ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '', 'utf8');
  const wanted = Buffer.from(token, 'utf8');
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
    throw new PromptlyError('PROMPTLY_E_NOTICE_UNAUTHORIZED', 'missing or wrong bearer token');
  }
}

function parseJson(body: unknown): unknown {
  if (typeof body !== 'string' || body === '') {
    throw new PromptlyError('PROMPTLY_E_NOTICE_INVALID', 'empty body: expected S3 event JSON');
  }
  try {
    return JSON.parse(body);
  } catch (err) {
    throw new PromptlyError('PROMPTLY_E_NOTICE_INVALID', 'body is not JSON', { cause: err });
  }
}

/** Fastify's own 4xx (body too large, bad method on the route) are invalid notices. */
function fromFastifyError(err: unknown): PromptlyError {
  const status = (err as { statusCode?: number } | null)?.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    const message = err instanceof Error ? err.message : String(err);
    return new PromptlyError('PROMPTLY_E_NOTICE_INVALID', `request rejected: ${message}`, {
      cause: err,
    });
  }
  return toPromptlyError(err);
}
