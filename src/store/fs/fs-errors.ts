import { PromptlyError } from '../../core/errors.js';

/** The `code` of a Node fs error (`ENOENT`…), or undefined. */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = err.code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** True for errors meaning "no object there": missing file, or a path through a file. */
export function isMissing(err: unknown): boolean {
  const code = errnoCode(err);
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

/**
 * Maps an fs error to a PromptlyError: missing → PROMPTLY_E_STORE_NOT_FOUND (or, with
 * `missing: 'io'`, for writes where ENOENT/ENOTDIR/EISDIR mean the key collides with an
 * object or prefix, PROMPTLY_E_STORE_IO), abort → PROMPTLY_E_ABORTED, anything else →
 * PROMPTLY_E_STORE_IO; the original is the cause.
 */
export function fsError(
  err: unknown,
  op: string,
  key: string,
  missing: 'not-found' | 'io' = 'not-found',
): PromptlyError {
  if (err instanceof PromptlyError) return err;
  if (err instanceof Error && (err.name === 'AbortError' || errnoCode(err) === 'ABORT_ERR')) {
    return new PromptlyError('PROMPTLY_E_ABORTED', `${op} ${key}: aborted`, { cause: err });
  }
  if (missing === 'io' && isMissing(err)) {
    return new PromptlyError(
      'PROMPTLY_E_STORE_IO',
      `${op} ${key}: the key collides with an existing object or prefix (${errnoCode(err)})`,
      { cause: err },
    );
  }
  if (isMissing(err)) {
    return new PromptlyError('PROMPTLY_E_STORE_NOT_FOUND', `${op} ${key}: no such object`, {
      cause: err,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new PromptlyError('PROMPTLY_E_STORE_IO', `${op} ${key}: ${message}`, { cause: err });
}
