/**
 * Centroid and second-moment shape of a footprint from its pixel sums, shared by the
 * whole-image and the banded measurement so both report the same numbers.
 */

/**
 * Sums over a footprint's pixels at offsets (px, py) from a reference pixel: Σw, Σw·px, …
 * with w the detection-image value, and Σpx, Σpy unweighted, plus the pixel count.
 */
export interface MomentSums {
  readonly n: number;
  readonly w0: number;
  readonly wx: number;
  readonly wy: number;
  readonly wxx: number;
  readonly wyy: number;
  readonly wxy: number;
  readonly ux: number;
  readonly uy: number;
}

/** Centroid offsets from the reference pixel (pixels) and SExtractor's A, B, THETA. */
export interface SourceShape {
  readonly mx: number;
  readonly my: number;
  /** Semi-major axis RMS, pixels. */
  readonly a: number;
  /** Semi-minor axis RMS, pixels. */
  readonly b: number;
  /** Position angle of the major axis, radians in (−π/2, π/2], counter-clockwise from +x. */
  readonly theta: number;
}

/**
 * Isophotal moments weighted by the detection image; if the weights sum to ≤ 0 the unweighted
 * pixel mean (with 1/12 px² variances). A near-singular moment matrix (det < 1/144) gets
 * 1/12 px² added to both variances, as SExtractor does.
 */
export function sourceShape(m: MomentSums): SourceShape {
  let mx: number;
  let my: number;
  let mxx: number;
  let myy: number;
  let mxy: number;
  if (m.w0 > 0) {
    mx = m.wx / m.w0;
    my = m.wy / m.w0;
    mxx = m.wxx / m.w0 - mx * mx;
    myy = m.wyy / m.w0 - my * my;
    mxy = m.wxy / m.w0 - mx * my;
  } else {
    mx = m.ux / m.n;
    my = m.uy / m.n;
    mxx = myy = 1 / 12;
    mxy = 0;
  }
  if (mxx * myy - mxy * mxy < 1 / 144) {
    mxx += 1 / 12;
    myy += 1 / 12;
  }
  const half = 0.5 * (mxx - myy);
  const root = Math.sqrt(half * half + mxy * mxy);
  const mean2 = 0.5 * (mxx + myy);
  return {
    mx,
    my,
    theta: mxx === myy && mxy === 0 ? 0 : 0.5 * Math.atan2(2 * mxy, mxx - myy),
    a: Math.sqrt(Math.max(0, mean2 + root)),
    b: Math.sqrt(Math.max(0, mean2 - root)),
  };
}
