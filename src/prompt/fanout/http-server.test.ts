import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFanoutHttp } from './http-server.js';
import { startPromptFixture, type PromptFixture } from '../testing/prompt-fixture.js';
import { topologyNames } from '../topology.js';
import { utcMsToTaiSeconds } from '../../core/time.js';

describe('POST /next-visit', () => {
  let f: PromptFixture;
  beforeEach(async () => {
    f = await startPromptFixture({ instrument: 'LSSTComCam', worker: { slots: 1 } });
    await f.service.worker.drain(); // keep the queue still so what was enqueued can be counted
  });
  afterEach(async () => {
    await f.close();
  });

  const pending = async (): Promise<number> =>
    (await f.backends.bus.queueInfo(topologyNames('LSSTComCam').workQueue)).pending;

  it('enqueues one work item per detector and answers 202', async () => {
    const app = createFanoutHttp(f.service.fanout);
    const res = await app.inject({ method: 'POST', url: '/next-visit', payload: f.nextVisit() });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ status: 'enqueued', items: 9 });
    expect(await pending()).toBe(9);
  });

  it('rejects a body that is not JSON with 400 and enqueues nothing', async () => {
    const app = createFanoutHttp(f.service.fanout);
    const res = await app.inject({
      method: 'POST',
      url: '/next-visit',
      headers: { 'content-type': 'application/json' },
      payload: '{"groupId": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('PROMPTLY_E_NEXT_VISIT_MALFORMED');
    expect(await pending()).toBe(0);
  });

  it('rejects bad fields with 422 and one detail per field, enqueuing nothing', async () => {
    const app = createFanoutHttp(f.service.fanout);
    const body = { ...f.nextVisit(), nimages: -1, position: [1], extra: true };
    const res = await app.inject({ method: 'POST', url: '/next-visit', payload: body });
    expect(res.statusCode).toBe(422);
    const json = res.json<{ code: string; details: { path: string; message: string }[] }>();
    expect(json.code).toBe('PROMPTLY_E_NEXT_VISIT_INVALID');
    const paths = json.details.map((d) => d.path).sort();
    expect(paths).toEqual(expect.arrayContaining(['nimages', 'position']));
    expect(json.details.some((d) => d.message.includes('extra'))).toBe(true);
    expect(await pending()).toBe(0);
  });

  it('rejects an unknown instrument with 422', async () => {
    const app = createFanoutHttp(f.service.fanout);
    const res = await app.inject({
      method: 'POST',
      url: '/next-visit',
      payload: f.nextVisit({ instrument: 'HSC' }),
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('PROMPTLY_E_INSTRUMENT_UNKNOWN');
    expect(await pending()).toBe(0);
  });

  it('drops a next_visit older than the expiration', async () => {
    const app = createFanoutHttp(f.service.fanout);
    const stale = f.nextVisit({ private_sndStamp: utcMsToTaiSeconds(Date.now() - 10 * 60_000) });
    const res = await app.inject({ method: 'POST', url: '/next-visit', payload: stale });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('PROMPTLY_E_NEXT_VISIT_EXPIRED');
    expect(await pending()).toBe(0);
  });

  it('enqueues a repeated next_visit once', async () => {
    const app = createFanoutHttp(f.service.fanout);
    const visit = f.nextVisit();
    await app.inject({ method: 'POST', url: '/next-visit', payload: visit });
    const again = await app.inject({ method: 'POST', url: '/next-visit', payload: visit });
    expect(again.statusCode).toBe(200);
    expect(again.json().status).toBe('duplicate');
    expect(await pending()).toBe(9);
  });

  it('keeps serving after bad input', async () => {
    const app = createFanoutHttp(f.service.fanout);
    await app.inject({ method: 'POST', url: '/next-visit', payload: 'nonsense' });
    const res = await app.inject({ method: 'POST', url: '/next-visit', payload: f.nextVisit() });
    expect(res.statusCode).toBe(202);
  });
});
