import { randomUUID } from 'node:crypto';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { natsSkipReason, natsUrl } from '../../testing/servers.js';
import type { LeaseManager } from '../lease.js';
import { runLeaseConformance } from '../testing/lease-conformance.js';
import { NatsKvLeaseManager, connectNatsKvLeases } from './nats-kv-lease.js';

const skip = await natsSkipReason();

/** A random bucket per test, deleted afterwards; each manager has its own connection. */
function natsHarness(): Promise<{
  bucket: string;
  open(): Promise<LeaseManager>;
  cut(manager: LeaseManager): Promise<void>;
  dispose(): Promise<void>;
}> {
  const bucket = `LEASE_T_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const connections = new Map<LeaseManager, NatsConnection>();
  return Promise.resolve({
    bucket,
    async open() {
      const nc = await connect({ servers: natsUrl() });
      const manager = await NatsKvLeaseManager.open(nc, { bucket }, true);
      connections.set(manager, nc);
      return manager;
    },
    async cut(manager) {
      // As if the process died: the connection goes, nothing is released.
      await connections.get(manager)?.close();
    },
    async dispose() {
      const nc = await connect({ servers: natsUrl() });
      try {
        const kv = await new Kvm(nc).open(bucket);
        await kv.destroy();
      } finally {
        await nc.close();
      }
    },
  });
}

describe.skipIf(skip !== undefined)('NATS KV leases', () => {
  runLeaseConformance('nats-kv', natsHarness);

  it('connects by URL, creates its bucket with history 1, and keys each lease under lease.<name>', async () => {
    const harness = await natsHarness();
    const manager = await connectNatsKvLeases({ servers: natsUrl(), bucket: harness.bucket });
    try {
      const lease = await manager.campaign('fanout', 'host-a', { ttlMs: 60_000 });
      const nc = await connect({ servers: natsUrl() });
      try {
        const kv = await new Kvm(nc).open(harness.bucket);
        expect((await kv.status()).history).toBe(1);
        const entry = await kv.get('lease.fanout');
        expect(entry?.revision).toBe(lease.token);
        expect(entry?.json<{ holder: string }>().holder).toBe('host-a');
      } finally {
        await nc.close();
      }
      await lease.release();
    } finally {
      await manager.close();
      await harness.dispose();
    }
  });

  it('lets a standby take over a key left by a holder that never wrote a lease record, after the TTL', async () => {
    const harness = await natsHarness();
    const manager = await harness.open();
    const nc = await connect({ servers: natsUrl() });
    try {
      const kv = await new Kvm(nc).create(harness.bucket, { history: 1 });
      const junk = await kv.put('lease.summit', 'not json');
      const lease = await manager.campaign('summit', 'B', { ttlMs: 300 });
      expect(lease.token).toBeGreaterThan(junk);
      await lease.release();
    } finally {
      await nc.close();
      await manager.close();
      await harness.dispose();
    }
  });

  it('ends a lease at once when its key is taken over behind its back, as after a partition, and fences its writes', async () => {
    const harness = await natsHarness();
    const manager = await harness.open();
    const nc = await connect({ servers: natsUrl() });
    try {
      const lease = await manager.campaign('reconciler', 'A', { ttlMs: 60_000 });
      const lost = new Promise<void>((resolve) =>
        lease.signal.addEventListener('abort', () => resolve(), { once: true }),
      );
      const kv = await new Kvm(nc).open(harness.bucket);
      const entry = await kv.get('lease.reconciler');
      const record = JSON.stringify({
        v: 1,
        holder: 'B',
        claim: 'b-claim',
        token: null,
        ttlMs: 60_000,
        renewedAtMs: Date.now(),
        state: null,
      });
      const newer = await kv.update('lease.reconciler', record, entry!.revision);
      await lost;
      expect(lease.lostReason).toBe('superseded');
      await expect(manager.current('reconciler')).resolves.toMatchObject({
        holder: 'B',
        token: newer,
      });
      await expect(manager.checkToken('reconciler', lease.token)).rejects.toMatchObject({
        code: 'PROMPTLY_E_LEASE_FENCED',
      });
      await expect(lease.writeState(new Uint8Array([1]))).rejects.toMatchObject({
        code: 'PROMPTLY_E_LEASE_FENCED',
      });
      expect((await kv.get('lease.reconciler'))?.revision).toBe(newer);
    } finally {
      await nc.close();
      await manager.close();
      await harness.dispose();
    }
  });

  it('refuses an unreachable server with PROMPTLY_E_BUS_UNAVAILABLE', async () => {
    const err = await connectNatsKvLeases({ servers: 'nats://127.0.0.1:1' }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'PROMPTLY_E_BUS_UNAVAILABLE' });
  });
});
