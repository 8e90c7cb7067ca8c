import type { Config } from '../core/config.js';
import { topologyNames } from '../prompt/topology.js';
import { dropPromptlySchema } from '../db/postgres/reset-schema.js';
import { CONSUMERS_BUCKET } from '../bus/nats/consumer-registry.js';
import { deleteNatsStreams } from '../bus/nats/reset-streams.js';
import { DEFAULT_LEASE_BUCKET } from '../lease/nats/nats-kv-lease.js';

/**
 * Empties what a distributed night keeps outside its work dir, so `up --distributed`
 * without `--keep` starts clean: the deployment's streams and queues on NATS, and its
 * PostgreSQL schema (only a `promptly_…` one).
 */
export async function resetDistributedState(config: Config): Promise<void> {
  if (config.bus.kind === 'nats') {
    const names = topologyNames(config.instrument);
    // The lease bucket too: a fan-out's checkpoint names a sequence of the OCS stream deleted here.
    await deleteNatsStreams(config.bus.servers, [
      ...Object.values(names),
      `KV_${DEFAULT_LEASE_BUCKET}`,
      `KV_${CONSUMERS_BUCKET}`,
    ]);
  }
  const registry = config.centralRepo.registry;
  if (registry.kind === 'postgres' && registry.schema !== undefined)
    await dropPromptlySchema(registry.url, registry.schema);
}
