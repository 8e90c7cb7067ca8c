import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { sleepReal } from '../../core/clock.js';
import { isPromptlyError } from '../../core/errors.js';
import { MAX_LEASE_STATE_BYTES, type Lease, type LeaseManager } from '../lease.js';
import { LeaseTimeline, within } from './lease-timeline.js';

/** What a backend gives the suite: fresh managers, one per simulated process. */
export interface LeaseConformanceHarness {
  /** A new manager with its own connection, as a separate process would have. */
  open(): Promise<LeaseManager>;
  /**
   * Cuts `manager` off the way a crash or a network loss would: no release, no goodbye.
   * Its leases must see their signals fire (`disconnected`).
   */
  cut(manager: LeaseManager): Promise<void>;
  /** Called after each test, once its managers are closed (e.g. deletes the bucket). */
  dispose?(): Promise<void>;
}

/** Options of {@link runLeaseConformance}. */
export interface LeaseConformanceOptions {
  /** TTL of the leases whose expiry the cases wait for, ms; default 1000. */
  readonly ttlMs?: number;
  /** Failure deadline of every wait, ms; default 20 000. */
  readonly deadlineMs?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A TTL so long that a case whose handover beats `deadlineMs` cannot have waited for it. */
const LONG_TTL_MS = 120_000;

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isPromptlyError(err) ? err.code : err).toBe(code);
}

/**
 * The one lease conformance suite: the memory backend and NATS KV run it unchanged. Each
 * test uses fresh managers from `makeHarness` and a random lease name, and closes what it
 * opened. Expiry cases use `ttlMs` and assert the ORDER of events (the old holder's signal
 * fires before the standby wins); deadlines only fail a test that hangs. Cases where a
 * release must hand over quickly use a 120 s TTL with a 20 s deadline, so waiting out the
 * TTL could never pass.
 */
