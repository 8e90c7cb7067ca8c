import { PromptlyError } from '../core/errors.js';

/** Longest key accepted, in UTF-8 bytes (the S3 limit). */
export const MAX_KEY_BYTES = 1024;

/**
 * Checks an object key and returns it unchanged. A key is a `/`-separated relative path:
 * non-empty, at most {@link MAX_KEY_BYTES} UTF-8 bytes, not absolute, no backslash or NUL,
 * no empty segment (so no leading, trailing or doubled `/`), no `.` or `..` segment, and
 * its first segment is not one of `reserved` (a backend's internal directories).
 * Throws PROMPTLY_E_STORE_KEY_INVALID otherwise.
 */
export function checkObjectKey(key: string, reserved: readonly string[] = []): string {
  const fail = (why: string): never => {
    throw new PromptlyError(
      'PROMPTLY_E_STORE_KEY_INVALID',
      `invalid object key ${JSON.stringify(key)}: ${why}`,
    );
  };
  if (typeof key !== 'string' || key.length === 0) fail('empty');
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) fail(`longer than ${MAX_KEY_BYTES} bytes`);
  if (key.startsWith('/')) fail('absolute');
  if (key.includes('\\')) fail('contains a backslash');
  if (key.includes('\0')) fail('contains NUL');
  const segments = key.split('/');
  for (const segment of segments) {
    if (segment === '') fail('has an empty segment');
    if (segment === '.' || segment === '..') fail(`has a "${segment}" segment`);
  }
  if (reserved.includes(segments[0] ?? '')) fail(`"${segments[0]}" is reserved by the store`);
  return key;
}

/**
 * Checks a byte range [start, end) for getRange: integers with 0 <= start <= end.
 * Throws PROMPTLY_E_STORE_RANGE_INVALID otherwise.
 */
export function checkByteRange(start: number, end: number): void {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new PromptlyError(
      'PROMPTLY_E_STORE_RANGE_INVALID',
      `invalid byte range [${start}, ${end}): need integers 0 <= start <= end`,
    );
  }
}

/** Orders keys as S3 lists them: by their UTF-8 bytes. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
