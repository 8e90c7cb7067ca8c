import { Command, InvalidArgumentError } from 'commander';
import { PromptlyError } from '../core/errors.js';
import { FitsFile } from '../fits/index.js';
import { pixToSkyPoint, readWcs, skyToPixPoint, type CelestialWcs } from '../wcs/index.js';

/** Options shared by `wcs pix2sky` and `wcs sky2pix`. */
export interface WcsCommandOptions {
  readonly file: string;
  /** HDU index (0 = primary); default: the first HDU whose header has CTYPE1. */
  readonly hdu?: number | undefined;
  /** Print JSON instead of one plain line. */
  readonly json?: boolean | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Reads the celestial WCS of one HDU of a FITS file (compressed images included: their
 * table header carries the image's WCS keywords). Without `hdu`, the first HDU with a
 * CTYPE1 keyword. Throws PROMPTLY_E_WCS_INVALID when there is no usable WCS, and the FITS
 * reader's coded errors for unreadable files.
 */
export async function loadWcs(
  file: string,
  hdu: number | undefined,
  signal?: AbortSignal,
): Promise<{ wcs: CelestialWcs; hdu: number }> {
  const fits = await FitsFile.open(file, signal);
  try {
    if (hdu !== undefined) {
      return { wcs: readWcs((await fits.hdu(hdu, signal)).header), hdu };
    }
    const all = await fits.hdus(signal);
    const index = all.findIndex((h) => h.header.has('CTYPE1'));
    const found = all[index];
    if (found === undefined) {
      throw new PromptlyError('PROMPTLY_E_WCS_INVALID', `no HDU of ${file} has a CTYPE1 keyword`);
    }
    return { wcs: readWcs(found.header), hdu: index };
  } finally {
    await fits.close();
  }
}

/** 12 significant digits, as the CLI prints coordinates. */
function fmt(value: number): string {
  return Number.isFinite(value) ? value.toPrecision(12) : 'NaN';
}

function jsonNumber(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/**
 * `wcs pix2sky`: 0-based pixel (x, y) → `ra dec` in degrees (RADESYS frame, 12
 * significant digits), or JSON `{hdu, x, y, ra, dec, radesys}` (null for NaN).
 */
export async function runPix2Sky(
  x: number,
  y: number,
  options: WcsCommandOptions,
): Promise<string> {
  const { wcs, hdu } = await loadWcs(options.file, options.hdu, options.signal);
  const { ra, dec } = pixToSkyPoint(wcs, x, y);
  if (options.json === true) {
    return JSON.stringify({
      hdu,
      x,
      y,
      ra: jsonNumber(ra),
      dec: jsonNumber(dec),
      radesys: wcs.radesys,
    });
  }
  return `${fmt(ra)} ${fmt(dec)}`;
}

/**
 * `wcs sky2pix`: (ra, dec) in degrees → 0-based pixel `x y` (12 significant digits; NaN
 * off the projection), or JSON `{hdu, ra, dec, x, y}`. SIP is undone with AP/BP when the
 * header has them, else by Newton iteration.
 */
export async function runSky2Pix(
  ra: number,
  dec: number,
  options: WcsCommandOptions,
): Promise<string> {
  const { wcs, hdu } = await loadWcs(options.file, options.hdu, options.signal);
  const { x, y } = skyToPixPoint(wcs, ra, dec);
  if (options.json === true) {
    return JSON.stringify({ hdu, ra, dec, x: jsonNumber(x), y: jsonNumber(y) });
  }
  return `${fmt(x)} ${fmt(y)}`;
}

function finiteNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new InvalidArgumentError('not a finite number.');
  return n;
}

function hduIndex(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new InvalidArgumentError('not an HDU index (0, 1, …).');
  return n;
}

interface CliOptions {
  hdu?: number;
  json?: boolean;
}

/**
 * Adds `wcs pix2sky FILE X Y` and `wcs sky2pix FILE RA DEC` (both with `--hdu N` and
 * `--json`) to `program`. Pixels are 0-based; sky coordinates in degrees.
 */
export function registerWcsCommands(program: Command): Command {
  const wcs = program.command('wcs').description('celestial WCS (TAN, TAN-SIP) of a FITS image');
  wcs
    .command('pix2sky')
    .description('pixel → sky: prints "ra dec" in degrees')
    .argument('<file>', 'FITS file')
    .argument('<x>', '0-based pixel x (the first pixel centre is 0)', finiteNumber)
    .argument('<y>', '0-based pixel y', finiteNumber)
    .option('--hdu <n>', 'HDU index (default: first HDU with CTYPE1)', hduIndex)
    .option('--json', 'print JSON')
    .action(async (file: string, x: number, y: number, opts: CliOptions) => {
      process.stdout.write(`${await runPix2Sky(x, y, { file, hdu: opts.hdu, json: opts.json })}\n`);
    });
  wcs
    .command('sky2pix')
    .description('sky → pixel: prints 0-based "x y"')
    .argument('<file>', 'FITS file')
    .argument('<ra>', 'right ascension, degrees', finiteNumber)
    .argument('<dec>', 'declination, degrees', finiteNumber)
    .option('--hdu <n>', 'HDU index (default: first HDU with CTYPE1)', hduIndex)
    .option('--json', 'print JSON')
    .action(async (file: string, ra: number, dec: number, opts: CliOptions) => {
      process.stdout.write(
        `${await runSky2Pix(ra, dec, { file, hdu: opts.hdu, json: opts.json })}\n`,
      );
    });
  return wcs;
}