export function runLeaseConformance(
  backend: string,
  makeHarness: () => Promise<LeaseConformanceHarness>,
  options: LeaseConformanceOptions = {},
): void {
  const ttlMs = options.ttlMs ?? 1_000;
  const deadlineMs = options.deadlineMs ?? 20_000;

  describe(`Lease conformance: ${backend}`, () => {
    let harness: LeaseConformanceHarness | undefined;
    let managers: LeaseManager[] = [];

    const open = async (): Promise<LeaseManager> => {
      harness ??= await makeHarness();
      const m = await harness.open();
      managers.push(m);
      return m;
    };
    const leaseName = (): string => `t${randomUUID().replaceAll('-', '').slice(0, 12)}`;

    afterEach(async () => {
      for (const m of managers) await m.close();
      managers = [];
      await harness?.dispose?.();
      harness = undefined;
    });

    it('lets only one of three candidates hold at a time and hands over on each release, with strictly increasing tokens', async () => {
      const name = leaseName();
      const timeline = new LeaseTimeline();
      const ms = [await open(), await open(), await open()];
      const leases: Lease[] = [];
      const campaigns = ms.map((m, i) =>
        m.campaign(name, `h${i}`, { ttlMs }).then((l) => {
          leases.push(timeline.track(`h${i}`, l));
          return l;
        }),
      );
      for (let round = 0; round < 3; round++) {
        await within(
          Promise.any(campaigns.filter((_, i) => !leases.some((l) => l.holder === `h${i}`))),
          deadlineMs,
          `round ${round}`,
        );
        expect(leases).toHaveLength(round + 1);
        const leader = leases[round]!;
        if (round === 0) {
          // Time passing is the point: the leader renews for several TTLs, nobody else wins.
          await sleepReal(ttlMs * 2.5);
          expect(leases).toHaveLength(1);
          expect(leader.signal.aborted).toBe(false);
        }
        await expect(ms[0]!.current(name)).resolves.toMatchObject({
          holder: leader.holder,
          token: leader.token,
        });
        await leader.release();
        expect(leader.lostReason).toBe('released');
      }
      expect(timeline.maxConcurrent).toBe(1);
      const tokens = leases.map((l) => l.token);
      expect(tokens[1]!).toBeGreaterThan(tokens[0]!);
      expect(tokens[2]!).toBeGreaterThan(tokens[1]!);
      await expect(ms[0]!.current(name)).resolves.toBeUndefined();
    });

    it('hands the lease to the standby as soon as the leader releases, long before the TTL', async () => {
      const name = leaseName();
      const timeline = new LeaseTimeline();
      const [ma, mb] = [await open(), await open()];
      const a = timeline.track('A', await ma.campaign(name, 'A', { ttlMs: LONG_TTL_MS }));
      const bWon = mb.campaign(name, 'B', { ttlMs: LONG_TTL_MS });
      await a.release();
      const b = timeline.track('B', await within(bWon, deadlineMs, 'B takes over'));
      expect(timeline.events).toEqual(['A acquired', 'A lost: released', 'B acquired']);
      expect(b.token).toBeGreaterThan(a.token);
      await expectCode(mb.checkToken(name, a.token), 'PROMPTLY_E_LEASE_FENCED');
      await expect(ma.checkToken(name, b.token)).resolves.toBeUndefined();
      await b.release();
    });

    it('lets the standby take over once the leader stops renewing without releasing, and fences the old token', async () => {
      const name = leaseName();
      const timeline = new LeaseTimeline();
      const [ma, mb] = [await open(), await open()];
      const crash = new AbortController();
      const a = timeline.track('A', await ma.campaign(name, 'A', { ttlMs, signal: crash.signal }));
      const bWon = mb.campaign(name, 'B', { ttlMs });
      crash.abort();
      const b = timeline.track('B', await within(bWon, deadlineMs, 'B takes over'));
      expect(timeline.events).toEqual(['A acquired', 'A lost: abandoned', 'B acquired']);
      expect(b.token).toBeGreaterThan(a.token);
      await expectCode(ma.checkToken(name, a.token), 'PROMPTLY_E_LEASE_FENCED');
      await expectCode(a.writeState(encoder.encode('stale')), 'PROMPTLY_E_LEASE_FENCED');
      await expect(mb.checkToken(name, b.token)).resolves.toBeUndefined();
      await b.release();
    });

    it('fires the lease signal of a leader whose connection is cut, and the standby takes over after the TTL', async () => {
      const name = leaseName();
      const timeline = new LeaseTimeline();
      const [ma, mb] = [await open(), await open()];
      const a = timeline.track('A', await ma.campaign(name, 'A', { ttlMs }));
      const bWon = mb.campaign(name, 'B', { ttlMs });
      await harness!.cut(ma);
      await timeline.waitFor('A lost: disconnected', deadlineMs);
      const b = timeline.track('B', await within(bWon, deadlineMs, 'B takes over'));
      expect(timeline.events).toEqual(['A acquired', 'A lost: disconnected', 'B acquired']);
      expect(b.token).toBeGreaterThan(a.token);
      await expectCode(mb.checkToken(name, a.token), 'PROMPTLY_E_LEASE_FENCED');
      await expectCode(ma.campaign(name, 'A', { ttlMs }), 'PROMPTLY_E_LEASE_CLOSED');
      await b.release();
    });

    it('hands role state to the next holder and refuses a demoted holder writing it', async () => {
      const name = leaseName();
      const [ma, mb, mc] = [await open(), await open(), await open()];
      const crash = new AbortController();
      const a = await ma.campaign(name, 'A', { ttlMs, signal: crash.signal });
      expect(a.initialState).toBeUndefined();
      await a.writeState(encoder.encode('cursor=1'));
      await expect(ma.current(name)).resolves.toMatchObject({ holder: 'A', token: a.token });
      expect(decoder.decode((await mb.current(name))?.state)).toBe('cursor=1');
      const bWon = mb.campaign(name, 'B', { ttlMs });
      crash.abort();
      const b = await within(bWon, deadlineMs, 'B takes over');
      expect(decoder.decode(b.initialState)).toBe('cursor=1');
      await expectCode(a.writeState(encoder.encode('cursor=stale')), 'PROMPTLY_E_LEASE_FENCED');
      expect(decoder.decode((await mc.current(name))?.state)).toBe('cursor=1');
      await b.writeState(encoder.encode('cursor=2'));
      await b.release();
      const c = await within(mc.campaign(name, 'C', { ttlMs }), deadlineMs, 'C wins');
      expect(decoder.decode(c.initialState)).toBe('cursor=2');
      expect(c.token).toBeGreaterThan(b.token);
      await c.release();
    });

    it('rejects a campaign aborted while waiting and leaves the holder in place', async () => {
      const name = leaseName();
      const [ma, mb] = [await open(), await open()];
      const a = await ma.campaign(name, 'A', { ttlMs: LONG_TTL_MS });
      const stop = new AbortController();
      const bWon = mb.campaign(name, 'B', { ttlMs: LONG_TTL_MS, signal: stop.signal });
      stop.abort();
      await expectCode(within(bWon, deadlineMs, 'aborted campaign'), 'PROMPTLY_E_ABORTED');
      expect(a.signal.aborted).toBe(false);
      await expect(mb.checkToken(name, a.token)).resolves.toBeUndefined();
      await a.release();
    });

    it('reports nobody before the first campaign and after release, and fences every token then', async () => {
      const name = leaseName();
      const m = await open();
      await expect(m.current(name)).resolves.toBeUndefined();
      await expectCode(m.checkToken(name, 1), 'PROMPTLY_E_LEASE_FENCED');
      const a = await m.campaign(name, 'A', { ttlMs: LONG_TTL_MS });
      await expect(m.current(name)).resolves.toMatchObject({
        name,
        holder: 'A',
        token: a.token,
        ttlMs: LONG_TTL_MS,
      });
      await a.release();
      await a.release();
      await expect(m.current(name)).resolves.toBeUndefined();
      await expectCode(m.checkToken(name, a.token), 'PROMPTLY_E_LEASE_FENCED');
    });

    it('releases the leases of a closed manager, so a standby wins at once, and refuses further calls', async () => {
      const name = leaseName();
      const timeline = new LeaseTimeline();
      const [ma, mb] = [await open(), await open()];
      const a = timeline.track('A', await ma.campaign(name, 'A', { ttlMs: LONG_TTL_MS }));
      const bWon = mb.campaign(name, 'B', { ttlMs: LONG_TTL_MS });
      await ma.close();
      const b = timeline.track('B', await within(bWon, deadlineMs, 'B takes over'));
      expect(timeline.events).toEqual(['A acquired', 'A lost: closed', 'B acquired']);
      expect(b.token).toBeGreaterThan(a.token);
      await expectCode(ma.campaign(name, 'A'), 'PROMPTLY_E_LEASE_CLOSED');
      await expectCode(ma.current(name), 'PROMPTLY_E_LEASE_CLOSED');
      await b.release();
    });

    it('refuses malformed names, holder ids, TTLs and oversized state with PROMPTLY_E_LEASE_INVALID', async () => {
      const m = await open();
      const name = leaseName();
      await expectCode(m.campaign('has space', 'A'), 'PROMPTLY_E_LEASE_INVALID');
      await expectCode(m.campaign('a.b', 'A'), 'PROMPTLY_E_LEASE_INVALID');
      await expectCode(m.campaign(name, ''), 'PROMPTLY_E_LEASE_INVALID');
      await expectCode(m.campaign(name, 'A', { ttlMs: 0 }), 'PROMPTLY_E_LEASE_INVALID');
      await expectCode(m.campaign(name, 'A', { ttlMs: 1.5e3 + 0.5 }), 'PROMPTLY_E_LEASE_INVALID');
      await expectCode(m.current(''), 'PROMPTLY_E_LEASE_INVALID');
      const a = await m.campaign(name, 'A', { ttlMs: LONG_TTL_MS });
      const big = new Uint8Array(MAX_LEASE_STATE_BYTES + 1);
      await expectCode(a.writeState(big), 'PROMPTLY_E_LEASE_INVALID');
      expect(a.signal.aborted).toBe(false);
      await a.release();
    });
  });
}
