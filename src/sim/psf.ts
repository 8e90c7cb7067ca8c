/**
 * A Moffat point-spread function, I(r) ∝ (1 + r²/α²)^−β, the usual model of atmospheric
 * seeing (β ≈ 3.5 matches Kolmogorov turbulence wings reasonably). Stars are drawn by sampling
 * the profile at pixel centres, only within the radius where a pixel still gets ≥ ½ e⁻.
 */
export interface MoffatPsf {
  /** Full width at half maximum, pixels. */
  readonly fwhmPx: number;
  readonly beta: number;
  /** Core width α, pixels: FWHM = 2α√(2^{1/β} − 1). */
  readonly alpha: number;
  /** Peak of the unit-flux profile, per pixel: (β − 1)/(π α²). */
  readonly norm: number;
}

/** Default Moffat β. */
export const MOFFAT_BETA = 3.5;
/** Largest stamp half-size, pixels: saturated stars' wings are cut here. */
export const MAX_STAMP_RADIUS_PX = 120;

/** The Moffat profile of a given FWHM (pixels) and β. */
export function moffatPsf(fwhmPx: number, beta = MOFFAT_BETA): MoffatPsf {
  const alpha = fwhmPx / (2 * Math.sqrt(Math.pow(2, 1 / beta) - 1));
  return { fwhmPx, beta, alpha, norm: (beta - 1) / (Math.PI * alpha * alpha) };
}

/** Half-size of the stamp drawn for a source of `fluxE` electrons, pixels. */
export function stampRadius(psf: MoffatPsf, fluxE: number): number {
  const peak = fluxE * psf.norm;
  const r = peak > 0.5 ? psf.alpha * Math.sqrt(Math.pow(peak / 0.5, 1 / psf.beta) - 1) : 0;
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
  const inv = 1 / (psf.alpha * psf.alpha);
  const nb = -psf.beta;
  const r2max = (r + 0.5) * (r + 0.5);
  for (let py = ya; py <= yb; py++) {
    const dy = py - y;
    const dy2 = dy * dy;
    const row = py * width;
    for (let px = xa; px <= xb; px++) {
      const dx = px - x;
      const d2 = dx * dx + dy2;
      if (d2 > r2max) continue;
      image[row + px]! += amp * Math.exp(nb * Math.log1p(d2 * inv));
    }
  }
}
