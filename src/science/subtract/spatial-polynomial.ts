/**
 * Polynomials over a detector in normalised coordinates ξ = 2x/(W − 1) − 1, η = 2y/(H − 1) − 1
 * (x, y in 0-based pixels, so ξ, η ∈ [−1, 1]), terms of total degree ≤ order in the order
 * 1, ξ, η, ξ², ξη, η² (order ≤ 2).
 */

/** Number of terms of a polynomial of total degree ≤ `order` in two variables. */
export function polyTermCount(order: number): number {
  return ((order + 1) * (order + 2)) / 2;
}

/** The terms at pixel (x, y) of a `width × height` detector, into `out`. */
export function polyTerms(
  order: number,
  x: number,
  y: number,
  width: number,
  height: number,
  out: Float64Array,
): Float64Array {
  const xi = width > 1 ? (2 * x) / (width - 1) - 1 : 0;
  const eta = height > 1 ? (2 * y) / (height - 1) - 1 : 0;
  out[0] = 1;
  if (order >= 1) {
    out[1] = xi;
    out[2] = eta;
  }
  if (order >= 2) {
    out[3] = xi * xi;
    out[4] = xi * eta;
    out[5] = eta * eta;
  }
  return out;
}

/** ∂/∂x and ∂/∂y (per pixel) of each term at (x, y), into `dx`, `dy`. */
export function polyGradient(
  order: number,
  x: number,
  y: number,
  width: number,
  height: number,
  dx: Float64Array,
  dy: Float64Array,
): void {
  const sx = width > 1 ? 2 / (width - 1) : 0;
  const sy = height > 1 ? 2 / (height - 1) : 0;
  const xi = sx * x - 1;
  const eta = sy * y - 1;
  dx.fill(0);
  dy.fill(0);
  if (order >= 1) {
    dx[1] = sx;
    dy[2] = sy;
  }
  if (order >= 2) {
    dx[3] = 2 * xi * sx;
    dx[4] = eta * sx;
    dy[4] = xi * sy;
    dy[5] = 2 * eta * sy;
  }
}
