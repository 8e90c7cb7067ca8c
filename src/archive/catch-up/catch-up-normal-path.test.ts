import { afterEach, describe, expect, it } from 'vitest';
import { waitArchiveDrained } from '../archive-drain.js';
import { archiveQueuesIdle } from '../archive-topology.js';
import { archiveNight, type ArchiveNight } from '../testing/archive-night.js';

let night: ArchiveNight | undefined;
afterEach(async () => {
  await night?.close();
  night = undefined;
});

describe('catch-up archiver and the normal path', () => {
  it('leaves images the writer handed off to the archive queues while they hold work, however old', async () => {
    night = await archiveNight({ visits: 1 });
    const n = night;
    // the base half is away: every hand-off waits on its durable queue
    await n.base.close();
    await n.observe();
    await n.summitArchive.writer.idle();
    const written = n.summitArchive.writer.written;
    expect(written).toBeGreaterThan(0);
    expect(await archiveQueuesIdle(n.bus)).toBe(false);
    // no grace at all: still nothing to backfill, the work is the normal path's
    const pass = await n.summitArchive.catchUp.reconcile(0);
    expect(pass).toMatchObject({ missing: 0, backfilled: 0 });
    // the base half comes back and archives each image once, from its queue
    await n.restartBase();
    const state = await waitArchiveDrained({
      instrument: n.config.instrument,
      root: n.config.archive.root,
      daq: n.summitArchive.daq,
      dbbStore: n.dbbStore,
      oodsRepo: n.oodsRepo,
      bus: n.bus,
      summit: n.summitArchive,
      recheckMs: 200,
    });
    expect(state).toMatchObject({ images: written, inDbb: written, notInDbb: [] });
    expect(n.summitArchive.catchUp.backfilled).toBe(0);
  }, 120_000);
});
