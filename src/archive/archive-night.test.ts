import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PromptlyError } from '../core/errors.js';
import { archiveLayout } from './archive-layout.js';
import { waitArchiveDrained } from './archive-drain.js';
import { readReceipt, receiptNames } from './dbb/dbb-receipt.js';
import { sha256Hex } from './files/durable-file.js';
import type { ImageComplete } from './image-complete.js';
import { archiveNight, type ArchiveNight } from './testing/archive-night.js';

let night: ArchiveNight | undefined;
afterEach(async () => {
  await night?.close();
  night = undefined;
});

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const origin of await readdir(dir).catch(() => [] as string[]))
    for (const f of await readdir(join(dir, origin)).catch(() => [] as string[])) out.push(f);
  return out;
}

describe('the archive path over a night', () => {
  it('loses nothing through a 10-minute summit–base outage and a killed archive controller', async () => {
    let killedNotice: ImageComplete | undefined;
    let killed!: () => void;
    const killedNow = new Promise<void>((resolve) => (killed = resolve));
    night = await archiveNight({
      visits: 5,
      overrides: {
        sim: { faults: ['corrupt-file@1', 'missing-header@4'] },
      },
      base: {
        controllerHooks: {
          // the controller dies after linking its first image, before removing the original
          beforeUnlink: (notice) => {
            if (killedNotice) return Promise.resolve();
            killedNotice = notice;
            killed();
            return Promise.reject(
              new PromptlyError('PROMPTLY_E_ABORTED', 'archive controller killed'),
            );
          },
        },
      },
    });
    const n = night;
    // the link goes down for 10 minutes as the fifth image lands in the DAQ, before the writer
    // can send it: however late the renders run, that image and what follows are missed
    let captured = 0;
    n.summitArchive.daq.onCapture(() => {
      if (++captured === 5) n.summitArchive.link.takeDown(600_000);
    });
    const observing = n.observe();
    await killedNow;
    await n.base.close(); // the dead controller's notice goes back to its queue
    await n.restartBase();
    await observing;
    const state = await waitArchiveDrained({
      instrument: n.config.instrument,
      root: n.config.archive.root,
      summit: n.summitArchive,
      daq: n.summitArchive.daq,
      oodsRepo: n.oodsRepo,
      dbbStore: n.dbbStore,
      bus: n.bus,
    });

    // every image the camera took: in the DBB, and in the OODS or quarantined
    const images = (await n.summitArchive.daq.list(n.config.instrument)).length;
    expect(images).toBeGreaterThanOrEqual(8);
    expect(state.images).toBe(images);
    expect(state.notInDbb).toEqual([]);
    expect(state.notInOods).toEqual([]);
    expect(state.inDbb).toBe(images);
    expect(state.inOods + state.quarantined).toBe(images);

    // the outage made the writer miss images; the catch-up archiver backfilled them
    expect(n.summitArchive.link.outages).toBe(1);
    expect(n.summitArchive.writer.missed).toBeGreaterThan(0);
    expect(n.summitArchive.catchUp.backfilled).toBeGreaterThanOrEqual(
      n.summitArchive.writer.missed,
    );

    // each receipt’s checksum is that of the bytes in long-term storage
    const names = await receiptNames(n.dbbStore, n.config.instrument);
    expect(names.size).toBe(images);
    for (const name of names) {
      const r = (await readReceipt(n.dbbStore, n.config.instrument, name))!;
      expect(sha256Hex(await n.dbbStore.get(r.key))).toBe(r.sha256);
      expect(r.sizeBytes).toBeGreaterThan(0);
    }
    expect(names.has(killedNotice!.image)).toBe(true);

    // the corrupt file is quarantined with a coded reason; the late header is flagged
    const layout = archiveLayout(n.config.archive.root);
    const reasons = (await filesUnder(layout.oodsQuarantine)).filter((f) =>
      f.endsWith('.reason.json'),
    );
    expect(reasons.length).toBe(1);
    const origin = (await readdir(layout.oodsQuarantine))[0]!;
    const reason = JSON.parse(
      await readFile(join(layout.oodsQuarantine, origin, reasons[0]!), 'utf8'),
    );
    expect(reason.code).toMatch(/^PROMPTLY_E_FITS_/);
    expect(n.summitArchive.writer.incomplete).toBeGreaterThan(0);

    // nothing left in the hand-off area or either staging area
    expect(await filesUnder(layout.handoff)).toEqual([]);
    expect(await filesUnder(layout.oodsStaging)).toEqual([]);
    expect(await filesUnder(layout.dbbStaging)).toEqual([]);
  }, 120_000);
});
