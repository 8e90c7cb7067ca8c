import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { pythonHas, REFERENCE_PYTHON } from '../../testing/reference-python.js';
import { Prng } from '../prng.js';
import { galacticLatitudeDeg, galacticLongitudeDeg } from './galactic.js';

const astropy = pythonHas('astropy', 'numpy');
const skipReason = astropy ? undefined : 'Debian python3-astropy is missing';
if (skipReason) console.warn(`galactic coordinates vs astropy skipped: ${skipReason}`);

const SCRIPT = `
import json, sys
from astropy.coordinates import SkyCoord
import astropy.units as u
p = json.load(sys.stdin)
g = SkyCoord(ra=p["ra"] * u.deg, dec=p["dec"] * u.deg, frame="icrs").galactic
print(json.dumps({"l": g.l.deg.tolist(), "b": g.b.deg.tolist()}))
`;

describe.skipIf(skipReason !== undefined)('galactic coordinates against astropy', () => {
  it('gives astropy’s galactic longitude and latitude within 0.002°', () => {
    const rng = new Prng(77);
    const ra = Array.from({ length: 200 }, () => rng.uniform(0, 360));
    const dec = Array.from({ length: 200 }, () => (Math.asin(rng.uniform(-1, 1)) * 180) / Math.PI);
    const out = execFileSync(REFERENCE_PYTHON, ['-c', SCRIPT], {
      input: JSON.stringify({ ra, dec }),
    }).toString();
    const ref = JSON.parse(out) as { l: number[]; b: number[] };
    ra.forEach((r, k) => {
      const b = galacticLatitudeDeg(r, dec[k]!);
      expect(Math.abs(b - ref.b[k]!)).toBeLessThan(0.002);
      // longitude is undefined at the poles: compare as an angle on the sky
      const dl = ((galacticLongitudeDeg(r, dec[k]!) - ref.l[k]! + 540) % 360) - 180;
      expect(Math.abs(dl * Math.cos((b * Math.PI) / 180))).toBeLessThan(0.002);
    });
  });
});
