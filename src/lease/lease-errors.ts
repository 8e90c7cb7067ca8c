import { PromptlyError } from '../core/errors.js';
import type { FencingToken, LeaseLossReason } from './lease.js';

/** PROMPTLY_E_LEASE_FENCED for `token` on lease `name`, naming the current token if any. */
export function fencedError(
  name: string,
  token: FencingToken,
  current: FencingToken | undefined,
): PromptlyError {
  const now = current === undefined ? 'nobody holds it now' : `the current token is ${current}`;
  return new PromptlyError(
    'PROMPTLY_E_LEASE_FENCED',
    `lease ${name}: token ${token} is fenced off (${now})`,
  );
}

/** The reason carried by a lost lease's signal. */
export function leaseLostError(name: string, reason: LeaseLossReason): PromptlyError {
  return new PromptlyError('PROMPTLY_E_LEASE_LOST', `lease ${name} lost: ${reason}`);
}

/** PROMPTLY_E_LEASE_CLOSED for an operation on a closed manager. */
export function leaseClosedError(what: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_LEASE_CLOSED', `lease manager closed: ${what}`);
}
