import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { PromptlyError } from '../../core/errors.js';

/**
 * Deletes the named JetStream streams (and so their consumers and messages) if they exist:
 * `promptly up --distributed` starting a night clean, as the embedded mode clears its work
 * dir. A server that cannot be reached is PROMPTLY_E_BUS_UNAVAILABLE.
 */
export async function deleteNatsStreams(
  servers: readonly string[],
  names: readonly string[],
): Promise<string[]> {
  let nc;
  try {
    nc = await connect({ servers: [...servers], name: 'promptly-reset', timeout: 10_000 });
  } catch (err) {
    throw new PromptlyError('PROMPTLY_E_BUS_UNAVAILABLE', `NATS unreachable: ${String(err)}`, {
      cause: err,
    });
  }
  try {
    const jsm = await jetstreamManager(nc);
    const deleted: string[] = [];
    for (const name of names) {
      try {
        if (await jsm.streams.delete(name)) deleted.push(name);
      } catch (err) {
        if (!/stream not found/i.test(String(err))) throw err;
      }
    }
    return deleted;
  } finally {
    await nc.close();
  }
}
