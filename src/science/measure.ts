import { PromptlyError } from '../core/errors.js';
import { apertureSum } from './aperture.js';
import type { Detections } from './detect.js';
import type { Image } from './image.js';
import { sourceShape } from './source-shape.js';

/** Bits of {@link SourceCatalog.flags}. */
export const SOURCE_FLAGS = {
  /** The footprint touches the image border. */
  EDGE: 1,
  /** A footprint pixel of the input image is at or above the saturation level. */
  SATURATED: 2,
  /** A NaN/∞ pixel lies in the aperture or next to the footprint (bounding box grown by 1). */
  NON_FINITE: 4,
  /** The circular aperture extends beyond the image. */
  APERTURE_TRUNCATED: 8,
} as const;

/** Options for {@link measureSources}. */
export interface MeasureOptions {
  /** Aperture radius, pixels. Default 5 (SExtractor PHOT_APERTURES is a diameter: use 2r). */
  readonly apertureRadiusPx?: number;
  /**
   * Gain, e⁻ per image unit, for the source Poisson term of the flux errors. Omitted (default):
   * no Poisson term, as SExtractor with GAIN 0. After ISR with gains applied, use 1.
   */
  readonly gain?: number;
  /** Saturation level in input-image units (background included). Omitted: never flagged. */
  readonly saturation?: number;
}

/** Columnar source catalog; row k is source id k+1 of the footprint set. */
export interface SourceCatalog {
  readonly length: number;
  /** Centroid x, 0-based pixel-centre frame (SExtractor X_IMAGE − 1). */
  readonly x: Float64Array;
  /** Centroid y, 0-based pixel-centre frame (SExtractor Y_IMAGE − 1). */
  readonly y: Float64Array;
  /** Isophotal flux: Σ background-subtracted values over the footprint, image units. */
  readonly flux: Float64Array;
  /** 1σ error of `flux`: sqrt(Σ rms² + flux/gain). */
  readonly fluxErr: Float64Array;
  /** Circular-aperture flux (exact pixel overlap) centred on (x, y), image units. */
  readonly apFlux: Float64Array;
  /** 1σ error of `apFlux`: sqrt(Σ overlap·rms² + apFlux/gain). */
  readonly apFluxErr: Float64Array;
  /** Highest background-subtracted value in the footprint, image units. */
  readonly peak: Float64Array;
  /** Footprint area, pixels. */
  readonly npix: Int32Array;
  /** Semi-major axis RMS from second moments, pixels (SExtractor A_IMAGE). */
  readonly a: Float64Array;
  /** Semi-minor axis RMS, pixels (SExtractor B_IMAGE). */
  readonly b: Float64Array;
  /** Position angle of the major axis, radians in (−π/2, π/2], counter-clockwise from +x. */
  readonly theta: Float64Array;
  /** OR of {@link SOURCE_FLAGS} bits. */
  readonly flags: Int32Array;
}

/** A catalog of `n` sources with every column zero, for a measurement to fill. */
export function emptySourceCatalog(n: number): SourceCatalog {
  return {
    length: n,
    x: new Float64Array(n),
    y: new Float64Array(n),
    flux: new Float64Array(n),
    fluxErr: new Float64Array(n),
    apFlux: new Float64Array(n),
    apFluxErr: new Float64Array(n),
    peak: new Float64Array(n),
    npix: new Int32Array(n),
    a: new Float64Array(n),
    b: new Float64Array(n),
    theta: new Float64Array(n),
    flags: new Int32Array(n),
  };
}

/**
 * Measures every footprint. Centroid and second moments are isophotal first/second moments
 * weighted by the detection image (the PSF-smoothed image when detection smoothed, as
 * SExtractor's X_IMAGE/A_IMAGE are); if the weights sum to ≤ 0 the unweighted pixel mean is
 * used. When the moment matrix is near singular (det < 1/144), 1/12 px² is added to both
 * variances, as SExtractor does. `rms` is the background RMS map (same size as the image).
 */
