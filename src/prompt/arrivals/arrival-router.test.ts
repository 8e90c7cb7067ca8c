import { afterEach, describe, expect, it } from 'vitest';
import type { ArrivalNotice } from '../../arrivals/arrival-notice.js';
import { createFsArrivals, type FsArrivals } from '../../arrivals/fs/fs-arrivals.js';
import type { Bus, BusMessage, Subscription } from '../../bus/bus.js';
import { decodeJson } from '../../bus/codec.js';
import { createMemoryBus } from '../../bus/memory/memory-bus.js';
import { scaledClock, sleepReal } from '../../core/clock.js';
import { subjects } from '../../core/subjects.js';
import { createStatusEmitter } from '../../observe/status-emitter.js';
import type { StatusEvent } from '../../observe/status-event.js';
import { makeArrivalNotice } from '../../store/arrival-notice.js';
import { startArrivalRouter, type ArrivalRouter } from './arrival-router.js';
import { rawArrivalSchema, type RawArrival } from './raw-arrival.js';

const WAIT_MS = 20_000;

interface Rig {
  readonly bus: Bus;
  readonly arrivals: FsArrivals;
  readonly router: ArrivalRouter;
  readonly status: StatusEvent[];
  /** Resolves with the first status event `match` accepts (seen so far or later). */
  statusEvent(match: (e: StatusEvent) => boolean): Promise<StatusEvent>;
}

function notice(key: string, timeMs = Date.parse('2026-01-02T03:04:05.678Z')): ArrivalNotice {
  return makeArrivalNotice({
    bucket: 'raw',
    key,
    size: 42,
    eTag: '"abc"',
    sequencer: '0A',
    timeMs,
  });
}

async function nextArrival(
  sub: Subscription<BusMessage>,
): Promise<{ subject: string; arrival: RawArrival }> {
  const it = sub[Symbol.asyncIterator]();
  const next = await Promise.race([it.next(), sleepReal(WAIT_MS).then(() => undefined)]);
  if (next === undefined || next.done)
    throw new Error('no raw.arrived message before the deadline');
  return {
    subject: next.value.subject,
    arrival: rawArrivalSchema.parse(decodeJson(next.value.data)),
  };
}

