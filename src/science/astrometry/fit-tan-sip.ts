import { PromptlyError } from '../../core/errors.js';
import { createWcs, makeSipPolynomial, type CelestialWcs } from '../../wcs/index.js';
import { solveSpd } from '../subtract/cholesky.js';

/**
 * Fitting a TAN-SIP WCS to matched stars: detector pixels (x, y) against reference sky
 * positions (ra, dec). With CRPIX fixed, the reference positions are projected on the tangent
 * plane at the current CRVAL, and the standard coordinates (ξ, η) fitted by polynomials of the
 * pixel offsets (u, v) from CRPIX up to `order`:
 *
 *     ξ = Σ c[p,q] u^p v^q,   η = Σ d[p,q] u^p v^q   (p + q ≤ order)
 *
 * The constant terms move CRVAL (deprojected, then the fit repeats on the new tangent
 * point), the linear ones are the CD matrix, and the higher ones become SIP's A and B
 * (CD⁻¹ applied to them, so u' = u + A(u, v)). Outliers beyond `clipSigma` × the rms are
 * dropped between iterations. Pixels are 0-based (FITS pixel = x + 1).
 */

/** What the fit needs. */
export interface TanSipFitInput {
  /** 0-based detector pixels of the matched stars. */
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  /** Their reference positions, degrees ICRS (at the exposure's epoch). */
  readonly ra: ArrayLike<number>;
  readonly dec: ArrayLike<number>;
  /** Where to start: its CRPIX is kept, its CRVAL moved. */
  readonly guess: CelestialWcs;
  /**
   * Polynomial order, 0 to 5: 0 moves only CRVAL (the guess's CD kept: a pointing offset,
   * from as few as 3 stars), 1 fits TAN, ≥ 2 TAN-SIP. Default 3.
   */
  readonly order?: number;
  /** Clip beyond this many rms. Default 3. */
  readonly clipSigma?: number;
  /** Iterations (re-projection and clipping). Default 4. */
  readonly iterations?: number;
}

export interface TanSipFit {
  readonly wcs: CelestialWcs;
  /** Stars used in the last iteration (not clipped), and how many were given. */
  readonly used: number;
  readonly given: number;
  /** rms of the used stars' residuals on the sky, mas. */
  readonly rmsMas: number;
  /** Per star: true when used in the last iteration. */
  readonly usedMask: Uint8Array;
}

const DEG = Math.PI / 180;

/** Gnomonic projection of (ra, dec) about (ra0, dec0): standard coordinates in degrees. */
export function project(
  ra: number,
  dec: number,
  ra0: number,
  dec0: number,
): { xi: number; eta: number } {
  const a = (ra - ra0) * DEG;
  const d = dec * DEG;
  const d0 = dec0 * DEG;
  const cosc = Math.sin(d0) * Math.sin(d) + Math.cos(d0) * Math.cos(d) * Math.cos(a);
  return {
    xi: (Math.cos(d) * Math.sin(a)) / cosc / DEG,
    eta: (Math.cos(d0) * Math.sin(d) - Math.sin(d0) * Math.cos(d) * Math.cos(a)) / cosc / DEG,
  };
}

/** Inverse of {@link project}: (ra, dec) degrees, ra in [0, 360). */
export function deproject(
  xi: number,
  eta: number,
  ra0: number,
  dec0: number,
): { ra: number; dec: number } {
  const x = xi * DEG;
  const y = eta * DEG;
  const d0 = dec0 * DEG;
  const rho = Math.hypot(x, y);
  if (rho === 0) return { ra: ra0, dec: dec0 };
  const c = Math.atan(rho);
  const dec = Math.asin(Math.cos(c) * Math.sin(d0) + (y * Math.sin(c) * Math.cos(d0)) / rho);
  const ra =
    ra0 * DEG +
    Math.atan2(x * Math.sin(c), rho * Math.cos(d0) * Math.cos(c) - y * Math.sin(d0) * Math.sin(c));
  return { ra: (((ra / DEG) % 360) + 360) % 360, dec: dec / DEG };
}

/** The (p, q) terms of a polynomial of `order`, constant and linear first. */
function terms(order: number): [number, number][] {
  const out: [number, number][] = [];
  for (let n = 0; n <= order; n++) for (let q = 0; q <= n; q++) out.push([n - q, q]);
  return out;
}

