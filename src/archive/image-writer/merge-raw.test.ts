import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  bytesSource,
  makeImageHdu,
  primaryHdu,
  quickScan,
  verifyFits,
  writeFits,
} from '../../fits/index.js';
import { pythonHas, REFERENCE_PYTHON } from '../../testing/reference-python.js';
import { METADATA_INCOMPLETE_KEYWORD, mergeRaw } from './merge-raw.js';

const HAVE_ASTROPY = pythonHas('astropy');
if (!HAVE_ASTROPY)
  console.warn('merge-raw astropy check skipped: apt package python3-astropy not installed');

const dir = mkdtempSync(join(tmpdir(), 'promptly-merge-raw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function daqRaw(): Promise<Uint8Array> {
  const pixels = new Int32Array(40 * 30).map((_, i) => (i * 31) % 5000);
  return writeFits([
    primaryHdu([
      ['INSTRUME', 'LSSTComCam'],
      ['OBSID', 'CC_O_20261203_000001'],
      ['RA', 0, 'placeholder the header service replaces'],
    ]),
    makeImageHdu(pixels, [40, 30], { extname: 'Segment10' }),
    makeImageHdu(
      pixels.map((v) => v + 1),
      [40, 30],
      { extname: 'Segment11' },
    ),
  ]);
}

describe('mergeRaw', () => {
  it('merges the header service cards (replacing in place) and checksums every HDU', async () => {
    const out = mergeRaw(
      await daqRaw(),
      [
        ['RA', 150.5, 'boresight'],
        ['FILTER', 'r_03'],
      ],
      0,
    );
    const scan = quickScan(out);
    expect(scan.primary.get('RA')).toBe(150.5);
    expect(scan.primary.get('FILTER')).toBe('r_03');
    expect(scan.primary.keys().indexOf('RA')).toBeLessThan(scan.primary.keys().indexOf('FILTER'));
    expect(scan.primary.has(METADATA_INCOMPLETE_KEYWORD)).toBe(false);
    const results = await verifyFits(bytesSource(out));
    expect(results.map((r) => [r.checksum, r.datasum])).toEqual([
      ['ok', 'ok'],
      ['ok', 'ok'],
      ['ok', 'ok'],
    ]);
    // the pixels are copied, not decoded: data units are byte-identical
    const before = quickScan(await daqRaw());
    for (const [i, h] of scan.hdus.entries()) {
      const b = before.hdus[i]!;
      expect(out.subarray(h.dataOffset, h.dataOffset + h.dataSize)).toEqual(
        (await daqRaw()).subarray(b.dataOffset, b.dataOffset + b.dataSize),
      );
    }
  });

  it('flags a raw written without its metadata, and is deterministic', async () => {
    const a = mergeRaw(await daqRaw(), undefined, 1_000);
    expect(quickScan(a).primary.get(METADATA_INCOMPLETE_KEYWORD)).toBe(true);
    expect(mergeRaw(await daqRaw(), undefined, 1_000)).toEqual(a);
  });

  it.skipIf(!HAVE_ASTROPY)('astropy verifies every CHECKSUM and DATASUM it wrote', async () => {
    const path = join(dir, 'merged.fits');
    writeFileSync(path, mergeRaw(await daqRaw(), [['RA', 1.25]], 0));
    const script = [
      'import sys',
      'from astropy.io import fits',
      'with fits.open(sys.argv[1], checksum=True) as h:',
      '    print(" ".join(f"{x.verify_checksum()}{x.verify_datasum()}" for x in h))',
    ].join('\n');
    const printed = execFileSync(REFERENCE_PYTHON, ['-c', script, path], { encoding: 'utf8' });
    expect(printed.trim()).toBe('11 11 11'); // 1 = verified, for each HDU
  });
});