describe('arrival router', () => {
  const rigs: Rig[] = [];
  afterEach(async () => {
    for (const r of rigs.splice(0)) {
      await r.router.close();
      await r.arrivals.close();
      await r.bus.close();
    }
  });

  async function rig(): Promise<Rig> {
    const bus = createMemoryBus();
    const clock = scaledClock(1);
    const status: StatusEvent[] = [];
    const statusSub = await bus.subscribe(subjects.status('router'));
    void (async () => {
      for await (const m of statusSub) status.push(decodeJson(m.data) as StatusEvent);
    })();
    const arrivals = createFsArrivals();
    const router = startArrivalRouter({
      arrivals,
      bus,
      clock,
      status: createStatusEmitter(bus, clock, 'router'),
    });
    const r: Rig = {
      bus,
      arrivals,
      router,
      status,
      async statusEvent(match) {
        const deadline = Date.now() + WAIT_MS;
        for (;;) {
          const found = status.find(match);
          if (found) return found;
          if (Date.now() > deadline) throw new Error('status event not seen before the deadline');
          await sleepReal(5);
        }
      },
    };
    rigs.push(r);
    return r;
  }

  it('publishes a raw whose key holds %, + and spaces on its own visit-detector subject, key untouched', async () => {
    const r = await rig();
    const group = '2026-01-02 grp+1%2B';
    const key = `LATISS/0/${group}/1/raw a+b%20c.fits`;
    const sub = await r.bus.subscribe(subjects.rawArrived('LATISS', 0, group));
    await r.arrivals.sink(notice(key));
    const { subject, arrival } = await nextArrival(sub);
    expect(subject).toBe(subjects.rawArrived('LATISS', 0, group));
    expect(arrival).toMatchObject({
      key,
      instrument: 'LATISS',
      detector: 0,
      group,
      snap: 1,
      size: 42,
      eTag: 'abc',
      eventTime: '2026-01-02T03:04:05.678Z',
      eventSource: 'promptly:store',
    });
    expect(Number.isFinite(arrival.arrivedMs)).toBe(true);
    await sub.close();
  });

  it('ignores keys that are not raws of a known instrument, reports each, and routes the next raw', async () => {
    const r = await rig();
    const sub = await r.bus.subscribe(subjects.rawArrivedAll);
    await r.arrivals.sink(notice('quarantine/LATISS/0/g/0/x.fits'));
    await r.arrivals.sink(notice('HSC/0/g/0/x.fits'));
    await r.arrivals.sink(notice('LATISS/0/g/0/ok.fits'));
    expect((await nextArrival(sub)).arrival.key).toBe('LATISS/0/g/0/ok.fits');
    const quarantined = await r.statusEvent(
      (e) => e.activity === 'notice.ignored' && e.detail?.key === 'quarantine/LATISS/0/g/0/x.fits',
    );
    expect(quarantined.component).toBe('router');
    const unknown = await r.statusEvent(
      (e) => e.activity === 'notice.ignored' && e.detail?.key === 'HSC/0/g/0/x.fits',
    );
    expect(unknown.detail?.reason).toBe('unknown instrument');
    await sub.close();
  });

  it('keeps serving after malformed notices and records, reporting each as invalid', async () => {
    const r = await rig();
    const sub = await r.bus.subscribe(subjects.rawArrivedAll);
    const noRecords: ArrivalNotice = JSON.parse('{"records": []}');
    const noObject: ArrivalNotice = JSON.parse(
      '{"Records": [{"s3": {"bucket": {"name": "raw"}}}]}',
    );
    const badSize: ArrivalNotice = JSON.parse(
      '{"Records": [{"s3": {"object": {"key": "LATISS/0/g/0/a.fits", "size": "big"}}}, null]}',
    );
    await r.arrivals.sink(noRecords);
    await r.arrivals.sink(noObject);
    await r.arrivals.sink(badSize);
    await r.arrivals.sink(notice('LATISS/0/g/0/fine.fits'));
    expect((await nextArrival(sub)).arrival.key).toBe('LATISS/0/g/0/fine.fits');
    await r.statusEvent(
      (e) => e.activity === 'notice.invalid' && e.detail?.reason === 'no Records array',
    );
    await r.statusEvent(
      (e) => e.activity === 'notice.invalid' && e.detail?.reason === 'record has no s3.object',
    );
    await r.statusEvent(
      (e) =>
        e.activity === 'notice.invalid' &&
        e.detail?.reason === 's3.object.size is not a byte count',
    );
    await r.statusEvent((e) => e.activity === 'notice.invalid' && e.detail?.index === 1);
    expect(r.router.state).toBe('running');
    await sub.close();
  });

  it('routes every raw record of a notice that carries several', async () => {
    const r = await rig();
    const sub = await r.bus.subscribe(subjects.rawArrivedAll);
    const a = notice('LATISS/0/g/0/a.fits').Records[0]!;
    const b = notice('LATISS/0/g/1/b.fits').Records[0]!;
    await r.arrivals.sink({ Records: [a, b] });
    expect((await nextArrival(sub)).arrival.snap).toBe(0);
    expect((await nextArrival(sub)).arrival.snap).toBe(1);
    await sub.close();
  });

  it('stops when closed, and when the bus it publishes on is closed', async () => {
    const r = await rig();
    await r.router.close();
    expect(r.router.state).toBe('stopped');

    const s = await rig();
    await s.bus.close();
    await s.arrivals.sink(notice('LATISS/0/g/0/a.fits'));
    await Promise.race([s.router.done, sleepReal(WAIT_MS)]);
    expect(s.router.state).toBe('stopped');
  });

  it('stops when its signal fires', async () => {
    const bus = createMemoryBus();
    const arrivals = createFsArrivals();
    const ac = new AbortController();
    const clock = scaledClock(1);
    const router = startArrivalRouter({
      arrivals,
      bus,
      clock,
      status: createStatusEmitter(bus, clock, 'router'),
      signal: ac.signal,
    });
    ac.abort();
    await Promise.race([router.done, sleepReal(WAIT_MS)]);
    expect(router.state).toBe('stopped');
    await arrivals.close();
    await bus.close();
  });
});
