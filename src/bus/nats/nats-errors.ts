import { PromptlyError, isPromptlyError } from '../../core/errors.js';

/** Whether a JetStream API error says the stream or consumer does not exist. */
export function isNotFound(err: unknown): boolean {
  const text = String((err as { message?: string } | null)?.message ?? err);
  return /not found|10059|10014/i.test(text) || (err as { code?: unknown } | null)?.code === 404;
}

/**
 * A NATS or JetStream failure as a coded error: bad definitions (overlapping subjects,
 * invalid settings) are PROMPTLY_E_BUS_CONFIG_INVALID, a missing stream or consumer
 * PROMPTLY_E_BUS_NO_STREAM, anything else (timeouts, no responders, a closed or
 * reconnecting connection) PROMPTLY_E_BUS_UNAVAILABLE.
 */
export function natsError(err: unknown, what: string): PromptlyError {
  if (isPromptlyError(err)) return err;
  const message = String((err as { message?: string } | null)?.message ?? err);
  if (/overlap|subjects.*collide|invalid|must be|err_code=10052|10065|10058/i.test(message))
    return new PromptlyError('PROMPTLY_E_BUS_CONFIG_INVALID', `${what}: ${message}`, {
      cause: err,
    });
  if (isNotFound(err))
    return new PromptlyError('PROMPTLY_E_BUS_NO_STREAM', `${what}: ${message}`, { cause: err });
  return new PromptlyError('PROMPTLY_E_BUS_UNAVAILABLE', `${what}: ${message}`, { cause: err });
}
