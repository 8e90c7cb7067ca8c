import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Header, makeBinaryTableHdu, makeImageHdu, writeFits } from '../fits/index.js';
import { registerFitsCommands } from './fits-command.js';
import { runFitsHeader, runFitsInfo, runFitsVerify } from './fits-inspect.js';

const FPACK = '/usr/bin/fpack';
let dir = '';
let good = '';
let bad = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'promptly-fits-cli-'));
  good = join(dir, 'good.fits');
  bad = join(dir, 'bad.fits');
  const extra = new Header().set('OBJECT', 'M31', 'target').set('ESO DET CHIP', 'CCD 1');
  const bytes = await writeFits(
    [
      makeImageHdu(
        Int32Array.from({ length: 40 * 30 }, (_, i) => i),
        [40, 30],
        { header: extra },
      ),
      makeBinaryTableHdu([{ name: 'flux', values: Float32Array.from([1, 2]) }], { extname: 'CAT' }),
    ],
    { checksum: true },
  );
  writeFileSync(good, bytes);
  const corrupt = bytes.slice();
  corrupt[2880 + 100] = corrupt[2880 + 100]! ^ 0xff;
  writeFileSync(bad, corrupt);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

describe('promptly fits info / header / verify', () => {
  it('lists HDUs with kind, dimensions and BITPIX, as text and JSON', async () => {
    const text = await runFitsInfo(good);
    expect(text).toMatch(/0 {2}PRIMARY +image +40x30 +BITPIX=32/);
    expect(text).toMatch(/1 {2}CAT +binary table +4x2 +BITPIX=8 TFIELDS=1/);
    const json = JSON.parse(await runFitsInfo(good, { json: true })) as {
      kind: string;
      axes: number[];
    }[];
    expect(json.map((h) => [h.kind, h.axes])).toEqual([
      ['image', [40, 30]],
      ['bintable', [4, 2]],
    ]);
  });

  it.skipIf(!existsSync(FPACK))(
    'shows ZCMPTYPE, ZBITPIX and ZNAXISn of an fpack-compressed image (skipped without fpack)',
    async () => {
      const packed = join(dir, 'packed.fits');
      writeFileSync(packed, readFileSync(good));
      execFileSync(FPACK, ['-r', '-D', '-Y', packed], { stdio: 'ignore' });
      const text = await runFitsInfo(`${packed}.fz`);
      expect(text).toMatch(/compressed image .*ZCMPTYPE=RICE_1 ZBITPIX=32 ZNAXIS=40x30/);
    },
  );

  it('prints a header as 80-character cards ending with END', async () => {
    const lines = (await runFitsHeader(good)).split('\n');
    expect(lines.every((l) => l.length === 80)).toBe(true);
    expect(lines[0]).toMatch(/^SIMPLE {2}= +T/);
    expect(lines).toContain("OBJECT  = 'M31     '           / target".padEnd(80));
    expect(lines.some((l) => l.startsWith('HIERARCH ESO DET CHIP = '))).toBe(true);
    expect(lines.at(-1)).toBe('END'.padEnd(80));
    expect((await runFitsHeader(good, { hdu: 1 })).split('\n')[0]).toMatch(/^XTENSION= 'BINTABLE'/);
  });

  it('verifies good checksums and flags a corrupted data unit', async () => {
    expect((await runFitsVerify(good)).ok).toBe(true);
    const report = await runFitsVerify(bad);
    expect(report.ok).toBe(false);
    expect(report.results[0]).toMatchObject({ checksum: 'bad', datasum: 'bad' });
    expect(report.results[1]).toMatchObject({ checksum: 'ok', datasum: 'ok' });
  });

  it('exits non-zero with a coded message when verify fails or the file is missing', async () => {
    const stderr: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
      stderr.push(String(s));
      return true;
    });
    const program = new Command().exitOverride();
    registerFitsCommands(program);
    await program.parseAsync(['node', 'promptly', 'fits', 'verify', bad]);
    expect(process.exitCode).toBe(1);
    expect(stderr.join('')).toMatch(/^PROMPTLY_E_FITS_CHECKSUM: /);
    process.exitCode = undefined;
    await program.parseAsync(['node', 'promptly', 'fits', 'info', join(dir, 'missing.fits')]);
    expect(process.exitCode).toBe(1);
    expect(stderr.join('')).toMatch(/PROMPTLY_E_STORE_NOT_FOUND: /);
  });
});

describe('promptly fits command group', () => {
  it('includes info, header, verify and convert', () => {
    const program = new Command();
    const fits = registerFitsCommands(program);
    expect(fits.commands.map((c) => c.name()).sort()).toEqual([
      'convert',
      'header',
      'info',
      'verify',
    ]);
  });
});
