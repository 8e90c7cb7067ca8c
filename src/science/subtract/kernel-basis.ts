import { PromptlyError } from '../../core/errors.js';

/** What an Alard–Lupton kernel basis is made of. */
export interface KernelBasisSpec {
  /** Gaussian widths σ, pixels, one per component (ascending), e.g. [0.8, 1.6, 3.2]. */
  readonly sigmasPx: readonly number[];
  /** Polynomial degree per Gaussian: basis functions G_σ(u, v)·(u/σ)^p·(v/σ)^q, p + q ≤ degree. */
  readonly degrees: readonly number[];
  /** Kernel half-width h, pixels: the kernel is (2h + 1)² pixels, offsets −h … h. */
  readonly halfWidthPx: number;
}

/**
 * An Alard & Lupton (1998) basis: each function is separable, f_x(u)·f_y(v) with
 * f(u) = exp(−u²/2σ²)·(u/σ)^p / Σ exp(−u²/2σ²). Function 0 (narrowest Gaussian, p = q = 0)
 * sums to 1; every other function with a non-zero sum has `s_k`·B₀ subtracted so it sums to 0
 * (B'_k = f_x ⊗ f_y − s_k B₀). The kernel sum is then the coefficient of B₀ alone, which the
 * fit keeps spatially constant (a photometric scale, not a shape).
 */
export interface KernelBasis {
  readonly spec: KernelBasisSpec;
  readonly halfWidth: number;
  /** 2h + 1. */
  readonly size: number;
  /** Number of basis functions. */
  readonly count: number;
  /** Distinct 1-D factors (one per σ and power), each `size` long, offset u = index − h. */
  readonly factors: readonly Float64Array[];
  /** Per basis function: index into `factors` of its x part and of its y part. */
  readonly xFactor: Uint16Array;
  readonly yFactor: Uint16Array;
  /** Per basis function: s_k, the multiple of B₀ subtracted (0 for k = 0 and odd powers). */
  readonly zeroSumScale: Float64Array;
}

/** Builds the basis; throws PROMPTLY_E_SCIENCE_OPTION_INVALID for bad widths, degrees or size. */
export function createKernelBasis(spec: KernelBasisSpec): KernelBasis {
  const h = spec.halfWidthPx;
  if (!Number.isInteger(h) || h < 1 || h > 64) {
    throw invalid(`kernel half-width must be an integer in 1..64 px, got ${h}`);
  }
  if (spec.sigmasPx.length === 0 || spec.sigmasPx.length !== spec.degrees.length) {
    throw invalid('kernel basis needs one degree per Gaussian width, and at least one');
  }
  const size = 2 * h + 1;
  const factors: Float64Array[] = [];
  const xf: number[] = [];
  const yf: number[] = [];
  const sums: number[] = [];
  spec.sigmasPx.forEach((sigma, i) => {
    const degree = spec.degrees[i]!;
    if (!(sigma > 0) || !Number.isFinite(sigma))
      throw invalid(`basis σ must be > 0 px, got ${sigma}`);
    if (!Number.isInteger(degree) || degree < 0 || degree > 10) {
      throw invalid(`basis degree must be an integer in 0..10, got ${degree}`);
    }
    let g = 0;
    for (let u = -h; u <= h; u++) g += Math.exp((-u * u) / (2 * sigma * sigma));
    const first = factors.length;
    for (let p = 0; p <= degree; p++) {
      const f = new Float64Array(size);
      for (let u = -h; u <= h; u++) {
        f[u + h] = (Math.exp((-u * u) / (2 * sigma * sigma)) * Math.pow(u / sigma, p)) / g;
      }
      factors.push(f);
      let s = 0;
      for (const v of f) s += v;
      sums.push(s);
    }
    for (let p = 0; p <= degree; p++) {
      for (let q = 0; p + q <= degree; q++) {
        xf.push(first + p);
        yf.push(first + q);
      }
    }
  });
  const count = xf.length;
  const zeroSumScale = new Float64Array(count);
  for (let k = 1; k < count; k++) {
    const s = sums[xf[k]!]! * sums[yf[k]!]!;
    zeroSumScale[k] = Math.abs(s) < 1e-12 ? 0 : s;
  }
  return {
    spec,
    halfWidth: h,
    size,
    count,
    factors,
    xFactor: Uint16Array.from(xf),
    yFactor: Uint16Array.from(yf),
    zeroSumScale,
  };
}

