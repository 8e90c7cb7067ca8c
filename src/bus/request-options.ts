import { PromptlyError } from '../core/errors.js';
import type { RequestOptions } from './bus.js';
import { validateSubject } from './subject-filter.js';

/** Checks a command's subject and timeout (integer ms, 1..600 000); every backend applies it. */
export function validateRequest(subject: string, options: RequestOptions): void {
  validateSubject(subject);
  const t = options.timeoutMs;
  if (!Number.isInteger(t) || t < 1 || t > 600_000)
    throw new PromptlyError(
      'PROMPTLY_E_BUS_CONFIG_INVALID',
      `request timeoutMs must be an integer in 1..600000, got ${t}`,
    );
}

export function timeoutError(subject: string, timeoutMs: number): PromptlyError {
  return new PromptlyError(
    'PROMPTLY_E_BUS_TIMEOUT',
    `no answer on ${subject} within ${timeoutMs} ms`,
  );
}

export function noResponderError(subject: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_BUS_NO_RESPONDER', `no responder serves ${subject}`);
}
