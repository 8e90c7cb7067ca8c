import { PromptlyError } from '../core/errors.js';
import type { CelestialWcs } from './celestial-wcs.js';
import { footprint } from './footprint.js';
import { makeTanWcs } from './make-tan-wcs.js';
import { pixToSky } from './transforms.js';

/** What defines a sky map: every process that builds one from it gets the same patches. */
export interface SkyMapSpec {
  /** Name, e.g. `promptly-4k`: letters, digits, `-`, `_` (1..64). */
  readonly name: string;
  /** Distance between patch centres in Dec, pixels (integer 64..65 536). */
  readonly stepPx: number;
  /** Pixel scale of every patch, arcseconds per pixel (0.01..10). */
  readonly pixelScaleArcsec: number;
}

/** A sky patch: a square TAN image centred on a grid point of the sky map. */
export interface SkyPatch {
  /** Non-negative integer id, `(decIndex + 100000) × 1000000 + raIndex`. */
  readonly id: number;
  /** Centre, degrees (ICRS). */
  readonly ra: number;
  readonly dec: number;
  /** Side of the patch image, pixels (includes the overlap margin). */
  readonly sizePx: number;
  readonly wcs: CelestialWcs;
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Checks a spec from outside (JSON of a `skyMap` dataset): PROMPTLY_E_WCS_INVALID if off. */
export function checkSkyMapSpec(value: unknown): SkyMapSpec {
  const v = value as Partial<SkyMapSpec> | null;
  const ok =
    typeof v === 'object' &&
    v !== null &&
    typeof v.name === 'string' &&
    NAME.test(v.name) &&
    Number.isInteger(v.stepPx) &&
    v.stepPx! >= 64 &&
    v.stepPx! <= 65_536 &&
    typeof v.pixelScaleArcsec === 'number' &&
    v.pixelScaleArcsec >= 0.01 &&
    v.pixelScaleArcsec <= 10;
  if (!ok)
    throw new PromptlyError(
      'PROMPTLY_E_WCS_INVALID',
      `not a sky map spec (name, stepPx 64..65536, pixelScaleArcsec 0.01..10): ${JSON.stringify(value)?.slice(0, 200)}`,
    );
  return { name: v.name, stepPx: v.stepPx!, pixelScaleArcsec: v.pixelScaleArcsec };
}

/**
 * A tessellation of the sky into overlapping square patches, like a Butler skymap's tracts and
 * patches in one level: centres every `stepPx` pixels in Dec and `stepPx / cos Dec` in RA;
 * each patch image is `stepPx + 2 × margin` square (margin = stepPx / 8), so neighbours
 * overlap and any region smaller than a step lies within one patch. Templates live on its
 * patches (dataset `template`, dimension `patch`); the simulator writes the spec as dataset
 * `skyMap` so the pipeline finds the same patches.
 */
export class SkyMap {
  readonly spec: SkyMapSpec;
  readonly stepDeg: number;
  readonly sizePx: number;

  constructor(spec: SkyMapSpec) {
    this.spec = checkSkyMapSpec(spec);
    this.stepDeg = (spec.stepPx * spec.pixelScaleArcsec) / 3600;
    this.sizePx = spec.stepPx + 2 * Math.ceil(spec.stepPx / 8);
  }

  #raStep(j: number): number {
    const dec = j * this.stepDeg;
    const n = Math.max(1, Math.floor((360 * Math.cos((dec * Math.PI) / 180)) / this.stepDeg));
    return 360 / n;
  }

  /** The patch at Dec index `j` and RA index `i`. */
  patch(j: number, i: number): SkyPatch {
    const dec = j * this.stepDeg;
    const ra = i * this.#raStep(j);
    const c = (this.sizePx - 1) / 2;
    return {
      id: (j + 100000) * 1_000_000 + i,
      ra,
      dec,
      sizePx: this.sizePx,
      wcs: makeTanWcs({
        crval: [ra, dec],
        crpix: [c, c],
        scaleArcsecPerPx: this.spec.pixelScaleArcsec,
        rotationDeg: 0,
      }),
    };
  }

  /** The patch with this id (PROMPTLY_E_WCS_INVALID when no patch has it). */
  patchById(id: number): SkyPatch {
    const j = Math.floor(id / 1_000_000) - 100000;
    const i = id % 1_000_000;
    const valid =
      Number.isSafeInteger(id) &&
      id >= 0 &&
      Math.abs(j * this.stepDeg) <= 90 &&
      i < Math.round(360 / this.#raStep(j));
    if (!valid)
      throw new PromptlyError(
        'PROMPTLY_E_WCS_INVALID',
        `no patch ${id} in sky map ${this.spec.name}`,
      );
    return this.patch(j, i);
  }

  /** Patches whose step cell contains any of the points (ra, dec in degrees). */
  covering(ra: ArrayLike<number>, dec: ArrayLike<number>): SkyPatch[] {
    const found = new Map<number, SkyPatch>();
    for (let k = 0; k < ra.length; k++) {
      const j = Math.round(dec[k]! / this.stepDeg);
      const step = this.#raStep(j);
      const i = Math.round((((ra[k]! % 360) + 360) % 360) / step) % Math.round(360 / step);
      const p = this.patch(j, i);
      found.set(p.id, p);
    }
    return [...found.values()];
  }

  /** Patches covering an image: its corners, edge midpoints and a 5 × 5 grid inside. */
  patchesForImage(wcs: CelestialWcs, width: number, height: number): SkyPatch[] {
    const n = 5;
    const xs = new Float64Array(n * n);
    const ys = new Float64Array(n * n);
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        xs[a * n + b] = ((width - 1) * a) / (n - 1);
        ys[a * n + b] = ((height - 1) * b) / (n - 1);
      }
    }
    const sky = footprint(wcs, width, height);
    const inner = pixToSky(wcs, xs, ys);
    return this.covering([...sky.ra, ...inner.ra], [...sky.dec, ...inner.dec]);
  }
}
