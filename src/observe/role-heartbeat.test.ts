import { describe, expect, it } from 'vitest';
import { MemoryBus } from '../bus/memory/memory-bus.js';
import { HEALTH_STREAM } from '../prompt/topology.js';
import { readLatestValues } from './latest-values.js';
import { parseRoleBeat, startRoleHeartbeat } from './role-heartbeat.js';

describe('role heartbeats', () => {
  it('keeps only the latest beat of each role process, and a last STOPPED beat on stop', async () => {
    const bus = new MemoryBus();
    await bus.ensureStream(HEALTH_STREAM);
    let state = 'STANDBY';
    const a = startRoleHeartbeat(bus, {
      instrument: 'LATISS',
      role: 'fanout',
      id: 'fanout@h:1',
      state: () => state,
      intervalMs: 100,
    });
    const b = startRoleHeartbeat(bus, {
      instrument: 'LATISS',
      role: 'worker',
      id: 'worker@h:2',
      state: () => 'RUNNING',
      intervalMs: 60_000,
    });
    state = 'RUNNING';
    // Wait for the fan-out's next beat (an event: the stream's sequence moves on).
    const first = (await bus.streamInfo('HEALTH')).lastSeq;
    while ((await bus.streamInfo('HEALTH')).lastSeq === first)
      await new Promise((r) => setTimeout(r, 20));
    await a.stop();
    const beats = (await readLatestValues(bus, 'HEALTH')).map((m) => parseRoleBeat(m.data));
    expect(beats).toHaveLength(2);
    expect(beats).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ role: 'worker', state: 'RUNNING', intervalMs: 60_000 }),
        expect.objectContaining({ role: 'fanout', id: 'fanout@h:1', state: 'STOPPED' }),
      ]),
    );
    await b.stop();
    await bus.close();
  });

  it('refuses a beat period outside 100..60000 ms', () => {
    const bus = new MemoryBus();
    const options = { instrument: 'LATISS', role: 'worker', id: 'w', state: () => 'RUNNING' };
    expect(() => startRoleHeartbeat(bus, { ...options, intervalMs: 5 })).toThrow(RangeError);
    expect(() => startRoleHeartbeat(bus, { ...options, intervalMs: 1e9 })).toThrow(RangeError);
  });

  it('reads as no beat anything that is not one', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(parseRoleBeat(enc('not json'))).toBeUndefined();
    expect(parseRoleBeat(enc('{"role":"worker"}'))).toBeUndefined();
    expect(parseRoleBeat(enc('null'))).toBeUndefined();
    expect(
      parseRoleBeat(
        enc(
          JSON.stringify({
            role: 'w',
            id: 'w',
            instrument: 'I',
            host: 'h',
            state: 'RUNNING',
            pid: 1,
            startedAtMs: 1,
            sentAtMs: 2,
            intervalMs: 1000,
          }),
        ),
      ),
    ).toMatchObject({ role: 'w', sentAtMs: 2 });
  });
});