function invalid(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_ASTROMETRY_FAILED', message);
}

/** Least-squares polynomial coefficients of `target` over (u, v) at the used points. */
function fitPolynomial(
  u: Float64Array,
  v: Float64Array,
  target: Float64Array,
  use: Uint8Array,
  basis: readonly [number, number][],
  scale: number,
): Float64Array {
  const n = basis.length;
  const m = new Float64Array(n * n);
  const b = new Float64Array(n);
  const row = new Float64Array(n);
  for (let k = 0; k < u.length; k++) {
    if (!use[k]) continue;
    const us = u[k]! / scale;
    const vs = v[k]! / scale;
    for (let i = 0; i < n; i++) row[i] = us ** basis[i]![0] * vs ** basis[i]![1];
    for (let i = 0; i < n; i++) {
      b[i] = b[i]! + row[i]! * target[k]!;
      for (let j = 0; j < n; j++) m[i * n + j] = m[i * n + j]! + row[i]! * row[j]!;
    }
  }
  const solved = solveSpd(m, b, n, 1e-12);
  if (!solved) throw invalid('the matched stars do not constrain the WCS (degenerate layout)');
  // back to unscaled pixel units
  return solved.map((c, i) => c / scale ** (basis[i]![0] + basis[i]![1]));
}

/** Fits a TAN-SIP WCS to matched stars (see the module comment). */
export function fitTanSip(input: TanSipFitInput): TanSipFit {
  const order = input.order ?? 3;
  if (!Number.isInteger(order) || order < 0 || order > 5)
    throw invalid(`order must be an integer in 0..5, got ${order}`);
  if (order === 0) return fitShift(input);
  const basis = terms(order);
  const n = input.x.length;
  if (n < basis.length + 3)
    throw invalid(`${n} matched stars cannot fit ${basis.length} terms of order ${order}`);
  const clip = input.clipSigma ?? 3;
  const iterations = input.iterations ?? 4;
  const [crpix1, crpix2] = input.guess.crpix;
  const u = Float64Array.from({ length: n }, (_, k) => input.x[k]! + 1 - crpix1);
  const v = Float64Array.from({ length: n }, (_, k) => input.y[k]! + 1 - crpix2);
  const scale = Math.max(1, ...Array.from(u, Math.abs), ...Array.from(v, Math.abs));
  const use = new Uint8Array(n).fill(1);
  let crval: [number, number] = [input.guess.crval[0], input.guess.crval[1]];
  let cx: Float64Array = new Float64Array(basis.length);
  let cy: Float64Array = new Float64Array(basis.length);
  const xi = new Float64Array(n);
  const eta = new Float64Array(n);
  let rmsDeg = Infinity;
  for (let it = 0; it < iterations; it++) {
    for (let k = 0; k < n; k++) {
      const p = project(input.ra[k]!, input.dec[k]!, crval[0], crval[1]);
      xi[k] = p.xi;
      eta[k] = p.eta;
    }
    cx = fitPolynomial(u, v, xi, use, basis, scale);
    cy = fitPolynomial(u, v, eta, use, basis, scale);
    // residuals, then clip
    const r2 = new Float64Array(n);
    let sum = 0;
    let count = 0;
    for (let k = 0; k < n; k++) {
      let fx = 0;
      let fy = 0;
      for (let i = 0; i < basis.length; i++) {
        const t = u[k]! ** basis[i]![0] * v[k]! ** basis[i]![1];
        fx += cx[i]! * t;
        fy += cy[i]! * t;
      }
      r2[k] = (fx - xi[k]!) ** 2 + (fy - eta[k]!) ** 2;
      if (use[k]) {
        sum += r2[k]!;
        count++;
      }
    }
    rmsDeg = Math.sqrt(sum / Math.max(1, count));
    const last = it === iterations - 1;
    if (!last) {
      for (let k = 0; k < n; k++) use[k] = r2[k]! <= (clip * rmsDeg) ** 2 ? 1 : 0;
      if (use.reduce((s, x) => s + x, 0) < basis.length + 3)
        throw invalid('too few stars left after clipping outliers');
      // move the tangent point by the constant terms
      const moved = deproject(cx[0]!, cy[0]!, crval[0], crval[1]);
      crval = [moved.ra, moved.dec];
    }
  }
  // the constant term left after the last re-projection is below the fit's precision
  const cd: [number, number, number, number] = [cx[1]!, cx[2]!, cy[1]!, cy[2]!];
  const det = cd[0] * cd[3] - cd[1] * cd[2];
  if (!(Math.abs(det) > 0)) throw invalid('the fitted CD matrix is singular');
  const inv = [cd[3] / det, -cd[1] / det, -cd[2] / det, cd[0] / det] as const;
  const aTerms: [number, number, number][] = [];
  const bTerms: [number, number, number][] = [];
  basis.forEach(([p, q], i) => {
    if (p + q < 2) return;
    aTerms.push([p, q, inv[0] * cx[i]! + inv[1] * cy[i]!]);
    bTerms.push([p, q, inv[2] * cx[i]! + inv[3] * cy[i]!]);
  });
  // the constant term shifts CRPIX's sky point: fold it into CRVAL exactly
  const final = deproject(cx[0]!, cy[0]!, crval[0], crval[1]);
  const wcs = createWcs({
    crpix: [crpix1, crpix2],
    crval: [final.ra, final.dec],
    linear: { kind: 'cd', cd },
    radesys: input.guess.radesys,
    ...(order >= 2
      ? { sip: { a: makeSipPolynomial(order, aTerms), b: makeSipPolynomial(order, bTerms) } }
      : {}),
  });
  return {
    wcs,
    used: use.reduce((s, x) => s + x, 0),
    given: n,
    rmsMas: rmsDeg * 3_600_000,
    usedMask: use,
  };
}

