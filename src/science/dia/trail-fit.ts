import type { Image } from '../image.js';
import { nelderMead } from './nelder-mead.js';
import { pixelProfile, windowAbout } from './pixel-gaussian.js';
import { fitAmplitude } from './weighted-pixels.js';

/** A trailed point source: a segment of uniform brightness seen through a Gaussian PSF. */
export interface TrailFit {
  /** Centre of the segment, 0-based pixels. */
  readonly x: number;
  readonly y: number;
  /** Total flux, image units, and its 1σ error (at the fitted geometry). */
  readonly flux: number;
  readonly fluxErr: number;
  /** Length of the segment, pixels. */
  readonly lengthPx: number;
  /** Angle of the segment from the +x axis towards +y, radians, in (−π/2, π/2]. */
  readonly angleRad: number;
  readonly chi2: number;
  readonly ndata: number;
}

/** Sub-points per pixel of trail length the segment is sampled with. */
const SAMPLES_PER_PX = 2;

/**
 * Flux of the unit-flux trail model (x, y, L, θ) fitted linearly, with χ² — the inner
 * problem of {@link fitTrail}. The segment is sampled every ½ px with pixel-integrated
 * Gaussians, which is exact for the model to far below the noise.
 */
function trailModelFit(
  image: Image,
  variance: Image,
  p: { x: number; y: number; length: number; angle: number },
  sigma: number,
  buffers: { model: Float64Array; px: Float64Array; py: Float64Array },
): { flux: number; fluxErr: number; chi2: number; ndata: number } | undefined {
  const half = p.length / 2;
  const radius = half + 3 * sigma;
  const win = windowAbout(p.x, p.y, radius, image.width, image.height);
  if (!win) return undefined;
  const nx = win.x1 - win.x0 + 1;
  const ny = win.y1 - win.y0 + 1;
  if (buffers.model.length < nx * ny) return undefined;
  const model = buffers.model.subarray(0, nx * ny).fill(0);
  const samples = Math.max(1, Math.ceil(p.length * SAMPLES_PER_PX));
  const c = Math.cos(p.angle);
  const s = Math.sin(p.angle);
  for (let k = 0; k < samples; k++) {
    const t = samples === 1 ? 0 : -half + (p.length * (k + 0.5)) / samples;
    pixelProfile(p.x + t * c, sigma, win.x0, nx, buffers.px);
    pixelProfile(p.y + t * s, sigma, win.y0, ny, buffers.py);
    for (let j = 0; j < ny; j++) {
      const pyj = buffers.py[j]! / samples;
      if (pyj < 1e-12) continue;
      for (let i = 0; i < nx; i++) model[j * nx + i]! += buffers.px[i]! * pyj;
    }
  }
  return fitAmplitude(image, variance, win, (i, j) => model[j * nx + i]!, 5);
}

/**
 * Fits a trail to an elongated source: centre, length and angle by Nelder–Mead on χ² with the
 * flux solved linearly at each step (variable projection), starting from the source's second
 * moments — for a trail of length L through a Gaussian of σ the major-axis moment is
 * σ² + L²/12. `majorPx` is the source's major-axis rms (`a`), `angleRad` its orientation.
 * Lengths are bounded to [0, 200] px. Returns undefined when the source has too few pixels.
 */
export function fitTrail(
  image: Image,
  variance: Image,
  start: { x: number; y: number; majorPx: number; angleRad: number },
  sigmaPx: number,
): TrailFit | undefined {
  if (!(sigmaPx >= 0.3 && sigmaPx <= 50))
    throw new RangeError(`sigmaPx must be in [0.3, 50], got ${sigmaPx}`);
  if (![start.x, start.y, start.majorPx, start.angleRad].every(Number.isFinite)) return undefined;
  const maxLength = 200;
  const l0 = Math.min(maxLength, Math.sqrt(Math.max(0, 12 * (start.majorPx ** 2 - sigmaPx ** 2))));
  const side = Math.ceil(2 * (maxLength / 2 + 3 * sigmaPx)) + 3;
  const buffers = {
    model: new Float64Array(side * side),
    px: new Float64Array(side),
    py: new Float64Array(side),
  };
  const geometry = (q: Float64Array) => ({
    x: q[0]!,
    y: q[1]!,
    length: Math.min(maxLength, Math.abs(q[2]!)),
    angle: q[3]!,
  });
  const cost = (q: Float64Array) => {
    const g = geometry(q);
    if (Math.hypot(g.x - start.x, g.y - start.y) > 3 + l0) return Infinity;
    return trailModelFit(image, variance, g, sigmaPx, buffers)?.chi2 ?? Infinity;
  };
  const result = nelderMead(
    cost,
    [start.x, start.y, l0, start.angleRad],
    [0.5, 0.5, Math.max(1, l0 / 4), 0.1],
    {
      tolerance: 1e-3,
      maxEvaluations: 300,
    },
  );
  const g = geometry(result.best);
  const fit = trailModelFit(image, variance, g, sigmaPx, buffers);
  if (!fit) return undefined;
  let angle = Math.atan2(Math.sin(g.angle), Math.cos(g.angle));
  if (angle <= -Math.PI / 2) angle += Math.PI;
  if (angle > Math.PI / 2) angle -= Math.PI;
  return { x: g.x, y: g.y, lengthPx: g.length, angleRad: angle, ...fit };
}
