import { REFERENCE_PYTHON } from '../../../testing/reference-python.js';
/**
 * Test helpers: temp dirs, the numpy image generator, and the cfitsio command-line tools
 * (fpack, funpack) used as the independent reference.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FitsFile } from '../../hdu/fits-file.js';
import { pixelsFromBigEndian, type ImageBitpix, type ImagePixels } from '../pixels.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Python with numpy and astropy (Debian's, not the first on PATH). */
export const PYTHON = REFERENCE_PYTHON;

/** True when fpack, funpack and numpy/astropy are all installed. */
export const haveTools =
  existsSync('/usr/bin/fpack') && existsSync('/usr/bin/funpack') && existsSync(PYTHON);

/** A fresh temp directory and its remover. */
export function tempDir(prefix = 'promptly-fz-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes a test image with testing/make-image.py; returns its path. */
export function makeImage(
  dir: string,
  name: string,
  bitpix: number,
  width: number,
  height: number,
  extra: string[] = [],
): string {
  const out = join(dir, name);
  execFileSync(PYTHON, [
    join(here, 'make-image.py'),
    out,
    String(bitpix),
    String(width),
    String(height),
    ...extra,
  ]);
  return out;
}

/** Runs fpack with `args` on `input`, writing `output`. */
export function fpack(args: string[], input: string, output: string): string {
  execFileSync('/usr/bin/fpack', [...args, '-O', output, input], { stdio: 'pipe' });
  return output;
}

/** Runs funpack on `input`, writing `output`. */
export function funpack(input: string, output: string): string {
  execFileSync('/usr/bin/funpack', ['-O', output, input], { stdio: 'pipe' });
  return output;
}

/** The pixels of HDU `index` of an uncompressed FITS file, decoded from big-endian. */
export async function readPlainPixels(path: string, index = 0): Promise<ImagePixels> {
  const f = await FitsFile.open(path);
  try {
    const hdu = await f.hdu(index);
    return pixelsFromBigEndian(await f.readData(hdu), hdu.bitpix);
  } finally {
    await f.close();
  }
}

/** Index of the first differing pixel (NaN equals NaN; +0 and −0 differ), or −1. */
export function firstDifference(a: ImagePixels, b: ImagePixels): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

/** Stored pixels of HDU `index` as astropy reads them (compressed or not), unscaled. */
export function astropyPixels(path: string, index: number, bitpix: ImageBitpix): ImagePixels {
  const out = `${path}.${index}.raw`;
  execFileSync(PYTHON, [join(here, 'astropy-pixels.py'), path, String(index), out]);
  const bytes = new Uint8Array(readFileSync(out));
  return pixelsFromBigEndian(bytes, bitpix);
}
