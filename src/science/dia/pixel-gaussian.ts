/**
 * Gaussian point sources integrated over square pixels: the model PSF photometry and the
 * trail and dipole fits use. Pixel centres are at integer coordinates, so pixel `i` spans
 * [i − 0.5, i + 0.5]; a source at (x0, y0) with Gaussian σ puts `Φx(i) · Φy(j)` of its flux in
 * pixel (i, j), where Φx(i) = Φ((i + 0.5 − x0)/σ) − Φ((i − 0.5 − x0)/σ).
 */

/** The error function, |error| < 1.2·10⁻⁷ (Numerical Recipes' erfc Chebyshev fit). */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t *
                              (-1.13520398 +
                                t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}

/** Standard normal cumulative distribution. */
export function normalCdf(x: number): number {
  return 0.5 * (1 + erf(x / Math.SQRT2));
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * Fractions of a unit 1-D Gaussian (centre `c`, σ) falling in pixels `first .. first+n−1`,
 * written to `out`, and when `dOut` is given their derivatives with respect to `c`.
 */
export function pixelProfile(
  c: number,
  sigma: number,
  first: number,
  n: number,
  out: Float64Array,
  dOut?: Float64Array,
): void {
  const inv = 1 / sigma;
  let lowerCdf = normalCdf((first - 0.5 - c) * inv);
  let lowerPdf = Math.exp(-0.5 * ((first - 0.5 - c) * inv) ** 2) * INV_SQRT_2PI;
  for (let i = 0; i < n; i++) {
    const u = (first + i + 0.5 - c) * inv;
    const upperCdf = normalCdf(u);
    const upperPdf = Math.exp(-0.5 * u * u) * INV_SQRT_2PI;
    out[i] = upperCdf - lowerCdf;
    if (dOut) dOut[i] = -(upperPdf - lowerPdf) * inv;
    lowerCdf = upperCdf;
    lowerPdf = upperPdf;
  }
}

/** A square fitting window of pixels around a position, clipped to the image. */
export interface FitWindow {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** The window of half-size `radius` about (x, y), clipped to a `width × height` image. */
export function windowAbout(
  x: number,
  y: number,
  radius: number,
  width: number,
  height: number,
): FitWindow | undefined {
  const x0 = Math.max(0, Math.floor(x - radius));
  const x1 = Math.min(width - 1, Math.ceil(x + radius));
  const y0 = Math.max(0, Math.floor(y - radius));
  const y1 = Math.min(height - 1, Math.ceil(y + radius));
  return x1 >= x0 && y1 >= y0 ? { x0, y0, x1, y1 } : undefined;
}
