/** A cartesian 3-vector (units and frame as each use states). */
export type Vec3 = readonly [number, number, number];

export const DEG = Math.PI / 180;

export function add(a: Vec3, b: Vec3): Vec3 {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}
export function sub(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}
export function scale(a: Vec3, k: number): Vec3 {
  return [a[0] * k, a[1] * k, a[2] * k];
}
export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
export function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}
export function norm(a: Vec3): number {
  return Math.hypot(a[0], a[1], a[2]);
}
export function unit(a: Vec3): Vec3 {
  return scale(a, 1 / norm(a));
}

/** Degrees wrapped into [0, 360). */
export function wrap360(deg: number): number {
  const w = deg % 360;
  return w < 0 ? w + 360 : w === 360 ? 0 : w;
}

/** Obliquity of the ecliptic at J2000 (84381.448″, IAU 1976, as the MPC uses), degrees: the ecliptic↔ICRS rotation. */
export const OBLIQUITY_J2000_DEG = 84381.448 / 3600;

/** J2000 ecliptic → ICRS equatorial (the frame bias, ≈ 0.02″, is neglected). */
export function eclipticToEquatorial(v: Vec3): Vec3 {
  const c = Math.cos(OBLIQUITY_J2000_DEG * DEG);
  const s = Math.sin(OBLIQUITY_J2000_DEG * DEG);
  return [v[0], c * v[1] - s * v[2], s * v[1] + c * v[2]];
}

/** ICRS equatorial → J2000 ecliptic. */
export function equatorialToEcliptic(v: Vec3): Vec3 {
  const c = Math.cos(OBLIQUITY_J2000_DEG * DEG);
  const s = Math.sin(OBLIQUITY_J2000_DEG * DEG);
  return [v[0], c * v[1] + s * v[2], -s * v[1] + c * v[2]];
}

/** Longitude and latitude of a vector, degrees: [0, 360) and [−90, +90]. */
export function sphericalOf(v: Vec3): { lonDeg: number; latDeg: number } {
  return {
    lonDeg: wrap360(Math.atan2(v[1], v[0]) / DEG),
    latDeg: Math.atan2(v[2], Math.hypot(v[0], v[1])) / DEG,
  };
}

/** The unit vector of a longitude and latitude, degrees. */
export function unitOf(lonDeg: number, latDeg: number): Vec3 {
  const l = lonDeg * DEG;
  const b = latDeg * DEG;
  return [Math.cos(b) * Math.cos(l), Math.cos(b) * Math.sin(l), Math.sin(b)];
}