export function measureSources(
  image: Image,
  detections: Detections,
  rms: Image,
  options: MeasureOptions = {},
): SourceCatalog {
  const radius = options.apertureRadiusPx ?? 5;
  const gain = options.gain;
  const saturation = options.saturation ?? Infinity;
  if (!(radius > 0) || (gain !== undefined && !(gain > 0))) {
    throw new PromptlyError(
      'PROMPTLY_E_SCIENCE_OPTION_INVALID',
      'aperture radius and gain must be > 0',
    );
  }
  const { width, height } = image;
  if (rms.width !== width || rms.height !== height) {
    throw new PromptlyError('PROMPTLY_E_IMAGE_GEOMETRY', 'rms map size differs from the image');
  }
  const fp = detections.footprints;
  const n = fp.count;
  const cat = emptySourceCatalog(n);
  const raw = image.data;
  const sub = detections.subtracted.data;
  const det = detections.detection.data;
  const noise = rms.data;
  const poisson = (f: number): number => (gain !== undefined && f > 0 ? f / gain : 0);

  for (let k = 0; k < n; k++) {
    const start = fp.offsets[k]!;
    const end = fp.offsets[k + 1]!;
    const bx = fp.xMin[k]!;
    const by = fp.yMin[k]!;
    let flags = 0;
    let flux = 0;
    let var0 = 0;
    let peak = -Infinity;
    // moments about the bbox corner keep the sums well conditioned on big images
    let w0 = 0;
    let wx = 0;
    let wy = 0;
    let wxx = 0;
    let wyy = 0;
    let wxy = 0;
    let ux = 0;
    let uy = 0;
    for (let p = start; p < end; p++) {
      const i = fp.pixels[p]!;
      const px = (i % width) - bx;
      const py = Math.floor(i / width) - by;
      const v = sub[i]!;
      flux += v;
      const s = noise[i]!;
      var0 += s * s;
      if (v > peak) peak = v;
      if (raw[i]! >= saturation) flags |= SOURCE_FLAGS.SATURATED;
      const w = det[i]!;
      w0 += w;
      wx += w * px;
      wy += w * py;
      wxx += w * px * px;
      wyy += w * py * py;
      wxy += w * px * py;
      ux += px;
      uy += py;
    }
    const npix = end - start;
    const shape = sourceShape({ n: npix, w0, wx, wy, wxx, wyy, wxy, ux, uy });
    cat.theta[k] = shape.theta;
    cat.a[k] = shape.a;
    cat.b[k] = shape.b;

    const cx = shape.mx + bx;
    const cy = shape.my + by;
    cat.x[k] = cx;
    cat.y[k] = cy;
    cat.flux[k] = flux;
    cat.fluxErr[k] = Math.sqrt(var0 + poisson(flux));
    cat.peak[k] = peak;
    cat.npix[k] = npix;

    const ap = apertureSum(sub, noise, width, height, cx, cy, radius);
    cat.apFlux[k] = ap.sum;
    cat.apFluxErr[k] = Math.sqrt(ap.variance + poisson(ap.sum));
    if (ap.truncated) flags |= SOURCE_FLAGS.APERTURE_TRUNCATED;
    if (ap.hasNonFinite || nonFiniteAround(sub, width, height, fp, k))
      flags |= SOURCE_FLAGS.NON_FINITE;
    if (bx === 0 || by === 0 || fp.xMax[k] === width - 1 || fp.yMax[k] === height - 1) {
      flags |= SOURCE_FLAGS.EDGE;
    }
    cat.flags[k] = flags;
  }
  return cat;
}

function nonFiniteAround(
  data: Float32Array,
  width: number,
  height: number,
  fp: Detections['footprints'],
  k: number,
): boolean {
  const x0 = Math.max(0, fp.xMin[k]! - 1);
  const x1 = Math.min(width - 1, fp.xMax[k]! + 1);
  const y0 = Math.max(0, fp.yMin[k]! - 1);
  const y1 = Math.min(height - 1, fp.yMax[k]! + 1);
  for (let y = y0; y <= y1; y++) {
    const row = y * width;
    for (let x = x0; x <= x1; x++) {
      const v = data[row + x]!;
      if (v !== v || v === Infinity || v === -Infinity) return true;
    }
  }
  return false;
}
