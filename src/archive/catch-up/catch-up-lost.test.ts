import { afterEach, describe, expect, it } from 'vitest';
import { decodeJson } from '../../bus/codec.js';
import { ARCHIVE_EVENTS_STREAM } from '../archive-topology.js';
import { archiveNight, type ArchiveNight } from '../testing/archive-night.js';

let night: ArchiveNight | undefined;
afterEach(async () => {
  await night?.close();
  night = undefined;
});

describe('catch-up archiver', () => {
  it('reports every image the DAQ dropped before it reached the DBB, with a code', async () => {
    // the link stays down longer than the DAQ keeps images: nothing can be backfilled
    night = await archiveNight({
      visits: 2,
      overrides: {
        sim: { faults: ['link-outage@0:3600'] },
        archive: { daqRetentionMs: 60_000, catchUpIntervalMs: 30_000 },
      },
    });
    const n = night;
    const lost = new Set<string>();
    const sub = await n.bus.readStream(ARCHIVE_EVENTS_STREAM, {
      deliver: { kind: 'all' },
      filter: 'archive.event.lost.>',
    });
    await n.observe();
    await n.summitArchive.writer.idle();
    const captured = n.summitArchive.writer.missed;
    expect(captured).toBeGreaterThan(0);
    for await (const m of sub) {
      const e = decodeJson(m.data) as { image: string; code: string };
      expect(e.code).toBe('PROMPTLY_E_ARCHIVE_UNRECOVERABLE');
      lost.add(e.image);
      if (lost.size === captured) break;
    }
    await sub.close();
    expect(await n.summitArchive.daq.list(n.config.instrument)).toEqual([]);
    expect(n.summitArchive.catchUp.lost.sort()).toEqual([...lost].sort());
    expect(n.summitArchive.catchUp.backfilled).toBe(0);
  }, 120_000);
});
