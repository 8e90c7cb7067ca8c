import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readReceipt } from '../dbb/dbb-receipt.js';
import { writeFileDurably } from '../files/durable-file.js';
import { baseFixture, type BaseFixture } from '../testing/base-fixture.js';
import { testRaw } from '../testing/test-raw.js';

let f: BaseFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

const PARTIAL = '.CC_O_20261203_000009_R22_S11.fits.partial-0a1b2c';

describe('a file still being written', () => {
  it('is never linked, ingested or copied, by the scans at start or by the queues', async () => {
    f = await baseFixture();
    const bytes = await testRaw('LSSTComCam', 'CC_O_20261203_000009', 9);
    const half = bytes.subarray(0, bytes.length >> 1);
    // half-written files in the hand-off area and in both staging areas, as a writer leaves them
    for (const dir of [f.layout.handoff, f.layout.oodsStaging, f.layout.dbbStaging]) {
      await mkdir(join(dir, 'ComCam'), { recursive: true });
      await writeFile(join(dir, 'ComCam', PARTIAL), half);
    }
    // and one held between its write and its rename while everything scans
    const held = join(f.layout.handoff, 'ComCam', 'CC_O_20261203_000010_R22_S11.fits');
    let release!: () => void;
    let inPlace!: () => void;
    const isHeld = new Promise<void>((r) => (inPlace = r));
    const writing = writeFileDurably(held, bytes, () => {
      inPlace();
      return new Promise<void>((r) => (release = r));
    });
    await isHeld;
    const base = await f.start(); // start-up scans of hand-off and staging areas
    expect(await base.controller.scan()).toBe(0);
    expect(await base.oods.scan()).toBe(0);
    expect(await base.dbb.scan()).toBe(0);

    // a whole image through the queues: once it is archived and ingested, every step has run
    const other = await testRaw('LSSTComCam', 'CC_O_20261203_000011', 11);
    await f.complete('CC_O_20261203_000011_R22_S11', other);
    await f.event('archived', 'CC_O_20261203_000011_R22_S11');
    await f.event('ingested', 'CC_O_20261203_000011_R22_S11');

    for (const dir of [f.layout.handoff, f.layout.oodsStaging, f.layout.dbbStaging]) {
      expect(await readdir(join(dir, 'ComCam'))).toContain(PARTIAL);
      expect(new Uint8Array(await readFile(join(dir, 'ComCam', PARTIAL)))).toEqual(half);
    }
    expect(
      (await readdir(join(f.layout.oodsStaging, 'ComCam'))).filter((n) => !n.startsWith('.')),
    ).toEqual([]);
    expect(
      await readReceipt(f.dbbStore, 'LSSTComCam', 'CC_O_20261203_000009_R22_S11'),
    ).toBeUndefined();
    expect(
      await readReceipt(f.dbbStore, 'LSSTComCam', 'CC_O_20261203_000010_R22_S11'),
    ).toBeUndefined();
    const raws = await f.oodsRepo.registry.queryDatasets('raw', {
      collections: ['LSSTComCam/raw/oods'],
    });
    expect(raws.map((r) => r.uri)).toEqual([
      'raw/LSSTComCam/20261203/CC_O_20261203_000011_R22_S11.fits',
    ]);

    // released, the held file appears whole under its final name
    release();
    await writing;
    expect(new Uint8Array(await readFile(held))).toEqual(bytes);
  });
});
