import { footprint, skyToPix, type CelestialWcs } from '../wcs/index.js';
import { galaxiesInBox, type GalaxyCatalog } from './galaxy-catalog.js';
import { addGalaxy, galaxyShapePx } from './galaxy-render.js';
import { MAX_STAMP_RADIUS_PX, type MoffatPsf } from './psf.js';
import { boundingBox, type SkyModel } from './sky-catalog.js';

/** Galaxies that fall on (or within a stamp of) an image, with their pixel centres. */
export interface GalaxiesOnImage {
  readonly catalog: GalaxyCatalog;
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Local sky → pixel Jacobian per galaxy, pixels per arcsec: d(x, y)/d(east, north). */
  readonly xe: Float64Array;
  readonly xn: Float64Array;
  readonly ye: Float64Array;
  readonly yn: Float64Array;
}

/** Offset of the points the Jacobian is differenced over, arcsec. */
const STEP_ARCSEC = 1;

/** The sky's galaxies on a `width × height` image of `wcs`, with their local Jacobians. */
export function galaxiesOnImage(
  sky: SkyModel,
  wcs: CelestialWcs,
  width: number,
  height: number,
  pixelScaleArcsec: number,
): GalaxiesOnImage {
  const corners = footprint(wcs, width, height);
  const marginDeg = (MAX_STAMP_RADIUS_PX * pixelScaleArcsec) / 3600;
  const catalog = galaxiesInBox(sky, boundingBox(corners.ra, corners.dec, marginDeg));
  const n = catalog.length;
  const step = STEP_ARCSEC / 3600;
  const raE = new Float64Array(n);
  const decN = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const cos = Math.max(1e-6, Math.cos((catalog.dec[k]! * Math.PI) / 180));
    raE[k] = catalog.ra[k]! + step / cos;
    decN[k] = catalog.dec[k]! + step;
  }
  const at = skyToPix(wcs, catalog.ra, catalog.dec, { onDivergence: 'nan' });
  const east = skyToPix(wcs, raE, catalog.dec, { onDivergence: 'nan' });
  const north = skyToPix(wcs, catalog.ra, decN, { onDivergence: 'nan' });
  const diff = (a: Float64Array, b: Float64Array): Float64Array =>
    Float64Array.from(a, (v, k) => (v - b[k]!) / STEP_ARCSEC);
  return {
    catalog,
    x: at.x,
    y: at.y,
    xe: diff(east.x, at.x),
    ye: diff(east.y, at.y),
    xn: diff(north.x, at.x),
    yn: diff(north.y, at.y),
  };
}

/**
 * Draws every galaxy of `on` into `image` through the PSF `psfAt` gives at its centre, with
 * `fluxOf(k)` electrons (galaxy k of the catalog). Returns how many were drawn.
 */
export function drawGalaxies(
  image: Float32Array,
  width: number,
  height: number,
  on: GalaxiesOnImage,
  psfAt: (x: number, y: number) => MoffatPsf,
  fluxOf: (k: number) => number,
): number {
  let drawn = 0;
  const c = on.catalog;
  for (let k = 0; k < c.length; k++) {
    const x = on.x[k]!;
    const y = on.y[k]!;
    if (!(x > -MAX_STAMP_RADIUS_PX && y > -MAX_STAMP_RADIUS_PX)) continue;
    if (!(x < width + MAX_STAMP_RADIUS_PX && y < height + MAX_STAMP_RADIUS_PX)) continue;
    const jac = { xe: on.xe[k]!, xn: on.xn[k]!, ye: on.ye[k]!, yn: on.yn[k]! };
    if (!Object.values(jac).every(Number.isFinite)) continue;
    const shape = galaxyShapePx(c.reArcsec[k]!, c.axisRatio[k]!, c.paDeg[k]!, jac);
    const n = c.sersicN[k] === 4 ? 4 : 1;
    const psf = psfAt(Math.min(width - 1, Math.max(0, x)), Math.min(height - 1, Math.max(0, y)));
    addGalaxy(image, width, height, psf, n, shape, x, y, fluxOf(k));
    drawn++;
  }
  return drawn;
}
