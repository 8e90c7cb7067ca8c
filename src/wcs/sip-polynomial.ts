import { PromptlyError } from '../core/errors.js';

/** Largest SIP polynomial order accepted (the SIP convention in practice stops at 9). */
export const SIP_MAX_ORDER = 9;

/**
 * One SIP polynomial `Σ c[p,q] · u^p · v^q` over `p + q ≤ order`, in pixels (u, v are
 * pixel offsets from CRPIX, the result is a pixel offset). Coefficients are stored densely:
 * `coefficients[q * (order + 1) + p]`; entries with `p + q > order` are always 0.
 * Treat as read-only once built.
 */
export interface SipPolynomial {
  /** Polynomial order (`A_ORDER`, `B_ORDER`, `AP_ORDER`, `BP_ORDER`), 0..{@link SIP_MAX_ORDER}. */
  readonly order: number;
  /** Dense coefficients, length `(order + 1)²`, index `q * (order + 1) + p`. */
  readonly coefficients: Float64Array;
}

/**
 * SIP distortion (Shupe et al. 2005). `a`/`b` map pixel offsets (u, v) from CRPIX to
 * corrected offsets: `u' = u + A(u, v)`, `v' = v + B(u, v)`, applied before the CD matrix.
 * `ap`/`bp`, when present, approximate the inverse: `u = u' + AP(u', v')`.
 */
export interface Sip {
  readonly a: SipPolynomial;
  readonly b: SipPolynomial;
  /** Inverse polynomials; both present or both absent. */
  readonly ap?: SipPolynomial | undefined;
  readonly bp?: SipPolynomial | undefined;
}

/**
 * Builds a SIP polynomial from `[p, q, value]` terms. Terms with `p + q > order` are
 * rejected (PROMPTLY_E_WCS_INVALID), as are non-finite values and bad orders.
 */
export function makeSipPolynomial(
  order: number,
  terms: Iterable<readonly [p: number, q: number, value: number]> = [],
): SipPolynomial {
  if (!Number.isInteger(order) || order < 0 || order > SIP_MAX_ORDER) {
    throw new PromptlyError(
      'PROMPTLY_E_WCS_INVALID',
      `SIP order must be an integer in 0..${SIP_MAX_ORDER}, got ${order}`,
    );
  }
  const n = order + 1;
  const coefficients = new Float64Array(n * n);
  for (const [p, q, value] of terms) {
    if (!Number.isInteger(p) || !Number.isInteger(q) || p < 0 || q < 0 || p + q > order) {
      throw new PromptlyError(
        'PROMPTLY_E_WCS_INVALID',
        `SIP term (${p}, ${q}) is outside a polynomial of order ${order}`,
      );
    }
    if (!Number.isFinite(value)) {
      throw new PromptlyError('PROMPTLY_E_WCS_INVALID', `SIP term (${p}, ${q}) is not finite`);
    }
    coefficients[q * n + p] = value;
  }
  return { order, coefficients };
}

/** The coefficient of `u^p v^q` (0 when outside the polynomial). */
export function sipCoefficient(poly: SipPolynomial, p: number, q: number): number {
  if (p < 0 || q < 0 || p + q > poly.order) return 0;
  return poly.coefficients[q * (poly.order + 1) + p] ?? 0;
}

/** Non-zero terms as `[p, q, value]`, ordered by total degree then by p descending. */
export function sipTerms(poly: SipPolynomial): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  for (let degree = 0; degree <= poly.order; degree++) {
    for (let p = degree; p >= 0; p--) {
      const value = sipCoefficient(poly, p, degree - p);
      if (value !== 0) out.push([p, degree - p, value]);
    }
  }
  return out;
}

/**
 * Evaluates `Σ c[p,q] u^p v^q` by nested Horner (in u for each power of v, then in v).
 * `c` is the dense coefficient array of a polynomial of order `order`.
 */
export function evalSip(c: Float64Array, order: number, u: number, v: number): number {
  const n = order + 1;
  let sum = 0;
  for (let q = order; q >= 0; q--) {
    const row = q * n;
    let pu = 0;
    for (let p = order - q; p >= 0; p--) pu = pu * u + (c[row + p] as number);
    sum = sum * v + pu;
  }
  return sum;
}

/**
 * Evaluates the polynomial and its partial derivatives at (u, v), writing
 * `[value, ∂/∂u, ∂/∂v]` into `out` starting at `offset`. No allocation.
 */
export function evalSipWithGradient(
  c: Float64Array,
  order: number,
  u: number,
  v: number,
  out: Float64Array,
  offset: number,
): void {
  const n = order + 1;
  let f = 0;
  let fu = 0;
  let fv = 0;
  for (let q = order; q >= 0; q--) {
    const row = q * n;
    // Horner for P_q(u) and P_q'(u) together.
    let pu = 0;
    let dpu = 0;
    for (let p = order - q; p >= 0; p--) {
      dpu = dpu * u + pu;
      pu = pu * u + (c[row + p] as number);
    }
    // Horner in v for f and ∂f/∂u; ∂f/∂v uses the derivative recurrence of f.
    fv = fv * v + f;
    f = f * v + pu;
    fu = fu * v + dpu;
  }
  out[offset] = f;
  out[offset + 1] = fu;
  out[offset + 2] = fv;
}
