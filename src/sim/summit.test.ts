import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMemoryBus } from '../bus/memory/memory-bus.js';
import { decodeJson } from '../bus/codec.js';
import { scaledClock } from '../core/clock.js';
import { loadConfig } from '../core/config.js';
import type { NextVisit } from '../core/next-visit.js';
import { createStatusEmitter } from '../observe/status-emitter.js';
import { createFsObjectStore } from '../store/fs/fs-object-store.js';
import { Summit } from './summit.js';

describe('the live summit', () => {
  it('publishes next_visit ≥ lead time ahead, the OCS events in order, and writes every raw after its readout, on a fast clock', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promptly-summit-'));
    const bus = createMemoryBus();
    const store = await createFsObjectStore({ root: dir, bucket: 'raw', durable: false });
    try {
      const sim = loadConfig({
        overrides: {
          sim: {
            visits: 2,
            speed: 200,
            scale: 0.03,
            snaps: 2,
            exposureTimeS: 15,
            faults: ['duplicate-next-visit@1'],
          },
        },
      }).sim;
      const clock = scaledClock(sim.speed, Date.UTC(2026, 10, 21, 3));
      const events: { subject: string; at: number; body: Record<string, unknown> }[] = [];
      const sub = await bus.subscribe('ocs.>');
      const reading = (async () => {
        for await (const m of sub)
          events.push({
            subject: m.subject,
            at: clock.now(),
            body: decodeJson(m.data) as Record<string, unknown>,
          });
      })();
      const summit = new Summit({
        instrument: 'LATISS',
        detectors: [0],
        sim,
        bus,
        clock,
        rawStore: store,
        status: createStatusEmitter(bus, clock, 'sim'),
      });
      await summit.run(new AbortController().signal);
      await sub.close();
      await reading;

      const nextVisits = events.filter((e) => e.subject.startsWith('ocs.next_visit.'));
      expect(nextVisits.map((e) => (e.body as unknown as NextVisit).groupId)).toEqual([
        summit.visit(0).groupId,
        summit.visit(1).groupId,
        summit.visit(1).groupId,
      ]);
      const first = nextVisits[0]!.body as unknown as NextVisit;
      expect(first.startTime - first.private_sndStamp).toBeGreaterThanOrEqual(20);
      const ocs = events
        .filter((e) => !e.subject.startsWith('ocs.next_visit.'))
        .filter((e) => e.body.groupId === summit.visit(0).groupId)
        .map((e) => `${e.subject.split('.')[1]}/${String(e.body.snap)}`);
      expect(ocs).toEqual([
        'startIntegration/0',
        'startReadout/0',
        'endReadout/0',
        'startIntegration/1',
        'startReadout/1',
        'endReadout/1',
      ]);
      const keys: string[] = [];
      for await (const o of store.list('LATISS/')) keys.push(o.key);
      expect(keys).toHaveLength(4);
    } finally {
      await store.close();
      await bus.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
