import { types, type CustomTypesConfig } from 'pg';
import { PromptlyError } from '../../core/errors.js';

/**
 * An int8 column value (decimal text, as the server sends it) as a number. pg returns int8
 * as a string because it may exceed 2^53; promptly's int8 columns (ms timestamps,
 * exposure and visit ids, byte sizes) stay within ±Number.MAX_SAFE_INTEGER, and a value
 * beyond is PROMPTLY_E_INTERNAL rather than a silently rounded number.
 */
export function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new PromptlyError(
      'PROMPTLY_E_INTERNAL',
      `int8 value ${text} from PostgreSQL is beyond ±Number.MAX_SAFE_INTEGER`,
    );
  }
  return value;
}

/**
 * Type parsers for one pool (not pg's process-wide table): int8 as a bounds-checked
 * number, everything else as pg parses it by default.
 */
export const promptlyTypes: CustomTypesConfig = {
  getTypeParser: (oid, format) => {
    if (oid === types.builtins.INT8 && format !== 'binary') return parseInt8;
    const standard: unknown = types.getTypeParser(oid, format);
    return standard;
  },
};
