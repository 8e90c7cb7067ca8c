import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QUARANTINE_PREFIX } from './raw-ingest.js';
import { startPromptFixture, type PromptFixture } from '../testing/prompt-fixture.js';
import { formatRawKey } from '../../core/raw-key.js';

describe('a visit-detector ends in exactly one recorded outcome', () => {
  let f: PromptFixture;
  beforeEach(async () => {
    f = await startPromptFixture();
  });
  afterEach(async () => {
    await f.close();
  });

  it('processes a visit whose raw lands after the next_visit', async () => {
    const visit = f.nextVisit();
    await f.service.fanout.accept(visit);
    await f.writeRaw(visit, 0, 0);
    const outcome = await f.outcome(visit.groupId, 0);
    expect(outcome.kind).toBe('processed');
    expect(outcome.snaps).toEqual([0]);
    expect(outcome.pipeline).toBe('Noop');
    expect(outcome.marks.pipelineStartMs).toBeGreaterThanOrEqual(
      outcome.marks.snapArrivedMs?.[0] ?? Infinity,
    );
  });

  it('still processes raws that arrived before their next_visit', async () => {
    const visit = f.nextVisit({ nimages: 2 });
    await f.writeRaw(visit, 0, 0);
    await f.writeRaw(visit, 0, 1);
    await f.service.fanout.accept(visit);
    const outcome = await f.outcome(visit.groupId, 0);
    expect(outcome.kind).toBe('processed');
    expect(outcome.snaps).toEqual([0, 1]);
  });

  it('ingests a snap once when its arrival notice comes twice', async () => {
    const visit = f.nextVisit({ nimages: 2, duration: 1 });
    await f.service.fanout.accept(visit);
    const key = await f.writeRaw(visit, 0, 0);
    const bytes = await f.backends.rawStore.get(key);
    await f.backends.rawStore.put(key, bytes); // same object again: a second, duplicate notice
    await f.writeRaw(visit, 0, 1);
    const outcome = await f.outcome(visit.groupId, 0);
    expect(outcome.kind).toBe('processed');
    expect(outcome.snaps).toEqual([0, 1]);
    const ingested = f.statusEvents.filter(
      (e) => e.activity === 'snap.ingested' && e.group === visit.groupId,
    );
    expect(ingested.map((e) => e.detail?.snap)).toEqual([0, 1]);
    const raws = await f.backends.local.registry.queryDatasets('raw', {
      collections: [`LATISS/raw/${visit.groupId}/0`],
    });
    expect(raws).toHaveLength(2);
  });

  it('records timed_out when a snap never arrives', async () => {
    const visit = f.nextVisit({ nimages: 2 });
    await f.service.fanout.accept(visit);
    await f.writeRaw(visit, 0, 0);
    const outcome = await f.outcome(visit.groupId, 0);
    expect(outcome.kind).toBe('timed_out');
    expect(outcome.code).toBe('PROMPTLY_E_VISIT_TIMED_OUT');
    expect(outcome.snaps).toEqual([0]);
  });

  it('records a failed ingest and moves a corrupt raw aside, leaving other visits alone', async () => {
    const bad = f.nextVisit();
    const good = f.nextVisit();
    await f.service.fanout.accept(bad);
    await f.service.fanout.accept(good);
    const key = formatRawKey({ instrument: 'LATISS', detector: 0, group: bad.groupId, snap: 0 });
    const bytes = await f.rawBytes(bad, 0, 0);
    await f.backends.rawStore.put(key, bytes.subarray(0, 5000)); // truncated mid-data
    await f.writeRaw(good, 0, 0);
    const outcome = await f.outcome(bad.groupId, 0);
    expect(outcome.kind).toBe('failed');
    expect(outcome.code).toBe('PROMPTLY_E_RAW_CORRUPT');
    expect(await f.backends.rawStore.head(key)).toBeUndefined();
    expect(await f.backends.rawStore.head(`${QUARANTINE_PREFIX}${key}`)).toBeDefined();
    expect((await f.outcome(good.groupId, 0)).kind).toBe('processed');
  });

  it('waits to the deadline when the number of snaps is unknown, then processes what came', async () => {
    const visit = f.nextVisit({ nimages: 0 });
    await f.service.fanout.accept(visit);
    await f.writeRaw(visit, 0, 0);
    const outcome = await f.outcome(visit.groupId, 0);
    expect(outcome.kind).toBe('processed');
    expect(outcome.snaps).toEqual([0]);
  });

  it('records timed_out when the number of snaps is unknown and none came', async () => {
    const visit = f.nextVisit({ nimages: 0 });
    await f.service.fanout.accept(visit);
    const outcome = await f.outcome(visit.groupId, 0);
    expect(outcome.kind).toBe('timed_out');
    expect(outcome.snaps).toEqual([]);
  });

  it('records skipped when the selection rules give no pipeline', async () => {
    const visit = f.nextVisit({ survey: 'SKIP' });
    await f.service.fanout.accept(visit);
    const outcome = await f.outcome(visit.groupId, 0);
    expect(outcome.kind).toBe('skipped');
  });

  it('records one outcome when the same work item is delivered again', async () => {
    const visit = f.nextVisit();
    await f.service.fanout.accept(visit);
    await f.writeRaw(visit, 0, 0);
    const first = await f.outcome(visit.groupId, 0);
    // A redelivery of the same item (as after a crash before ack) finds the recorded outcome.
    await f.backends.bus.publish(
      'work.visit.LATISS',
      new TextEncoder().encode(JSON.stringify({ ...visit, detector: 0 })),
    );
    await expect
      .poll(() => f.statusEvents.some((e) => e.activity === 'item.already_done'))
      .toBe(true);
    const refs = await f.backends.central.registry.queryDatasets('outcome', {
      collections: ['LATISS/prompt/outcomes'],
    });
    expect(refs.filter((r) => r.dataId.group === visit.groupId)).toHaveLength(1);
    expect((await f.outcome(visit.groupId, 0)).marks.outcomeMs).toBe(first.marks.outcomeMs);
  });
});

describe('a worker slot that throws', () => {
  it('gets its item redelivered, then dead-lettered after the max, and recorded as failed', async () => {
    const f = await startPromptFixture({ worker: { maxDeliveries: 3 } });
    try {
      const local = f.backends.local;
      local.put = () => Promise.reject(new Error('local disk is gone'));
      const visit = f.nextVisit();
      await f.writeRaw(visit, 0, 0);
      await f.service.fanout.accept(visit);
      const outcome = await f.outcome(visit.groupId, 0, 20_000);
      expect(outcome.kind).toBe('failed');
      expect(outcome.code).toBe('PROMPTLY_E_WORKER_SLOT_CRASHED');
      expect(outcome.deliveries).toBe(3);
      const crashes = f.statusEvents.filter(
        (e) => e.activity === 'slot.crashed' && e.group === visit.groupId,
      );
      expect(crashes.map((e) => e.detail?.deliveries)).toEqual([1, 2, 3]);
    } finally {
      await f.close();
    }
  });
});