/** Fewest stars a pointing offset is fitted from. */
const MIN_SHIFT_STARS = 3;

/**
 * Order 0: the guess's CD (and SIP) kept, CRVAL moved by the clipped mean of the stars'
 * offsets on the tangent plane (what a pointing error is, when too few stars match for more).
 */
function fitShift(input: TanSipFitInput): TanSipFit {
  const n = input.x.length;
  if (n < MIN_SHIFT_STARS)
    throw invalid(`${n} matched stars cannot fit a pointing offset (needs ${MIN_SHIFT_STARS})`);
  const g = input.guess;
  const clip = input.clipSigma ?? 3;
  const use = new Uint8Array(n).fill(1);
  let crval: [number, number] = [g.crval[0], g.crval[1]];
  let rmsDeg = Infinity;
  for (let it = 0; it < (input.iterations ?? 4); it++) {
    const dxi = new Float64Array(n);
    const deta = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const p = project(input.ra[k]!, input.dec[k]!, crval[0], crval[1]);
      const u = input.x[k]! + 1 - g.crpix[0];
      const v = input.y[k]! + 1 - g.crpix[1];
      const [c11, c12, c21, c22] = g.cd;
      dxi[k] = p.xi - (c11 * u + c12 * v);
      deta[k] = p.eta - (c21 * u + c22 * v);
    }
    let sx = 0;
    let sy = 0;
    let m = 0;
    for (let k = 0; k < n; k++)
      if (use[k]) {
        sx += dxi[k]!;
        sy += deta[k]!;
        m++;
      }
    const mx = sx / m;
    const my = sy / m;
    let ss = 0;
    for (let k = 0; k < n; k++) if (use[k]) ss += (dxi[k]! - mx) ** 2 + (deta[k]! - my) ** 2;
    rmsDeg = Math.sqrt(ss / m);
    for (let k = 0; k < n; k++)
      use[k] =
        (dxi[k]! - mx) ** 2 + (deta[k]! - my) ** 2 <= (clip * rmsDeg) ** 2 || rmsDeg === 0 ? 1 : 0;
    if (use.reduce((s, x) => s + x, 0) < MIN_SHIFT_STARS) use.fill(1);
    const moved = deproject(mx, my, crval[0], crval[1]);
    crval = [moved.ra, moved.dec];
  }
  return {
    wcs: createWcs({ ...g, crval, linear: g.linear, sip: g.sip }),
    used: use.reduce((s, x) => s + x, 0),
    given: n,
    rmsMas: rmsDeg * 3_600_000,
    usedMask: use,
  };
}
