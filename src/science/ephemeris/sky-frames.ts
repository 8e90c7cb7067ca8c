import { DEG, equatorialToEcliptic, sphericalOf, unitOf, type Vec3 } from './vector.js';

/**
 * ICRS → galactic rotation (Hipparcos, ESA 1997, vol. 1 §1.5.3): rows are the galactic x, y, z
 * axes in ICRS.
 */
const ICRS_TO_GALACTIC: readonly Vec3[] = [
  [-0.0548755604162154, -0.873437090234885, -0.4838350155487132],
  [0.494109427875584, -0.4448296299600112, 0.746982244497219],
  [-0.8676661490190047, -0.1980763734312015, 0.4559837761750669],
];

/** Ecliptic (J2000) longitude and latitude of an ICRS position, degrees. */
export function eclipticOfIcrs(raDeg: number, decDeg: number): { lonDeg: number; latDeg: number } {
  return sphericalOf(equatorialToEcliptic(unitOf(raDeg, decDeg)));
}

/** Galactic longitude and latitude of an ICRS position, degrees. */
export function galacticOfIcrs(raDeg: number, decDeg: number): { lonDeg: number; latDeg: number } {
  const u = unitOf(raDeg, decDeg);
  const g = ICRS_TO_GALACTIC.map((row) => row[0] * u[0] + row[1] * u[1] + row[2] * u[2]) as [
    number,
    number,
    number,
  ];
  return sphericalOf(g);
}

/** Great-circle distance between two ICRS positions, degrees. */
export function separationDeg(ra1: number, dec1: number, ra2: number, dec2: number): number {
  const a = unitOf(ra1, dec1);
  const b = unitOf(ra2, dec2);
  const c = Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
  return (2 * Math.asin(Math.min(1, c / 2))) / DEG;
}
