import { ERROR_CODES, type ErrorCode } from './error-codes.js';

/** Structured detail attached to an error, e.g. field-level validation issues. */
export interface ErrorDetail {
  readonly path?: string;
  readonly message: string;
}

/**
 * The one error class promptly throws. Match on `code`, never on `message`.
 * `details` carries field-level issues (validation) and is safe to show to a client.
 */
export class PromptlyError extends Error {
  override readonly name = 'PromptlyError';
  readonly code: ErrorCode;
  readonly details: readonly ErrorDetail[];

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; details?: readonly ErrorDetail[] } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? [];
  }

  /** HTTP status for this code, from the registry. */
  get httpStatus(): number {
    return ERROR_CODES[this.code].httpStatus;
  }

  toJSON(): { code: ErrorCode; message: string; details: readonly ErrorDetail[] } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** True when `err` is a PromptlyError, optionally of the given code. */
export function isPromptlyError(err: unknown, code?: ErrorCode): err is PromptlyError {
  return err instanceof PromptlyError && (code === undefined || err.code === code);
}

/** Wraps anything thrown into a PromptlyError, keeping a PromptlyError as it is. */
export function toPromptlyError(
  err: unknown,
  code: ErrorCode = 'PROMPTLY_E_INTERNAL',
): PromptlyError {
  if (err instanceof PromptlyError) return err;
  if (err instanceof Error && err.name === 'AbortError') {
    return new PromptlyError('PROMPTLY_E_ABORTED', err.message, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new PromptlyError(code, message, { cause: err });
}

/** Throws PROMPTLY_E_ABORTED when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new PromptlyError('PROMPTLY_E_ABORTED', 'operation aborted', { cause: signal.reason });
  }
}
