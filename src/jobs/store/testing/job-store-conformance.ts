import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../job.js';
import type { JobStore } from '../job-store.js';

/** A job record for tests: PENDING, owner `alice`, created at `createdMs`. */
export function testJob(
  jobId: string,
  createdMs: number,
  extra: Partial<JobRecord> = {},
): JobRecord {
  return {
    jobId,
    owner: 'alice',
    type: 'echo',
    phase: 'PENDING',
    parameters: { message: 'hi', count: 3, loud: false },
    resources: { cores: 1, memoryMiB: 256, timeLimitS: 60 },
    dependencies: [{ kind: 'archived', instrument: 'LATISS', image: 'LATISS_1_0' }],
    gateTimeoutMs: 60_000,
    createdMs,
    results: [],
    ...extra,
  };
}

/**
 * The one JobStore conformance suite: every backend runs it unchanged. `makeStore` gives a
 * fresh, empty store; `openPeer` a second handle on the same storage (a restarted manager).
 */
export function runJobStoreConformance(
  name: string,
  makeStore: () => Promise<JobStore>,
  openPeer: (first: JobStore) => Promise<JobStore>,
): void {
  describe(`JobStore conformance: ${name}`, () => {
    let store: JobStore;
    const extra: JobStore[] = [];
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      for (const s of extra.splice(0)) await s.dispose();
      await store.dispose();
    });

    it('stores a job and gives it back field for field, also to a second handle', async () => {
      const job = testJob('j1', 1000, { runId: 'night-1', idempotencyKey: 'k1' });
      expect(await store.create(job)).toEqual({ job, created: true });
      expect(await store.get('j1')).toEqual(job);
      const peer = await openPeer(store);
      extra.push(peer);
      expect(await peer.get('j1')).toEqual(job);
      expect(await store.get('nope')).toBeUndefined();
    });

    it('returns the first job for a repeated idempotency key of the same owner, and only then', async () => {
      await store.create(testJob('j1', 1000, { idempotencyKey: 'k' }));
      const again = await store.create(testJob('j2', 2000, { idempotencyKey: 'k' }));
      expect(again.created).toBe(false);
      expect(again.job.jobId).toBe('j1');
      expect(await store.get('j2')).toBeUndefined();
      expect((await store.findByKey('alice', 'k'))?.jobId).toBe('j1');
      expect(await store.findByKey('alice', 'other')).toBeUndefined();
      // another owner's key is another key; no key never collides
      expect(
        (await store.create(testJob('j3', 3000, { owner: 'bob', idempotencyKey: 'k' }))).created,
      ).toBe(true);
      expect((await store.create(testJob('j4', 4000))).created).toBe(true);
      expect((await store.create(testJob('j5', 5000))).created).toBe(true);
    });

    it('changes a phase only from the phases named, so one of two racing changes wins', async () => {
      await store.create(testJob('j1', 1000));
      const queued = await store.transition('j1', ['PENDING'], {
        phase: 'QUEUED',
        backend: 'local',
        batchId: '42',
      });
      expect(queued).toMatchObject({ phase: 'QUEUED', backend: 'local', batchId: '42' });
      const [a, b] = await Promise.all([
        store.transition('j1', ['QUEUED', 'EXECUTING'], { phase: 'ABORTED', endedMs: 5 }),
        store.transition('j1', ['QUEUED', 'EXECUTING'], {
          phase: 'ERROR',
          endedMs: 6,
          error: { type: 'fatal', code: 'PROMPTLY_E_JOB_EXIT', message: 'exit 1' },
        }),
      ]);
      expect([a, b].filter((x) => x !== undefined)).toHaveLength(1);
      const ended = await store.get('j1');
      expect(['ABORTED', 'ERROR']).toContain(ended?.phase);
      expect(await store.transition('j1', ['PENDING'], { phase: 'QUEUED' })).toBeUndefined();
      expect(await store.transition('missing', ['PENDING'], { phase: 'QUEUED' })).toBeUndefined();
      const done = await store.transition('j1', [ended?.phase ?? 'ERROR'], {
        phase: ended?.phase ?? 'ERROR',
        exitCode: 3,
        results: [{ id: 'out/a.txt', sizeBytes: 12 }],
      });
      expect(done).toMatchObject({ exitCode: 3, results: [{ id: 'out/a.txt', sizeBytes: 12 }] });
    });

    it('lists newest first, by owner, phase, type and creation time, within the limit', async () => {
      await store.create(testJob('a1', 1000));
      await store.create(testJob('a2', 2000, { type: 'other' }));
      await store.create(testJob('b1', 3000, { owner: 'bob' }));
      await store.transition('a1', ['PENDING'], { phase: 'COMPLETED', endedMs: 10 });
      const ids = (jobs: readonly JobRecord[]): string[] => jobs.map((j) => j.jobId);
      expect(ids(await store.list({ limit: 10 }))).toEqual(['b1', 'a2', 'a1']);
      expect(ids(await store.list({ limit: 2 }))).toEqual(['b1', 'a2']);
      expect(ids(await store.list({ owner: 'alice', limit: 10 }))).toEqual(['a2', 'a1']);
      expect(ids(await store.list({ phases: ['COMPLETED'], limit: 10 }))).toEqual(['a1']);
      expect(ids(await store.list({ type: 'other', limit: 10 }))).toEqual(['a2']);
      expect(
        ids(await store.list({ createdFromMs: 2000, createdBeforeMs: 3000, limit: 10 })),
      ).toEqual(['a2']);
    });

    it('finds the unfinished jobs of an owner or of everyone, oldest first, and removes a job', async () => {
      await store.create(testJob('a1', 1000));
      await store.create(testJob('a2', 2000));
      await store.create(testJob('b1', 3000, { owner: 'bob' }));
      await store.transition('a2', ['PENDING'], { phase: 'EXECUTING', startedMs: 5 });
      await store.transition('a1', ['PENDING'], { phase: 'ABORTED', endedMs: 6 });
      expect((await store.unfinished()).map((j) => j.jobId)).toEqual(['a2', 'b1']);
      expect((await store.unfinished('alice')).map((j) => j.jobId)).toEqual(['a2']);
      expect(await store.countUnfinished('alice')).toBe(1);
      expect(await store.countUnfinished('bob')).toBe(1);
      expect(await store.countUnfinished('carol')).toBe(0);
      await store.remove('a1');
      expect(await store.get('a1')).toBeUndefined();
    });
  });
}
