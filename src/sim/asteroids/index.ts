export {
  ASTEROID_EPOCH_DAYS,
  ASTEROID_SLOPE_G,
  MAX_ASTEROIDS_PER_DEG2,
  NEO_FRACTION,
  PRESENCE_RADIUS_DEG,
  asteroidBandMag,
  asteroidBin,
  asteroidsNear,
  cellAsteroids,
  type AsteroidSky,
  type SeenAsteroid,
  type SimAsteroid,
} from './asteroid-population.js';
export { asteroidsOnImage, type AsteroidOnImage } from './asteroids-on-image.js';
export {
  FIELD_MARGIN_DEG,
  SAMPLE_HOURS,
  ensureKnownMovers,
  knownMoversByNight,
  writeKnownMovers,
} from './known-movers.js';
