import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPromptlyError } from '../../core/errors.js';
import type { ExpectedVisit, VisitLedger } from '../visit-ledger.js';

/**
 * The one VisitLedger conformance suite: every backend runs it unchanged. `makeLedger` gives
 * a fresh, empty ledger; `openPeer`, when given, a second handle on the same storage (as a
 * second process would have).
 */
export function runLedgerConformance(
  name: string,
  makeLedger: () => Promise<VisitLedger>,
  openPeer?: (first: VisitLedger) => Promise<VisitLedger>,
): void {
  describe(`VisitLedger conformance: ${name}`, () => {
    let ledger: VisitLedger;
    const extra: VisitLedger[] = [];
    beforeEach(async () => {
      ledger = await makeLedger();
    });
    afterEach(async () => {
      for (const l of extra.splice(0)) await l.dispose();
      await ledger.dispose();
    });

    const visit = (
      group: string,
      acceptedMs: number,
      dueMs = acceptedMs + 1000,
    ): ExpectedVisit => ({
      instrument: 'LSSTComCam',
      group,
      detectors: [0, 1, 2],
      visit: { groupId: group, nimages: 2 },
      acceptedMs,
      dueMs,
    });

    it('records a visit once and keeps the first record on a repeat', async () => {
      expect(await ledger.expect(visit('g1', 1000))).toBe(true);
      expect(await ledger.expect({ ...visit('g1', 5000), detectors: [9] })).toBe(false);
      expect(await ledger.has('LSSTComCam', 'g1')).toBe(true);
      expect(await ledger.has('LSSTComCam', 'g2')).toBe(false);
      expect(await ledger.has('LATISS', 'g1')).toBe(false);
      expect(await ledger.visit('LSSTComCam', 'g1')).toEqual(visit('g1', 1000));
      expect(await ledger.visit('LSSTComCam', 'g2')).toBeUndefined();
      const [open] = await ledger.openVisits({ instrument: 'LSSTComCam', limit: 10 });
      expect(open).toMatchObject({
        group: 'g1',
        detectors: [0, 1, 2],
        acceptedMs: 1000,
        visit: { groupId: 'g1', nimages: 2 },
        requeues: {},
      });
    });

    it('lists open visits oldest first, only those due, and forgets closed ones', async () => {
      await ledger.expect(visit('late', 3000, 9000));
      await ledger.expect(visit('early', 1000, 2000));
      await ledger.expect(visit('middle', 2000, 4000));
      const all = await ledger.openVisits({ instrument: 'LSSTComCam', limit: 10 });
      expect(all.map((v) => v.group)).toEqual(['early', 'middle', 'late']);
      const due = await ledger.openVisits({
        instrument: 'LSSTComCam',
        dueBeforeMs: 4000,
        limit: 10,
      });
      expect(due.map((v) => v.group)).toEqual(['early', 'middle']);
      expect(
        (await ledger.openVisits({ instrument: 'LSSTComCam', limit: 1 })).map((v) => v.group),
      ).toEqual(['early']);
      await ledger.close('LSSTComCam', 'early', 5000);
      await ledger.close('LSSTComCam', 'early', 6000);
      const rest = await ledger.openVisits({ instrument: 'LSSTComCam', limit: 10 });
      expect(rest.map((v) => v.group)).toEqual(['middle', 'late']);
      expect(await ledger.has('LSSTComCam', 'early')).toBe(true);
    });

    it('counts re-enqueues per visit-detector and reports them with the open visit', async () => {
      await ledger.expect(visit('g', 1000));
      expect(await ledger.countRequeue('LSSTComCam', 'g', 1, 2000)).toBe(1);
      expect(await ledger.countRequeue('LSSTComCam', 'g', 1, 3000)).toBe(2);
      expect(await ledger.countRequeue('LSSTComCam', 'g', 2, 3500)).toBe(1);
      const [open] = await ledger.openVisits({ instrument: 'LSSTComCam', limit: 10 });
      expect(open?.requeues).toEqual({
        1: { count: 2, lastMs: 3000 },
        2: { count: 1, lastMs: 3500 },
      });
    });

    it('records each orphan raw once and lists them by time', async () => {
      const o = {
        key: 'LSSTComCam/1/g/0/raw.fits',
        instrument: 'LSSTComCam',
        detector: 1,
        group: 'g',
        recordedMs: 10,
      };
      expect(await ledger.recordOrphan(o)).toBe(true);
      expect(await ledger.recordOrphan({ ...o, recordedMs: 20 })).toBe(false);
      await ledger.recordOrphan({ ...o, key: 'k2', recordedMs: 30 });
      expect((await ledger.orphans('LSSTComCam', 0, 10)).map((x) => [x.key, x.recordedMs])).toEqual(
        [
          [o.key, 10],
          ['k2', 30],
        ],
      );
      expect((await ledger.orphans('LSSTComCam', 15, 10)).map((x) => x.key)).toEqual(['k2']);
      expect(await ledger.orphans('LATISS', 0, 10)).toEqual([]);
    });

    it('refuses out-of-range limits and times with a coded error', async () => {
      await expect(ledger.openVisits({ instrument: 'x', limit: 0 })).rejects.toSatisfy((e) =>
        isPromptlyError(e, 'PROMPTLY_E_LEDGER_INVALID'),
      );
      await expect(ledger.expect(visit('g', Number.NaN))).rejects.toSatisfy((e) =>
        isPromptlyError(e, 'PROMPTLY_E_LEDGER_INVALID'),
      );
    });

    it('refuses calls after dispose and honours an aborted signal', async () => {
      const signal = AbortSignal.abort();
      await expect(ledger.has('x', 'g', { signal })).rejects.toSatisfy((e) =>
        isPromptlyError(e, 'PROMPTLY_E_ABORTED'),
      );
      const other = await makeLedger();
      await other.dispose();
      await other.dispose();
      await expect(other.has('x', 'g')).rejects.toSatisfy((e) =>
        isPromptlyError(e, 'PROMPTLY_E_LEDGER_CLOSED'),
      );
    });

    // Registered only for backends that can open a second handle (a private :memory: cannot).
    if (openPeer)
      it('shares records between two handles, counting concurrent re-enqueues exactly', async () => {
        const peer = await openPeer(ledger);
        extra.push(peer);
        const results = await Promise.all([
          ledger.expect(visit('shared', 1000)),
          peer.expect(visit('shared', 1000)),
        ]);
        expect(results.filter(Boolean)).toHaveLength(1);
        const counts = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            (i % 2 ? ledger : peer).countRequeue('LSSTComCam', 'shared', 0, 2000 + i),
          ),
        );
        expect([...counts].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        await peer.close('LSSTComCam', 'shared', 3000);
        expect(await ledger.openVisits({ instrument: 'LSSTComCam', limit: 10 })).toEqual([]);
      });
  });
}
