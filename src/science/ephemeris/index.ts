export {
  C_AU_PER_DAY,
  GAUSS_K,
  GM_SUN_AU3_PER_DAY2,
  checkElements,
  checkMjd,
  invalidEphemeris,
  type OrbitalElements,
} from './orbital-elements.js';
export { elementsOfState, heliocentricState, solveKepler, type HelioState } from './kepler.js';
export { earthHeliocentric, earthVelocity, J2000_MJD } from './earth-position.js';
export {
  ephemerisAt,
  geometricDirection,
  hgMagnitude,
  mjdTtOfTai,
  mjdTtOfUtcMs,
  skyMotion,
  type Ephemeris,
  type SkyMotion,
} from './ephemeris.js';
export { orbitThrough, type OrbitThroughOptions } from './orbit-through.js';
export type { Vec3 } from './vector.js';
export {
  MAX_CATALOG_MOVERS,
  MOVER_CATALOG_FORMAT,
  moverCatalogBytes,
  predictMovers,
  readMoverCatalog,
  type KnownMover,
  type MoverPrediction,
} from './mover-catalog.js';
export { eclipticOfIcrs, galacticOfIcrs, separationDeg } from './sky-frames.js';
