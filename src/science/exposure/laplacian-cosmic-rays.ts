import { SCRATCH_BIT } from './saturation.js';
import type { SnapNoise } from './snap-cosmic-rays.js';

/**
 * Options of {@link markLaplacianCosmicRays} (names as astroscrappy's; sigClip and sigFrac
 * stricter than its 4.5 and 0.3, which give ~100 false pixels per 10⁶ on a sky-limited field).
 */
export interface LaplacianCrOptions {
  /** Threshold on the Laplacian significance S′, σ. Default 5.5. */
  readonly sigClip?: number;
  /** Neighbours join a cosmic ray above sigFrac·sigClip. Default 0.5. */
  readonly sigFrac?: number;
  /**
   * Minimum contrast of the Laplacian against the fine-structure image (L⁺/2 over
   * med3 − med7∘med3, both in σ): what keeps compact stars from being taken for cosmic rays.
   * Raise it for undersampled PSFs (FWHM ≲ 2 px). Default 5.
   */
  readonly objLim?: number;
  /** Detection passes, each on the image cleaned by the previous. Default 4. */
  readonly iterations?: number;
}

/**
 * Single-image cosmic-ray detection by Laplacian edges (van Dokkum 2001, L.A.Cosmic): the
 * Laplacian of the 2×-subsampled image, negatives clipped (L⁺), in units of the noise
 * (S = L⁺ / 2N, N from the 5×5 median through the noise model), minus its 5×5 median (S′);
 * candidates have S′ > sigClip and L⁺ sharper than the fine structure of stars by objLim;
 * grown to 8-connected neighbours above sigClip, then above sigFrac·sigClip. Found pixels are
 * replaced by the median of their clean 5×5 neighbourhood for the next pass, and at the end
 * set to NaN (for the caller to interpolate). Pixels with `skipBits` are neither tested nor
 * used. Works on candidates only: a pixel whose L⁺ cannot reach sigClip even at the lowest
 * noise is never examined. `scratch` (width × height) holds L⁺. Returns pixels found.
 */
