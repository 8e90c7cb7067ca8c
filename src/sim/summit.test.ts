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
import { readoutEndMsOf } from '../core/raw-header-times.js';
import { PromptlyError } from '../core/errors.js';
import { quickScan } from '../fits/index.js';
import type { StatusEvent } from '../observe/status-event.js';
import { createFsObjectStore } from '../store/fs/fs-object-store.js';
import { inThreadRenderer } from './in-thread-renderer.js';
import type { RawRenderer } from './render-job.js';
import { SimCamera } from './sim-camera.js';
import { simCameraOptions } from './sim-options.js';
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

  it('writes each raw with its end of readout in the header, and reports a raw whose render thread died twice as lost while the night goes on', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promptly-summit-'));
    const bus = createMemoryBus();
    const store = await createFsObjectStore({ root: dir, bucket: 'raw', durable: false });
    try {
      const sim = loadConfig({
        overrides: {
          sim: { visits: 1, speed: 200, scale: 0.03, snaps: 2, exposureTimeS: 15, readoutS: 3 },
        },
      }).sim;
      const clock = scaledClock(sim.speed, Date.UTC(2026, 10, 21, 3));
      const camera = new SimCamera(simCameraOptions('LATISS', sim));
      const inThread = inThreadRenderer(camera);
      // The second snap's render fails as a pool reports a thread that died twice.
      const renderer: RawRenderer = {
        render: (job, signal) =>
          job.snap === 1
            ? Promise.reject(new PromptlyError('PROMPTLY_E_SIM_RENDER_CRASHED', 'died twice'))
            : inThread.render(job, signal),
        close: () => inThread.close(),
      };
      const status: StatusEvent[] = [];
      const sub = await bus.subscribe('status.>');
      const reading = (async () => {
        for await (const m of sub) status.push(decodeJson(m.data) as StatusEvent);
      })();
      const lost: number[] = [];
      const summit = new Summit({
        instrument: 'LATISS',
        detectors: [0],
        sim,
        bus,
        clock,
        rawStore: store,
        status: createStatusEmitter(bus, clock, 'sim'),
        camera,
        renderer,
        onRawLost: (action, error) => {
          expect(error.code).toBe('PROMPTLY_E_SIM_RENDER_CRASHED');
          lost.push(action.snap);
        },
      });
      await summit.run(new AbortController().signal);
      await sub.close();
      await reading;

      const keys: string[] = [];
      for await (const o of store.list('LATISS/')) keys.push(o.key);
      expect(keys).toHaveLength(1);
      const bytes = await store.get(keys[0]!);
      const visit = summit.visit(0);
      // ISO dates in the header keep whole milliseconds.
      const readEndMs = readoutEndMsOf(quickScan(bytes).primary);
      expect(readEndMs).toBeDefined();
      expect(
        Math.abs(readEndMs! - (visit.startMs + (visit.exposureTimeS + sim.readoutS) * 1000)),
      ).toBeLessThan(1);
      expect(lost).toEqual([1]);
      const report = status.find((e) => e.activity === 'raw.lost');
      expect(report).toMatchObject({
        component: 'sim',
        group: visit.groupId,
        detector: 0,
        detail: { snap: 1, code: 'PROMPTLY_E_SIM_RENDER_CRASHED' },
      });
      await inThread.close();
    } finally {
      await store.close();
      await bus.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