/**
 * Renders Σ_k c_k B'_k into `out` (`size²`, row-major, pixel (u, v) at (v + h)·size + u + h;
 * allocated when absent). `coefficients` has one value per basis function.
 */
export function renderKernel(
  basis: KernelBasis,
  coefficients: ArrayLike<number>,
  out: Float64Array = new Float64Array(basis.size * basis.size),
): Float64Array {
  const { size, count, factors, xFactor, yFactor, zeroSumScale } = basis;
  out.fill(0);
  let b0 = coefficients[0]!;
  for (let k = 0; k < count; k++) {
    const c = coefficients[k]!;
    if (c === 0) continue;
    b0 -= k === 0 ? 0 : c * zeroSumScale[k]!;
    if (k === 0) continue;
    addOuter(out, factors[xFactor[k]!]!, factors[yFactor[k]!]!, c, size);
  }
  addOuter(out, factors[xFactor[0]!]!, factors[yFactor[0]!]!, b0, size);
  return out;
}

function addOuter(
  out: Float64Array,
  fx: Float64Array,
  fy: Float64Array,
  c: number,
  size: number,
): void {
  for (let v = 0; v < size; v++) {
    const cy = c * fy[v]!;
    if (cy === 0) continue;
    const row = v * size;
    for (let u = 0; u < size; u++) out[row + u] = out[row + u]! + cy * fx[u]!;
  }
}

/**
 * Convolves a stamp of `image` with every basis function: for the (2F + 1)² pixels around
 * (cx, cy) (integers, F = `fitHalf`), column k of `out` (`count × (2F+1)²`, row-major per
 * column) receives (B'_k ⊛ I)(x) = Σ_u B'_k(u)·I(x − u). The caller guarantees the stamp and
 * its h-pixel margin lie inside the image; NaN pixels count as 0. Horizontal passes are shared
 * between functions with the same x factor.
 */
export function convolveStampWithBasis(
  basis: KernelBasis,
  image: Float32Array,
  width: number,
  cx: number,
  cy: number,
  fitHalf: number,
  out: Float64Array,
): void {
  const h = basis.halfWidth;
  const side = 2 * fitHalf + 1;
  const rows = side + 2 * h;
  const npix = side * side;
  // horizontal pass per distinct factor: rows −F−h … F+h, columns −F … F
  const horiz = basis.factors.map((f) => {
    const buf = new Float64Array(rows * side);
    for (let r = 0; r < rows; r++) {
      const src = (cy - fitHalf - h + r) * width + cx - fitHalf;
      for (let c = 0; c < side; c++) {
        let s = 0;
        for (let u = -h; u <= h; u++) {
          const v = image[src + c - u]!;
          if (v === v) s += f[u + h]! * v;
        }
        buf[r * side + c] = s;
      }
    }
    return buf;
  });
  for (let k = 0; k < basis.count; k++) {
    const hbuf = horiz[basis.xFactor[k]!]!;
    const fy = basis.factors[basis.yFactor[k]!]!;
    const o = k * npix;
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side; c++) {
        let s = 0;
        // output row r needs input rows r + h − v for v = −h … h (offset by the h margin)
        for (let v = -h; v <= h; v++) s += fy[v + h]! * hbuf[(r + h - v) * side + c]!;
        out[o + r * side + c] = s;
      }
    }
  }
  for (let k = 1; k < basis.count; k++) {
    const s = basis.zeroSumScale[k]!;
    if (s === 0) continue;
    const o = k * npix;
    for (let i = 0; i < npix; i++) out[o + i] = out[o + i]! - s * out[i]!;
  }
}

function invalid(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_SCIENCE_OPTION_INVALID', message);
}