export function markLaplacianCosmicRays(
  image: Float32Array,
  width: number,
  height: number,
  mask: Uint32Array,
  skipBits: number,
  noise: SnapNoise,
  scratch: Float32Array,
  options: LaplacianCrOptions = {},
): number {
  const sigClip = options.sigClip ?? 5.5;
  const sigFrac = options.sigFrac ?? 0.5;
  const objLim = options.objLim ?? 5;
  const iterations = options.iterations ?? 4;
  const { base, flat } = noise;
  const n = width * height;
  const lplus = scratch;
  const ok = (i: number): boolean =>
    (mask[i]! & (skipBits | SCRATCH_BIT)) === 0 && image[i]! === image[i]!;
  const at = (x: number, y: number): number => {
    const xx = x < 0 ? 0 : x >= width ? width - 1 : x;
    const yy = y < 0 ? 0 : y >= height ? height - 1 : y;
    const v = image[yy * width + xx]!;
    return v === v ? v : 0;
  };
  // one window per nesting level: a median of S needs medians of the image inside it
  const win = new Float64Array(49);
  const winImage = new Float64Array(25);
  const winS = new Float64Array(25);
  const winFine = new Float64Array(49);
  const w9 = new Float64Array(9);
  const med = (
    buf: Float64Array,
    x: number,
    y: number,
    r: number,
    f: (x: number, y: number) => number,
  ): number => {
    let k = 0;
    for (let yy = y - r; yy <= y + r; yy++)
      for (let xx = x - r; xx <= x + r; xx++) buf[k++] = f(xx, yy);
    return median(buf, k);
  };
  const noiseAt = (x: number, y: number): number => {
    const i = y * width + x;
    const m = med(winImage, x, y, 2, at);
    return Math.sqrt(Math.max(m, 0) / (flat ? flat[i]! : 1) + base[i]!);
  };
  // a lower bound of N at a pixel: the 5×5 minimum stands in for the 5×5 median
  const noiseFloor = (x: number, y: number): number => {
    let m = Infinity;
    for (let yy = y - 2; yy <= y + 2; yy++) {
      for (let xx = x - 2; xx <= x + 2; xx++) {
        const v = at(xx, yy);
        if (v < m) m = v;
      }
    }
    const i = y * width + x;
    return Math.sqrt(Math.max(m, 0) / (flat ? flat[i]! : 1) + base[i]!);
  };
  const sCache = new Map<number, number>();
  const sAt = (x: number, y: number): number => {
    const xx = x < 0 ? 0 : x >= width ? width - 1 : x;
    const yy = y < 0 ? 0 : y >= height ? height - 1 : y;
    const i = yy * width + xx;
    let s = sCache.get(i);
    if (s === undefined) {
      s = lplus[i]! / (2 * noiseAt(xx, yy));
      sCache.set(i, s);
    }
    return s;
  };
  const sPrime = (x: number, y: number): number => sAt(x, y) - med(winS, x, y, 2, sAt);
  const med3At = (x: number, y: number): number => {
    let k = 0;
    for (let yy = y - 1; yy <= y + 1; yy++)
      for (let xx = x - 1; xx <= x + 1; xx++) w9[k++] = at(xx, yy);
    return median(w9, 9);
  };
  const fine = (x: number, y: number): number => {
    const m3 = med3At(x, y);
    return (m3 - med(winFine, x, y, 3, med3At)) / noiseAt(x, y);
  };
  let total = 0;
  const found: number[] = [];
  for (let pass = 0; pass < iterations; pass++) {
    // L⁺ of the 2×-subsampled image, block-averaged back: four sub-pixel Laplacians per pixel
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v2 = 2 * at(x, y);
        const l = at(x - 1, y);
        const r = at(x + 1, y);
        const d = at(x, y - 1);
        const u = at(x, y + 1);
        lplus[y * width + x] =
          (Math.max(0, v2 - l - d) +
            Math.max(0, v2 - r - d) +
            Math.max(0, v2 - l - u) +
            Math.max(0, v2 - r - u)) /
          4;
      }
    }
    sCache.clear();
    const seeds: number[] = [];
    for (let i = 0; i < n; i++) {
      // S′ ≤ S = L⁺/2N: below sigClip at the lowest N, never a seed
      if (lplus[i]! <= 2 * sigClip * Math.sqrt(base[i]!) || !ok(i)) continue;
      const x = i % width;
      const y = (i - x) / width;
      if (lplus[i]! <= 2 * sigClip * noiseFloor(x, y)) continue;
      if (sPrime(x, y) <= sigClip) continue;
      const f = Math.max(fine(x, y), 0.01);
      if (sAt(x, y) / f > objLim) seeds.push(i);
    }
    if (seeds.length === 0) break;
    for (const i of seeds) mask[i] = mask[i]! | SCRATCH_BIT;
    // grow: first at sigClip, then at sigFrac·sigClip, breadth first from the seeds
    const newly = [...seeds];
    for (const limit of [sigClip, sigFrac * sigClip]) {
      for (let head = 0; head < newly.length; head++) {
        const c = newly[head]!;
        const cx = c % width;
        const cy = (c - cx) / width;
        for (let y = Math.max(0, cy - 1); y <= Math.min(height - 1, cy + 1); y++) {
          for (let x = Math.max(0, cx - 1); x <= Math.min(width - 1, cx + 1); x++) {
            const i = y * width + x;
            // the fine-structure test applies to grown pixels too, so a track that passes a
            // star does not grow into its core
            if (!ok(i) || sPrime(x, y) <= limit) continue;
            if (sAt(x, y) / Math.max(fine(x, y), 0.01) <= objLim) continue;
            mask[i] = mask[i]! | SCRATCH_BIT;
            newly.push(i);
          }
        }
      }
    }
    // clean for the next pass: median of the unflagged 5×5 neighbourhood
    for (const i of newly) {
      const x = i % width;
      const y = (i - x) / width;
      let k = 0;
      for (let yy = Math.max(0, y - 2); yy <= Math.min(height - 1, y + 2); yy++)
        for (let xx = Math.max(0, x - 2); xx <= Math.min(width - 1, x + 2); xx++)
          if (ok(yy * width + xx)) win[k++] = image[yy * width + xx]!;
      image[i] = k > 0 ? median(win, k) : NaN;
      found.push(i);
    }
    total += newly.length;
  }
  for (const i of found) {
    image[i] = NaN;
    mask[i] = mask[i]! & ~SCRATCH_BIT;
  }
  return total;
}

/** Median of the first `k` values of `a` (reordered). */
function median(a: Float64Array, k: number): number {
  const s = a.subarray(0, k).sort();
  return (k & 1) === 1 ? s[(k - 1) >> 1]! : 0.5 * (s[k / 2 - 1]! + s[k / 2]!);
}
