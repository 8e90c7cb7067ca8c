/**
 * A Moffat point-spread function, I ∝ (1 + Q(dx, dy))^−β, the usual model of atmospheric
 * seeing (β ≈ 3.5 matches Kolmogorov turbulence wings reasonably), elliptical when the axis
 * ratio is below 1: Q = (u/α_major)² + (w/α_minor)² along the major axis u and the minor axis
 * w, with α_major = α/√q and α_minor = α√q, so the area (and the peak) is the round profile's.
 * Stars are drawn by sampling the profile at pixel centres, only within the radius where a
 * pixel still gets ≥ ½ e⁻.
 */
export interface MoffatPsf {
  /** Full width at half maximum, pixels: the geometric mean of the major and minor FWHM. */
  readonly fwhmPx: number;
  readonly beta: number;
  /** Core width α, pixels: FWHM = 2α√(2^{1/β} − 1). */
  readonly alpha: number;
  /** Peak of the unit-flux profile, per pixel: (β − 1)/(π α²). */
  readonly norm: number;
  /** Minor-to-major axis ratio, (0, 1]; 1 is round. */
  readonly axisRatio: number;
  /** Major axis, degrees counter-clockwise from the pixel +x axis. */
  readonly angleDeg: number;
  /** Q = qxx·dx² + qxy·dx·dy + qyy·dy² (pixels⁻²). */
  readonly qxx: number;
  readonly qxy: number;
  readonly qyy: number;
}

/** Default Moffat β. */
export const MOFFAT_BETA = 3.5;
/** Largest stamp half-size, pixels: saturated stars' wings are cut here. */
export const MAX_STAMP_RADIUS_PX = 120;

/**
 * The Moffat profile of a given FWHM (pixels, geometric mean of the axes) and β, round or with
 * minor-to-major `axisRatio` (0, 1] and its major axis `angleDeg` CCW from pixel +x.
 */
export function moffatPsf(
  fwhmPx: number,
  beta = MOFFAT_BETA,
  axisRatio = 1,
  angleDeg = 0,
): MoffatPsf {
  const alpha = fwhmPx / (2 * Math.sqrt(Math.pow(2, 1 / beta) - 1));
  const q = Math.min(1, Math.max(0.05, axisRatio));
  const t = (angleDeg * Math.PI) / 180;
  const c = Math.cos(t);
  const s = Math.sin(t);
  const inv2 = 1 / (alpha * alpha);
  const a = q * inv2; // 1/α_major²
  const b = inv2 / q; // 1/α_minor²
  return {
    fwhmPx,
    beta,
    alpha,
    norm: (beta - 1) / (Math.PI * alpha * alpha),
    axisRatio: q,
    angleDeg,
    qxx: a * c * c + b * s * s,
    qxy: 2 * (a - b) * c * s,
    qyy: a * s * s + b * c * c,
  };
}

/** Half-size of the stamp drawn for a source of `fluxE` electrons, pixels (major axis). */
export function stampRadius(psf: MoffatPsf, fluxE: number): number {
  const peak = fluxE * psf.norm;
  const alphaMajor = psf.alpha / Math.sqrt(psf.axisRatio);
  const r = peak > 0.5 ? alphaMajor * Math.sqrt(Math.pow(peak / 0.5, 1 / psf.beta) - 1) : 0;
  return Math.min(MAX_STAMP_RADIUS_PX, Math.max(2 * psf.fwhmPx, Math.ceil(r)));
}

/**
 * Adds a point source of `fluxE` electrons centred at (x, y) (0-based pixel centres) to
 * `image` (`width × height`, row-major), clipped to the image. No allocation.
 */
export function addPointSource(
  image: Float32Array,
  width: number,
  height: number,
  psf: MoffatPsf,
  x: number,
  y: number,
  fluxE: number,
): void {
  if (!(fluxE > 0)) return;
  const r = stampRadius(psf, fluxE);
  const xa = Math.max(0, Math.floor(x - r));
  const xb = Math.min(width - 1, Math.ceil(x + r));
  const ya = Math.max(0, Math.floor(y - r));
  const yb = Math.min(height - 1, Math.ceil(y + r));
  if (xa > xb || ya > yb) return;
  const amp = fluxE * psf.norm;
  const { qxx, qxy, qyy } = psf;
  const nb = -psf.beta;
  const r2max = (r + 0.5) * (r + 0.5);
  for (let py = ya; py <= yb; py++) {
    const dy = py - y;
    const dy2 = dy * dy;
    const qy = qyy * dy2;
    const cxy = qxy * dy;
    const row = py * width;
    for (let px = xa; px <= xb; px++) {
      const dx = px - x;
      if (dx * dx + dy2 > r2max) continue;
      image[row + px]! += amp * Math.exp(nb * Math.log1p((qxx * dx + cxy) * dx + qy));
    }
  }
}
