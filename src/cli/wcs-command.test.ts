import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPromptlyError } from '../core/errors.js';
import { seededRandom } from '../core/seeded-random.js';
import {
  astropyAvailable,
  REFERENCE_PYTHON,
  runAstropy,
  separationDeg,
} from '../wcs/testing/astropy-reference.js';
import { randomHeader } from '../wcs/testing/random-headers.js';
import { registerWcsCommands, runPix2Sky, runSky2Pix } from './wcs-command.js';

const WRITER = fileURLToPath(new URL('../wcs/testing/write-wcs-fits.py', import.meta.url));
const available = astropyAvailable();
if (!available) console.warn('skipping wcs CLI tests: /usr/bin/python3 cannot import astropy');

describe.skipIf(!available)('promptly wcs pix2sky / sky2pix (skipped without astropy)', () => {
  const header = randomHeader(seededRandom(5), { crval: [201.5, -43.1], form: 'cd', sipOrder: 3 });
  const pixel = [1234.25, 987.5] as const;
  const sky = [201.49, -43.08] as const;
  let dir = '';
  let file = '';
  let ref: ReturnType<typeof runAstropy>['cases'][number];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'promptly-wcs-cli-'));
    file = join(dir, 'image.fits');
    writeFileSync(join(dir, 'header.json'), JSON.stringify(header));
    execFileSync(REFERENCE_PYTHON, [WRITER, join(dir, 'header.json'), file], { stdio: 'ignore' });
    ref = runAstropy(
      [{ header, pix: { x: [pixel[0]], y: [pixel[1]] }, sky: { ra: [sky[0]], dec: [sky[1]] } }],
      1e-11,
    ).cases[0]!;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints ra and dec with 12 significant digits, agreeing with astropy', async () => {
    const line = await runPix2Sky(pixel[0], pixel[1], { file });
    expect(line).toMatch(/^\d+\.\d+ -\d+\.\d+$/);
    const [ra, dec] = line.split(' ').map(Number) as [number, number];
    expect(line.split(' ')[0]!.replace('.', '')).toHaveLength(12);
    expect(separationDeg(ra, dec, ref.pix2world.ra[0]!, ref.pix2world.dec[0]!)).toBeLessThan(1e-8);
  });

  it('finds the first HDU with a WCS when --hdu is not given, and reads compressed HDUs', async () => {
    const auto = JSON.parse(await runPix2Sky(pixel[0], pixel[1], { file, json: true })) as Record<
      string,
      unknown
    >;
    expect(auto.hdu).toBe(1);
    const compressed = JSON.parse(
      await runPix2Sky(pixel[0], pixel[1], { file, hdu: 2, json: true }),
    ) as Record<string, number>;
    expect(compressed.ra).toBe(auto.ra);
    expect(compressed.dec).toBe(auto.dec);
  });

  it('prints 0-based x and y, agreeing with astropy all_world2pix', async () => {
    const json = JSON.parse(await runSky2Pix(sky[0], sky[1], { file, json: true })) as Record<
      string,
      number
    >;
    expect(Math.abs(json.x! - ref.world2pix.x[0]!)).toBeLessThan(1e-6);
    expect(Math.abs(json.y! - ref.world2pix.y[0]!)).toBeLessThan(1e-6);
    const line = await runSky2Pix(sky[0], sky[1], { file });
    expect(Number(line.split(' ')[0])).toBeCloseTo(json.x!, 6);
  });

  it('fails with PROMPTLY_E_WCS_INVALID for an HDU without a WCS', async () => {
    const err = await runPix2Sky(0, 0, { file, hdu: 0 }).catch((e: unknown) => e);
    expect(isPromptlyError(err, 'PROMPTLY_E_WCS_INVALID')).toBe(true);
  });

  it('parses the command line, negative numbers included, and rejects non-numbers', async () => {
    const program = new Command().exitOverride();
    program.configureOutput({ writeErr: () => undefined });
    registerWcsCommands(program);
    const writes: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    process.stdout.write = (chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    };
    try {
      await program.parseAsync(
        ['wcs', 'sky2pix', file, String(sky[0]), String(sky[1]), '--hdu', '1'],
        {
          from: 'user',
        },
      );
    } finally {
      process.stdout.write = original;
    }
    expect(writes.join('')).toBe(`${await runSky2Pix(sky[0], sky[1], { file })}\n`);
    await expect(
      program.parseAsync(['wcs', 'pix2sky', file, 'ten', '3'], { from: 'user' }),
    ).rejects.toThrow(/not a finite number/);
  });
});
