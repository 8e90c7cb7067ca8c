import { privateNatsSkipReason } from '../../testing/nats-server.js';
import { postgresSkipReason } from '../../testing/servers.js';
import { distSkipReason } from './chaos-role.js';

/**
 * Why a chaos test file must skip (printed once, naming what to install or build), or
 * undefined: the built roles in `dist/`, Debian's nats-server binary for a private bus, and
 * the test PostgreSQL unless `postgres` is false.
 */
export async function chaosSkipReason(
  options: { postgres?: boolean } = {},
): Promise<string | undefined> {
  const reason =
    distSkipReason() ??
    privateNatsSkipReason() ??
    (options.postgres === false ? undefined : await postgresSkipReason());
  if (reason) console.log(reason);
  return reason;
}
