import { REFERENCE_PYTHON } from '../../testing/reference-python.js';
/**
 * Runs Debian's `source-extractor` on a float32 image (test helper). The image goes through a
 * small astropy script to become FITS; config, parameter list and convolution kernel are
 * written into a temp dir that is removed afterwards.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SOURCE_EXTRACTOR = '/usr/bin/source-extractor';
export const SYSTEM_PYTHON = REFERENCE_PYTHON;
const RAW_TO_FITS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'raw-to-fits.py');

/** True when source-extractor and Debian's python (with astropy) are both present. */
export function sourceExtractorAvailable(): boolean {
  if (!fs.existsSync(SOURCE_EXTRACTOR) || !fs.existsSync(SYSTEM_PYTHON)) return false;
  try {
    execFileSync(SYSTEM_PYTHON, ['-c', 'import astropy, numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface SexRow {
  readonly x: number;
  readonly y: number;
  readonly fluxIso: number;
  readonly fluxAper: number;
  readonly fluxErrAper: number;
  /** ISOAREAF_IMAGE: pixels in the (filtered) detection footprint. */
  readonly isoArea: number;
  readonly background: number;
  readonly a: number;
  readonly b: number;
  readonly flags: number;
}

export interface SexConfig {
  /** DETECT_THRESH, in units of the unfiltered background σ. */
  readonly detectThresh: number;
  readonly minArea: number;
  /** Square 2-D convolution kernel, row-major, odd size; omitted = FILTER N. */
  readonly kernel2d?: { size: number; values: Float32Array };
  /** PHOT_APERTURES (a diameter), pixels. */
  readonly apertureDiameterPx: number;
  readonly backSize: number;
  readonly backFilterSize: number;
}

const PARAMS = [
  'X_IMAGE',
  'Y_IMAGE',
  'FLUX_ISO',
  'FLUX_APER(1)',
  'FLUXERR_APER(1)',
  'ISOAREAF_IMAGE',
  'BACKGROUND',
  'A_IMAGE',
  'B_IMAGE',
  'FLAGS',
];

/** Runs source-extractor and returns its catalogue rows (X/Y still 1-based FITS pixels). */
export function runSourceExtractor(
  data: Float32Array,
  width: number,
  height: number,
  config: SexConfig,
): SexRow[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promptly-sex-'));
  try {
    const raw = path.join(dir, 'image.raw');
    const fitsPath = path.join(dir, 'image.fits');
    fs.writeFileSync(raw, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    execFileSync(SYSTEM_PYTHON, [RAW_TO_FITS, raw, String(width), String(height), fitsPath]);
    fs.writeFileSync(path.join(dir, 'sex.param'), PARAMS.join('\n') + '\n');
    let filterLines = 'FILTER N\n';
    if (config.kernel2d) {
      const { size, values } = config.kernel2d;
      const rows: string[] = ['CONV NORM', '# promptly test kernel'];
      for (let r = 0; r < size; r++) {
        rows.push(
          Array.from(values.subarray(r * size, (r + 1) * size), (v) => v.toExponential(8)).join(
            ' ',
          ),
        );
      }
      fs.writeFileSync(path.join(dir, 'kernel.conv'), rows.join('\n') + '\n');
      filterLines = 'FILTER Y\nFILTER_NAME kernel.conv\n';
    }
    const sex = [
      'CATALOG_NAME cat.txt',
      'CATALOG_TYPE ASCII_HEAD',
      'PARAMETERS_NAME sex.param',
      'DETECT_TYPE CCD',
      `DETECT_MINAREA ${config.minArea}`,
      `DETECT_THRESH ${config.detectThresh}`,
      `ANALYSIS_THRESH ${config.detectThresh}`,
      filterLines.trimEnd(),
      'DEBLEND_NTHRESH 32',
      'DEBLEND_MINCONT 1.0',
      'CLEAN N',
      'MASK_TYPE NONE',
      `PHOT_APERTURES ${config.apertureDiameterPx}`,
      'SATUR_LEVEL 1e20',
      'GAIN 0',
      'PIXEL_SCALE 0',
      'SEEING_FWHM 1.0',
      'BACK_TYPE AUTO',
      `BACK_SIZE ${config.backSize}`,
      `BACK_FILTERSIZE ${config.backFilterSize}`,
      'BACKPHOTO_TYPE GLOBAL',
      'CHECKIMAGE_TYPE NONE',
      'VERBOSE_TYPE QUIET',
      'WRITE_XML N',
      'NTHREADS 1',
    ].join('\n');
    fs.writeFileSync(path.join(dir, 'default.sex'), sex + '\n');
    execFileSync(SOURCE_EXTRACTOR, [fitsPath, '-c', 'default.sex'], { cwd: dir, stdio: 'pipe' });
    return parseCatalog(fs.readFileSync(path.join(dir, 'cat.txt'), 'utf8'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function parseCatalog(text: string): SexRow[] {
  const rows: SexRow[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const v = line.trim().split(/\s+/).map(Number);
    rows.push({
      x: v[0]!,
      y: v[1]!,
      fluxIso: v[2]!,
      fluxAper: v[3]!,
      fluxErrAper: v[4]!,
      isoArea: v[5]!,
      background: v[6]!,
      a: v[7]!,
      b: v[8]!,
      flags: v[9]!,
    });
  }
  return rows;
}
