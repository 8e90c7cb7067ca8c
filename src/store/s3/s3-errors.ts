import { PromptlyError } from '../../core/errors.js';

/** What promptly reads of an error thrown by the AWS SDK (service, network or abort). */
export interface S3ErrorFields {
  /** `NoSuchKey`, `NotFound`, `PreconditionFailed`, `AbortError`, `TimeoutError`… */
  readonly name: string;
  /** HTTP status of the response, when there was one. */
  readonly status: number | undefined;
  readonly message: string;
}

/** Reads name, HTTP status and message off anything the SDK throws, without trusting its type. */
export function s3ErrorFields(err: unknown): S3ErrorFields {
  if (typeof err !== 'object' || err === null) {
    return { name: 'Error', status: undefined, message: String(err) };
  }
  const name = 'name' in err && typeof err.name === 'string' ? err.name : 'Error';
  const message = 'message' in err && typeof err.message === 'string' ? err.message : '';
  let status: number | undefined;
  if ('$metadata' in err && typeof err.$metadata === 'object' && err.$metadata !== null) {
    const meta = err.$metadata;
    if ('httpStatusCode' in meta && typeof meta.httpStatusCode === 'number') {
      status = meta.httpStatusCode;
    }
  }
  return { name, status, message };
}

/** Names S3 (and compatible servers) use for "try again later". */
const UNAVAILABLE_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
  'ECONNREFUSED',
  'ECONNRESET',
]);

/**
 * Maps an SDK error to a PromptlyError: abort → PROMPTLY_E_ABORTED; NoSuchKey/NotFound (404)
 * → PROMPTLY_E_STORE_NOT_FOUND; KeyTooLongError → PROMPTLY_E_STORE_KEY_INVALID; no response
 * (network, timeout) or a 5xx after the SDK's retries → PROMPTLY_E_STORE_UNAVAILABLE;
 * anything else (403, NoSuchBucket, BadDigest…) → PROMPTLY_E_STORE_IO. The original is the
 * cause. PromptlyErrors pass through.
 */
export function s3Error(
  err: unknown,
  op: string,
  key: string,
  signal?: AbortSignal,
): PromptlyError {
  if (err instanceof PromptlyError) return err;
  const { name, status, message } = s3ErrorFields(err);
  const what = `${op} ${key}`;
  if (name === 'AbortError' || signal?.aborted === true) {
    return new PromptlyError('PROMPTLY_E_ABORTED', `${what}: aborted`, { cause: err });
  }
  if (name === 'NoSuchKey' || (status === 404 && name !== 'NoSuchBucket')) {
    return new PromptlyError('PROMPTLY_E_STORE_NOT_FOUND', `${what}: no such object`, {
      cause: err,
    });
  }
  if (name === 'KeyTooLongError') {
    return new PromptlyError('PROMPTLY_E_STORE_KEY_INVALID', `${what}: key too long for S3`, {
      cause: err,
    });
  }
  if (status === undefined || status >= 500 || UNAVAILABLE_NAMES.has(name)) {
    return new PromptlyError(
      'PROMPTLY_E_STORE_UNAVAILABLE',
      `${what}: S3 unavailable (${status ?? 'no response'} ${name}: ${message})`,
      { cause: err },
    );
  }
  return new PromptlyError('PROMPTLY_E_STORE_IO', `${what}: S3 ${status} ${name}: ${message}`, {
    cause: err,
  });
}
