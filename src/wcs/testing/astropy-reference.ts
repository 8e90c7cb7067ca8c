import { REFERENCE_PYTHON, pythonHas } from '../../testing/reference-python.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Debian's Python, which has astropy (the python3 first on PATH may not). */
export { REFERENCE_PYTHON };
const SCRIPT = fileURLToPath(new URL('./astropy-wcs.py', import.meta.url));

/** True when /usr/bin/python3 can import astropy.wcs. */
export function astropyAvailable(): boolean {
  return pythonHas('astropy.wcs');
}

export type HeaderRecord = Record<string, string | number>;

export interface ReferenceCase {
  readonly header: HeaderRecord;
  readonly pix: { x: number[]; y: number[] };
  readonly sky: { ra: number[]; dec: number[] };
  readonly footprint?: readonly [number, number];
}

type Column = Array<number | null>;

export interface ReferenceResult {
  readonly pix2world: { ra: Column; dec: Column };
  readonly world2pix: { x: Column; y: Column };
  readonly world2pixPoly: { x: Column; y: Column } | null;
  readonly footprint: { ra: Column; dec: Column } | null;
  readonly footprintEdges: { ra: Column; dec: Column } | null;
}

/**
 * Runs astropy.wcs on every case in one Python process: `all_pix2world(…, 0)`,
 * `all_world2pix(…, 0, tolerance)`, the AP/BP chain (`wcs_world2pix` then
 * `sip_foc2pix`) and `calc_footprint` (pixel centres and pixel edges).
 */
export function runAstropy(
  cases: readonly ReferenceCase[],
  tolerancePx: number,
): { astropy: string; cases: ReferenceResult[] } {
  const dir = mkdtempSync(join(tmpdir(), 'promptly-wcs-'));
  try {
    const input = join(dir, 'in.json');
    const output = join(dir, 'out.json');
    writeFileSync(input, JSON.stringify({ tolerance: tolerancePx, cases }));
    execFileSync(REFERENCE_PYTHON, [SCRIPT, input, output], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    return JSON.parse(readFileSync(output, 'utf8')) as {
      astropy: string;
      cases: ReferenceResult[];
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Angular separation in degrees of two (ra, dec) points in degrees (Vincenty form). */
export function separationDeg(ra1: number, dec1: number, ra2: number, dec2: number): number {
  const d2r = Math.PI / 180;
  const dra = (ra2 - ra1) * d2r;
  const p1 = dec1 * d2r;
  const p2 = dec2 * d2r;
  const num1 = Math.cos(p2) * Math.sin(dra);
  const num2 = Math.cos(p1) * Math.sin(p2) - Math.sin(p1) * Math.cos(p2) * Math.cos(dra);
  const den = Math.sin(p1) * Math.sin(p2) + Math.cos(p1) * Math.cos(p2) * Math.cos(dra);
  return Math.atan2(Math.hypot(num1, num2), den) / d2r;
}
