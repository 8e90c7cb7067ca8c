import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { FitsFile } from '../fits/index.js';
import {
  firstDifference,
  funpack,
  haveTools,
  makeImage,
  readPlainPixels,
  tempDir,
} from '../fits/compress/testing/tools.js';
import { parseTile, registerFitsConvert } from './fits-convert.js';

const tmp = tempDir('promptly-cli-convert-');
afterAll(() => tmp.remove());
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

/** Runs `promptly fits convert …args` in process; returns what it printed. */
async function run(args: string[]): Promise<{ out: string; err: string }> {
  const program = new Command().exitOverride();
  const fits = program.command('fits').exitOverride();
  registerFitsConvert(fits).exitOverride();
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  await program.parseAsync(['node', 'promptly', 'fits', 'convert', ...args]);
  vi.restoreAllMocks();
  return { out, err };
}

async function compressionOf(path: string, hdu: number): Promise<unknown> {
  const f = await FitsFile.open(path);
  try {
    return (await f.hdu(hdu)).header.get('ZCMPTYPE');
  } finally {
    await f.close();
  }
}

describe('parseTile', () => {
  it('reads WxH and WxHxD shapes and refuses zero or junk', () => {
    expect(parseTile('300x1')).toEqual([300, 1]);
    expect(parseTile('64X64x2')).toEqual([64, 64, 2]);
    expect(() => parseTile('0x5')).toThrow();
    expect(() => parseTile('axb')).toThrow();
  });
});

describe.skipIf(!haveTools)('promptly fits convert', () => {
  it('compresses with each algorithm and tile shape so that funpack restores the image', async () => {
    const input = makeImage(tmp.dir, 'cli.fits', 16, 300, 200);
    const original = await readPlainPixels(input, 0);
    for (const [algo, zcmp] of [
      ['rice', 'RICE_1'],
      ['gzip', 'GZIP_1'],
      ['gzip2', 'GZIP_2'],
    ] as const) {
      const out = join(tmp.dir, `cli.${algo}.fz`);
      const res = await run([input, out, '--compress', algo, '--tile', '64x48']);
      expect(res.err).toBe('');
      expect(res.out).toContain('HDU 0: compressed');
      expect(await compressionOf(out, 1)).toBe(zcmp);
      expect(firstDifference(await readPlainPixels(funpack(out, `${out}.fits`), 0), original)).toBe(
        -1,
      );
    }
  });

  it('decompresses with --compress none like funpack', async () => {
    const input = makeImage(tmp.dir, 'cli2.fits', 32, 300, 200);
    const fz = join(tmp.dir, 'cli2.fz');
    await run([input, fz]);
    const back = join(tmp.dir, 'cli2.back.fits');
    const res = await run([fz, back, '--compress', 'none']);
    expect(res.out).toContain('HDU 1: decompressed');
    expect(firstDifference(await readPlainPixels(back, 0), await readPlainPixels(input, 0))).toBe(
      -1,
    );
  });

  it('quantizes float images at the asked level with dither 2', async () => {
    const input = makeImage(tmp.dir, 'cli3.fits', -32, 300, 200, ['--zeros', '0.05']);
    const out = join(tmp.dir, 'cli3.fz');
    await run([input, out, '--quantize', '8', '--dither', '2', '--seed', '17']);
    const f = await FitsFile.open(out);
    const h = (await f.hdu(1)).header;
    await f.close();
    expect(h.get('ZQUANTIZ')).toBe('SUBTRACTIVE_DITHER_2');
    expect(h.get('ZDITHER0')).toBe(17);
    const theirs = await readPlainPixels(funpack(out, `${out}.fits`), 0);
    const orig = await readPlainPixels(input, 0);
    for (let i = 0; i < orig.length; i++) if (orig[i] === 0) expect(theirs[i]).toBe(0);
  });

  it('prints a coded error and exits 1 for a file that is not FITS', async () => {
    const bad = join(tmp.dir, 'bad.fits');
    writeFileSync(bad, 'this is not a FITS file'.padEnd(2880, ' '));
    const res = await run([bad, join(tmp.dir, 'never.fits')]);
    expect(res.err).toMatch(/^PROMPTLY_E_FITS_/);
    expect(process.exitCode).toBe(1);
  });

  it('rejects an unknown --compress value before touching any file', async () => {
    await expect(run(['a.fits', 'b.fits', '--compress', 'lzma'])).rejects.toThrow(/one of rice/);
  });
});
