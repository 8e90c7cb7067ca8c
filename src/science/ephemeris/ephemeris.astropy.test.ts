import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pythonHas, REFERENCE_PYTHON } from '../../testing/reference-python.js';
import { earthHeliocentric } from './earth-position.js';
import { ephemerisAt } from './ephemeris.js';
import type { OrbitalElements } from './orbital-elements.js';
import { eclipticToEquatorial, DEG, norm, sub } from './vector.js';
import { eclipticOfIcrs, galacticOfIcrs } from './sky-frames.js';

const HAVE = pythonHas('numpy', 'astropy');
const SKIP = 'skipped: needs python3-astropy and python3-numpy (Debian packages) for the reference';
if (!HAVE) console.warn(SKIP);

const here = path.dirname(fileURLToPath(import.meta.url));
const SCRIPT = path.join(here, 'testing', 'ephemeris-reference.py');

interface RefRow {
  ra: number;
  dec: number;
  delta: number;
  r: number;
  earth: [number, number, number];
}

function reference(orbits: OrbitalElements[], times: number[]): RefRow[][] {
  const out = execFileSync(REFERENCE_PYTHON, [SCRIPT], {
    input: JSON.stringify({ orbits, times }),
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out.toString('utf8')) as RefRow[][];
}

function sepArcsec(ra1: number, dec1: number, ra2: number, dec2: number): number {
  const d = (a: number, b: number) => [
    Math.cos(b * DEG) * Math.cos(a * DEG),
    Math.cos(b * DEG) * Math.sin(a * DEG),
    Math.sin(b * DEG),
  ];
  const u = d(ra1, dec1);
  const v = d(ra2, dec2);
  const c = Math.hypot(u[0]! - v[0]!, u[1]! - v[1]!, u[2]! - v[2]!);
  return ((2 * Math.asin(c / 2)) / DEG) * 3600;
}

/** Main-belt, Hungaria-like, high-inclination, eccentric and near-Earth orbits. */
const ORBITS: OrbitalElements[] = [
  {
    epochMjdTt: 61_000,
    aAu: 2.77,
    e: 0.078,
    incDeg: 10.6,
    nodeDeg: 80.3,
    argPeriDeg: 73.6,
    meanAnomalyDeg: 150.2,
  },
  {
    epochMjdTt: 61_000,
    aAu: 2.36,
    e: 0.09,
    incDeg: 7.1,
    nodeDeg: 103.8,
    argPeriDeg: 151.2,
    meanAnomalyDeg: 20.4,
  },
  {
    epochMjdTt: 61_000,
    aAu: 3.1,
    e: 0.25,
    incDeg: 19.5,
    nodeDeg: 300.1,
    argPeriDeg: 12.0,
    meanAnomalyDeg: 280.0,
  },
  {
    epochMjdTt: 61_000,
    aAu: 1.9,
    e: 0.08,
    incDeg: 22.0,
    nodeDeg: 200.0,
    argPeriDeg: 250.0,
    meanAnomalyDeg: 5.0,
  },
  {
    epochMjdTt: 61_000,
    aAu: 1.46,
    e: 0.22,
    incDeg: 10.8,
    nodeDeg: 304.3,
    argPeriDeg: 178.9,
    meanAnomalyDeg: 110.0,
  },
];

describe('ephemerides against numpy (Kepler) and astropy (the Earth)', () => {
  // one month of a main-belt season around the epoch, and a spread of years 2020–2035
  const month = Array.from({ length: 31 }, (_, d) => 61_000 - 15 + d);
  const years = Array.from({ length: 30 }, (_, k) => 58_849 + k * 183.1);
  const times = [...month, ...years];
  const ref = HAVE ? reference(ORBITS, times) : [];

  it.skipIf(!HAVE)(
    "puts the Earth within 1.5e-4 AU of astropy's (ERFA epv00) over 2020–2035",
    () => {
      let worst = 0;
      times.forEach((t, k) => {
        const ours = eclipticToEquatorial(earthHeliocentric(t));
        worst = Math.max(worst, norm(sub(ours, ref[0]![k]!.earth)));
      });
      console.info(`Earth position: worst ${worst.toExponential(2)} AU`);
      expect(worst).toBeLessThan(1.5e-4);
    },
  );

  it.skipIf(!HAVE)(
    'gives geocentric astrometric RA/Dec within 25″ (main belt) and 60″ (near-Earth), Δ within 2e-4 AU, r within 1e-7 AU',
    () => {
      const worst: number[] = [];
      ORBITS.forEach((o, i) => {
        let w = 0;
        times.forEach((t, k) => {
          const ours = ephemerisAt(o, t);
          const r = ref[i]![k]!;
          w = Math.max(w, sepArcsec(ours.raDeg, ours.decDeg, r.ra, r.dec));
          expect(Math.abs(ours.deltaAu - r.delta)).toBeLessThan(2e-4);
          expect(Math.abs(ours.rAu - r.r)).toBeLessThan(1e-7);
        });
        worst.push(w);
      });
      console.info(
        `worst separation per orbit, arcsec: ${worst.map((w) => w.toFixed(2)).join(', ')}`,
      );
      worst.slice(0, 4).forEach((w) => expect(w).toBeLessThan(25));
      expect(worst[4]).toBeLessThan(60);
    },
  );

  it.skipIf(!HAVE)(
    'tracks a main-belt object over a month to within 2.5″ of the reference relative to its first night',
    () => {
      // the Earth model's error changes slowly: positions relative to the first night of the
      // month (what linking a track uses) agree to a few tenths of the absolute error
      for (let i = 0; i < 3; i++) {
        const o = ORBITS[i]!;
        const first = ephemerisAt(o, month[0]!);
        const r0 = ref[i]![0]!;
        let worst = 0;
        month.forEach((t, k) => {
          const ours = ephemerisAt(o, t);
          const r = ref[i]![k]!;
          const dOurs = [
            (ours.raDeg - first.raDeg) * Math.cos(first.decDeg * DEG),
            ours.decDeg - first.decDeg,
          ];
          const dRef = [(r.ra - r0.ra) * Math.cos(r0.dec * DEG), r.dec - r0.dec];
          worst = Math.max(worst, Math.hypot(dOurs[0]! - dRef[0]!, dOurs[1]! - dRef[1]!) * 3600);
        });
        console.info(`orbit ${i}: worst differential error over a month ${worst.toFixed(3)}″`);
        expect(worst).toBeLessThan(2.5);
      }
    },
  );
});

describe('sky frames against astropy', () => {
  it.skipIf(!HAVE)('gives galactic and J2000 ecliptic coordinates within 0.05″ of astropy', () => {
    const pts = [
      [0, 0],
      [83.6, 22.0],
      [266.4, -28.9],
      [150, -30],
      [310, 60],
    ] as const;
    const script = `
import json, sys
from astropy.coordinates import SkyCoord, BarycentricMeanEcliptic
import astropy.units as u
pts = json.load(sys.stdin)
c = SkyCoord([p[0] for p in pts]*u.deg, [p[1] for p in pts]*u.deg, frame='icrs')
g = c.galactic
# the J2000 mean ecliptic as a rotation of directions (barycentric: no aberration)
e = c.transform_to(BarycentricMeanEcliptic(equinox='J2000'))
json.dump([[float(a), float(b), float(x), float(y)] for a, b, x, y in zip(g.l.deg, g.b.deg, e.lon.deg, e.lat.deg)], sys.stdout)
`;
    const out = JSON.parse(
      execFileSync(REFERENCE_PYTHON, ['-c', script], { input: JSON.stringify(pts) }).toString(),
    ) as [number, number, number, number][];
    pts.forEach(([ra, dec], k) => {
      const [l, b, lon, lat] = out[k]!;
      const gal = galacticOfIcrs(ra, dec);
      const ecl = eclipticOfIcrs(ra, dec);
      expect(sepArcsec(gal.lonDeg, gal.latDeg, l, b)).toBeLessThan(0.05);
      // astropy's ecliptic includes the frame bias and IAU 2006 obliquity: ≲ 0.1″ apart
      expect(sepArcsec(ecl.lonDeg, ecl.latDeg, lon, lat)).toBeLessThan(0.2);
    });
  });
});
