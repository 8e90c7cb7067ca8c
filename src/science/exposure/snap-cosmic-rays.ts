/** Options of {@link markSnapCosmicRays}. */
export interface SnapCrOptions {
  /** A pixel seeds a cosmic ray when it exceeds the lowest snap by this many σ. Default 5.5. */
  readonly thresholdSigma?: number;
  /** Neighbours (8-connected) of a cosmic-ray pixel join it above this many σ. Default 2.5. */
  readonly growSigma?: number;
  /**
   * Extra allowance as a fraction of the lowest snap's value, for seeing and pointing changes
   * between snaps on stars (a bright star's core is never taken for a cosmic ray). Default 0.05.
   */
  readonly relativeTolerance?: number;
}

/** How a snap value's noise is known: var(v) = max(v, 0) / flat[i] + base[i]. */
export interface SnapNoise {
  /** Per-pixel read-noise (+ dark shot) variance of one snap, image units². */
  readonly base: Float32Array;
  /** The flat the snaps (e⁻) were divided by; absent = 1. Non-positive entries must be skipped. */
  readonly flat?: Float32Array | undefined;
}

/** {@link SnapNoise} whose `base` may also be one variance for every pixel (image units²). */
export interface SnapCrNoise extends Omit<SnapNoise, 'base'> {
  readonly base: Float32Array | number;
}

/**
 * Finds cosmic rays by comparing the snaps of one visit, in place: a value far above the
 * lowest snap's at that pixel (given both snaps' noise, var = 2·var(lowest)) is a cosmic ray
 * in that snap and is set to NaN there, then its neighbours (8-connected) join above `growSigma`,
 * breadth first, until no more do. Pixels with any of `skipBits` in `mask` (saturated, bad; no mask:
 * none) are left alone, as are
 * pixels that are NaN in every snap. Stars appear in every snap and so are never flagged;
 * cosmic rays that hit the same pixel in every snap are not found. Returns the number of
 * (snap, pixel) values set to NaN. Allocates only a queue of the pixels found.
 */
export function markSnapCosmicRays(
  snaps: readonly Float32Array[],
  width: number,
  height: number,
  mask: Uint32Array | undefined,
  skipBits: number,
  noise: SnapCrNoise,
  options: SnapCrOptions = {},
): number {
  const t = options.thresholdSigma ?? 5.5;
  const g = options.growSigma ?? 2.5;
  const rel = options.relativeTolerance ?? 0.05;
  const { base, flat } = noise;
  const n = width * height;
  const ns = snaps.length;
  // limit(i) for the lowest finite snap value m at i: k·σ_diff + rel·m
  const lowest = (i: number, except: number): number => {
    let m = Infinity;
    for (let s = 0; s < ns; s++) {
      if (s === except) continue;
      const v = snaps[s]![i]!;
      if (v < m) m = v; // NaN compares false
    }
    return m;
  };
  const sigmaDiff = (i: number, m: number): number =>
    Math.sqrt(
      2 * (Math.max(m, 0) / (flat ? flat[i]! : 1) + (typeof base === 'number' ? base : base[i]!)),
    );
  // seeds, then a breadth-first growth from them; the queue holds s·n + i
  const queue: number[] = [];
  const snap0 = snaps[0] ?? new Float32Array(0);
  const pair = ns === 2 ? snaps[1] : undefined;
  for (let i = 0; i < n; i++) {
    if (mask !== undefined && (mask[i]! & skipBits) !== 0) continue;
    let m = Infinity;
    let hi = -Infinity;
    if (pair !== undefined) {
      // two snaps (the usual visit): no loop over an array of arrays
      const a = snap0[i]!;
      const b = pair[i]!;
      if (a < m) m = a; // NaN compares false
      if (a > hi) hi = a;
      if (b < m) m = b;
      if (b > hi) hi = b;
    } else {
      for (let s = 0; s < ns; s++) {
        const v = snaps[s]![i]!;
        if (v < m) m = v;
        if (v > hi) hi = v;
      }
    }
    if (m === Infinity) continue;
    // the limit is never below its relative part: most sky pixels stop here, before the root
    const relPart = rel * Math.max(m, 0);
    if (t >= 0 && !(hi - m > relPart)) continue;
    const limit = t * sigmaDiff(i, m) + relPart;
    for (let s = 0; s < ns; s++) {
      const snap = snaps[s]!;
      if (snap[i]! - m > limit) {
        snap[i] = NaN;
        queue.push(s * n + i);
      }
    }
  }
  for (let head = 0; head < queue.length; head++) {
    const q = queue[head]!;
    const s = Math.floor(q / n);
    const c = q - s * n;
    const snap = snaps[s]!;
    const cx = c % width;
    const cy = (c - cx) / width;
    for (let y = Math.max(0, cy - 1); y <= Math.min(height - 1, cy + 1); y++) {
      for (let x = Math.max(0, cx - 1); x <= Math.min(width - 1, cx + 1); x++) {
        const i = y * width + x;
        const v = snap[i]!;
        if (v !== v || (mask !== undefined && (mask[i]! & skipBits) !== 0)) continue;
        const m = lowest(i, s);
        if (m === Infinity) continue;
        if (v - m > g * sigmaDiff(i, m) + rel * Math.max(m, 0)) {
          snap[i] = NaN;
          queue.push(s * n + i);
        }
      }
    }
  }
  return queue.length;
}
