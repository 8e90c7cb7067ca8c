import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../core/errors.js';
import { evalSip, evalSipWithGradient, makeSipPolynomial, sipTerms } from './sip-polynomial.js';

describe('SIP polynomials', () => {
  const poly = makeSipPolynomial(3, [
    [2, 0, 1.5],
    [1, 1, -2],
    [0, 2, 0.25],
    [3, 0, 0.1],
    [1, 2, -0.3],
    [0, 3, 0.7],
    [0, 0, 4],
  ]);

  it('evaluates the sum of c·u^p·v^q term by term', () => {
    const u = 1.7;
    const v = -0.6;
    const direct = sipTerms(poly).reduce((s, [p, q, c]) => s + c * u ** p * v ** q, 0);
    expect(evalSip(poly.coefficients, poly.order, u, v)).toBeCloseTo(direct, 12);
  });

  it('gives the analytic gradient, matching central differences', () => {
    const out = new Float64Array(3);
    const u = 0.9;
    const v = 1.3;
    evalSipWithGradient(poly.coefficients, poly.order, u, v, out, 0);
    const h = 1e-6;
    const f = (a: number, b: number) => evalSip(poly.coefficients, poly.order, a, b);
    expect(out[0]).toBeCloseTo(f(u, v), 12);
    expect(out[1]).toBeCloseTo((f(u + h, v) - f(u - h, v)) / (2 * h), 6);
    expect(out[2]).toBeCloseTo((f(u, v + h) - f(u, v - h)) / (2 * h), 6);
  });

  it('rejects terms beyond the order and orders out of range', () => {
    for (const make of [
      () => makeSipPolynomial(2, [[2, 1, 1]]),
      () => makeSipPolynomial(10),
      () => makeSipPolynomial(2, [[1, 0, NaN]]),
    ]) {
      let err: unknown;
      try {
        make();
      } catch (e) {
        err = e;
      }
      expect(isPromptlyError(err, 'PROMPTLY_E_WCS_INVALID')).toBe(true);
    }
  });
});
