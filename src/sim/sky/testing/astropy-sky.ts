import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pythonHas, REFERENCE_PYTHON } from '../../../testing/reference-python.js';
import type { Site } from '../site.js';

/** True when the reference Python has astropy (Debian package python3-astropy). */
export const HAVE_ASTROPY = pythonHas('astropy', 'numpy');

/** Why astropy checks are skipped, one line. */
export const ASTROPY_SKIP_REASON =
  'python3-astropy missing (/usr/bin/python3 cannot import astropy): astropy checks of site astronomy skipped';

/** What astropy says of a set of directions and times (see astropy-sky.py). */
export interface AstropySky {
  readonly stars: readonly { alt: number; az: number }[];
  readonly times: readonly {
    gmst: number;
    gast: number;
    sunAlt: number;
    sunAz: number;
    moonAlt: number;
    moonAz: number;
    moonIllumination: number;
  }[];
}

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'astropy-sky.py');

/** Runs astropy on ICRS stars at their times and on bare times, at `site`. */
export function astropySky(
  site: Site,
  stars: readonly { ra: number; dec: number; utcMs: number }[],
  times: readonly number[],
): AstropySky {
  return JSON.parse(
    execFileSync(REFERENCE_PYTHON, [SCRIPT], {
      input: JSON.stringify({ site, stars, times }),
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    }),
  ) as AstropySky;
}
