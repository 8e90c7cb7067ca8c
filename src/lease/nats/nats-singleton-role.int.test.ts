import { randomUUID } from 'node:crypto';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { describe, it } from 'vitest';
import { natsSkipReason, natsUrl } from '../../testing/servers.js';
import { DEFAULT_LEASE_TTL_MS } from '../lease.js';
import { mainDiesStandbyTakesOver } from '../testing/singleton-scenario.js';
import { NatsKvLeaseManager } from './nats-kv-lease.js';

const skip = await natsSkipReason();

describe.skipIf(skip !== undefined)('runSingleton (NATS KV leases)', () => {
  it('starts the standby role only after the main role stopped when the main process dies', async () => {
    const bucket = `LEASE_T_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const mainConnection = await connect({ servers: natsUrl() });
    const main = await NatsKvLeaseManager.open(mainConnection, { bucket }, true);
    const standby = await NatsKvLeaseManager.open(
      await connect({ servers: natsUrl() }),
      { bucket },
      true,
    );
    try {
      const ttlMs = DEFAULT_LEASE_TTL_MS;
      const { takeoverMs, standby: s } = await mainDiesStandbyTakesOver({
        main,
        standby,
        // The process is killed: its connection drops and nothing is released.
        kill: () => mainConnection.close(),
        name: 'fanout-LATISS',
        ttlMs,
        deadlineMs: 20_000,
      });
      console.log(
        `NATS KV leases: standby took over ${takeoverMs.toFixed(0)} ms after the main died ` +
          `(TTL ${ttlMs} ms, ratio ${(takeoverMs / ttlMs).toFixed(2)})`,
      );
      s.shutdown.abort();
      await s.run;
    } finally {
      await main.close();
      await standby.close();
      const nc = await connect({ servers: natsUrl() });
      await (await new Kvm(nc).open(bucket)).destroy();
      await nc.close();
    }
  });
});
