import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isPromptlyError } from '../../core/errors.js';
import { startFanout } from '../prompt-service.js';
import { startPromptFixture, type PromptFixture } from '../testing/prompt-fixture.js';
import { topologyNames } from '../topology.js';
import { createFanoutHttp } from '../fanout/http-server.js';
import { snapDeadlineMs } from './item-lifetime.js';
import { subjects } from '../../core/subjects.js';
import { utcMsToTaiSeconds } from '../../core/time.js';

const open: PromptFixture[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const f of open.splice(0)) await f.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function fixture(
  options: Parameters<typeof startPromptFixture>[0] = {},
): Promise<PromptFixture> {
  const f = await startPromptFixture(options);
  open.push(f);
  return f;
}
async function workDir(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'promptly-zero-loss-'));
  dirs.push(d);
  return d;
}

describe('zero-loss accounting', () => {
  it('refuses a next_visit for a known instrument this deployment does not serve, enqueuing and recording nothing', async () => {
    const f = await fixture({ instrument: 'LATISS' });
    const app = createFanoutHttp(f.service.fanout);
    const visit = { ...f.nextVisit(), instrument: 'LSSTComCam' };
    const res = await app.inject({ method: 'POST', url: '/next-visit', payload: visit });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'PROMPTLY_E_INSTRUMENT_NOT_SERVED' });
    expect(await f.backends.ledger.has('LSSTComCam', visit.groupId)).toBe(false);
    await expect(f.backends.bus.queueInfo(topologyNames('LSSTComCam').workQueue)).rejects.toSatisfy(
      (e) => isPromptlyError(e, 'PROMPTLY_E_BUS_NO_STREAM'),
    );
  });

  it('records an accepted visit in the ledger, with every detector it owes, before answering', async () => {
    const f = await fixture({ instrument: 'LSSTComCam' });
    await f.service.worker.drain();
    const visit = f.nextVisit();
    const app = createFanoutHttp(f.service.fanout);
    const res = await app.inject({ method: 'POST', url: '/next-visit', payload: visit });
    expect(res.statusCode).toBe(202);
    const [expected] = await f.backends.ledger.openVisits({ instrument: 'LSSTComCam', limit: 10 });
    expect(expected?.group).toBe(visit.groupId);
    expect(expected?.detectors).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('after a crash that lost the work queue, processes the accepted visit on restart (raws in the store, no outcome)', async () => {
    const dir = await workDir();
    // First life: the fan-out accepts, the raws land, and the process dies before any worker ran.
    const first = await startPromptFixture({ workDir: dir, service: false });
    const front = await startFanout({
      config: first.config,
      clock: first.clock,
      ledger: first.backends.ledger,
      bus: first.backends.bus,
    });
    const visit = first.nextVisit({ nimages: 1 });
    expect((await front.fanout.accept(visit)).status).toBe('enqueued');
    await first.writeRaw(visit, 0, 0);
    await front.close();
    await first.close(); // the in-memory queue is gone with it

    // Second life on the same work dir: the reconciler re-enqueues, the worker processes.
    const second = await fixture({ workDir: dir });
    const outcome = await second.outcome(visit.groupId, 0);
    expect(outcome.kind).toBe('processed');
    expect(outcome.snaps).toEqual([0]);
    const requeued = second.statusEvents.find((e) => e.activity === 'reconcile.requeued');
    expect(requeued).toMatchObject({ group: visit.groupId, detector: 0 });
  });

  it('records a lost visit-detector as failed once its re-enqueues are used up', async () => {
    const dir = await workDir();
    const first = await startPromptFixture({ workDir: dir, service: false });
    const front = await startFanout({
      config: first.config,
      clock: first.clock,
      ledger: first.backends.ledger,
      bus: first.backends.bus,
    });
    const visit = first.nextVisit({ nimages: 1 });
    await front.fanout.accept(visit);
    await front.close();
    await first.close();

    const second = await fixture({ workDir: dir, reconcile: { maxRequeues: 0 } });
    const outcome = await second.outcome(visit.groupId, 0);
    expect(outcome.kind).toBe('failed');
    expect(outcome.code).toBe('PROMPTLY_E_OUTCOME_LOST');
    await second.statusEvent((e) => e.activity === 'reconcile.pass');
    expect(await second.backends.ledger.openVisits({ instrument: 'LATISS', limit: 10 })).toEqual(
      [],
    );
  });

  it('reports raws that arrive for no accepted visit as orphans', async () => {
    const f = await fixture({ reconcile: { orphanGraceMs: 0, intervalMs: 100 } });
    const visit = f.nextVisit();
    const key = await f.writeRaw(visit, 0, 0);
    await f.statusEvent((e) => e.activity === 'raw.orphan');
    const orphans = await f.backends.ledger.orphans('LATISS', 0, 10);
    expect(orphans.map((o) => o.key)).toEqual([key]);
  });

  it('answers a reconcile command on the bus with the pass it ran', async () => {
    const f = await fixture();
    const answer = await f.backends.bus.request(
      subjects.command('recorder', 'reconcile', 'LATISS'),
      new TextEncoder().encode('all'),
      { timeoutMs: 10_000 },
    );
    expect(JSON.parse(new TextDecoder().decode(answer.data))).toEqual({
      visits: 0,
      requeued: 0,
      lost: 0,
      closed: 0,
    });
  });

  it('never lets a next_visit hold a slot beyond the configured maximum wait', () => {
    const now = Date.UTC(2026, 11, 3);
    const visit = { startTime: utcMsToTaiSeconds(now), duration: 1e7 };
    const limits = { imageTimeoutMs: 20_000, maxSnapWaitMs: 600_000 };
    expect(snapDeadlineMs(visit, now, limits)).toBe(now + 600_000);
    expect(snapDeadlineMs({ ...visit, duration: 15 }, now, limits)).toBe(now + 50_000);
  });
});
