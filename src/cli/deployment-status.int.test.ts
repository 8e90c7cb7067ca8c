import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNatsBus } from '../bus/nats/nats-bus.js';
import { loadConfig } from '../core/config.js';
import { subjects } from '../core/subjects.js';
import { startRoleHeartbeat } from '../observe/role-heartbeat.js';
import { ensureTopology } from '../prompt/topology.js';
import { privateNatsSkipReason, startPrivateNatsServer } from '../testing/nats-server.js';
import { deploymentStatus } from './deployment-status.js';
import { formatStatus } from './status-command.js';

const skip = privateNatsSkipReason();
if (skip) console.log(skip);

/** Polls `check` every 50 ms until it holds (an event on the server), failing after 20 s. */
async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition never held');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(skip !== undefined)('promptly status on NATS', () => {
  it('shows streams, queues with their oldest message, and the roles whose heartbeats the bus holds', async () => {
    const nats = await startPrivateNatsServer();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'promptly-status-'));
    const file = path.join(dir, 'promptly.yaml');
    mkdirSync(path.join(dir, 'central'));
    writeFileSync(
      file,
      [
        'instrument: LSSTComCam',
        'bus:',
        '  kind: nats',
        `  servers: ["${nats.url}"]`,
        'centralRepo:',
        `  root: ${JSON.stringify(path.join(dir, 'central'))}`,
        '',
      ].join('\n'),
    );
    const bus = await createNatsBus({ servers: [nats.url] });
    try {
      const config = loadConfig({ file });
      await ensureTopology(bus, config.instrument, config.worker);
      const enqueuedAt = Date.now();
      await bus.publish(subjects.work('LSSTComCam'), new TextEncoder().encode('{}'));
      const beat = startRoleHeartbeat(bus, {
        instrument: 'LSSTComCam',
        role: 'worker',
        id: 'worker@test:1',
        state: () => 'RUNNING',
        intervalMs: 60_000,
      });
      await until(async () => (await bus.streamInfo('HEALTH')).messages === 1);

      const s = await deploymentStatus(file);
      expect(s.queues[0]).toMatchObject({ name: 'WORK_LSSTComCam', pending: 1, inFlight: 0 });
      expect(s.queues[0]!.oldestAgeMs).toBeLessThanOrEqual(Date.now() - enqueuedAt + 1000);
      expect(s.queues[1]).toMatchObject({ name: 'DEAD_LSSTComCam', pending: 0 });
      expect(s.queues[1]!.oldestAgeMs).toBeUndefined();
      expect(s.streams.map((x) => x.name)).toEqual(
        expect.arrayContaining(['OCS', 'VISITS', 'OUTCOMES', 'HEALTH']),
      );
      expect(s.streams.find((x) => x.name === 'HEALTH')).toMatchObject({ messages: 1 });
      expect(s.roles).toEqual([
        expect.objectContaining({
          role: 'worker',
          id: 'worker@test:1',
          state: 'RUNNING',
          alive: true,
        }),
      ]);
      const text = formatStatus(s);
      expect(text).toMatch(/WORK_LSSTComCam\s+1\s+0\s+0/);
      expect(text).toMatch(/worker\s+RUNNING/);

      await beat.stop();
      const after = await deploymentStatus(file);
      expect(after.roles).toEqual([
        expect.objectContaining({ role: 'worker', state: 'STOPPED', alive: false }),
      ]);
    } finally {
      await bus.close();
      await nats.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
