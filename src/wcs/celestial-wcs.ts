import { PromptlyError } from '../core/errors.js';
import type { Sip, SipPolynomial } from './sip-polynomial.js';

/** A 2×2 matrix in row-major order: `[m11, m12, m21, m22]` (FITS `Xi_j`: row i, column j). */
export type Matrix2 = readonly [number, number, number, number];

/**
 * How the header states the linear part: a CD matrix (degrees per pixel), or a PC matrix
 * (dimensionless) scaled by CDELT (degrees per pixel). Kept so that {@link toKeywords}
 * writes back the form that was read.
 */
export type LinearForm =
  | { readonly kind: 'cd'; readonly cd: Matrix2 }
  | { readonly kind: 'pc'; readonly pc: Matrix2; readonly cdelt: readonly [number, number] };

/**
 * What a caller states to build a celestial TAN / TAN-SIP WCS. Axis 1 is right
 * ascension, axis 2 declination (`RA---TAN`, `DEC--TAN`).
 */
export interface WcsParams {
  /** CRPIX1, CRPIX2: reference pixel, FITS 1-based (the centre of the first pixel is 1.0). */
  readonly crpix: readonly [number, number];
  /** CRVAL1, CRVAL2: [ra, dec] of the reference point in degrees, frame {@link WcsParams.radesys}. */
  readonly crval: readonly [number, number];
  /** CD matrix or PC + CDELT, degrees per pixel. */
  readonly linear: LinearForm;
  /** LONPOLE in degrees; default 180 when CRVAL2 < 90, else 0 (FITS-WCS Paper II). */
  readonly lonpole?: number | undefined;
  /** LATPOLE in degrees; irrelevant for TAN (θ0 = 90°); default CRVAL2, as wcslib sets it. */
  readonly latpole?: number | undefined;
  /** RADESYS, carried and written back, never converted. Default 'ICRS'. */
  readonly radesys?: string | undefined;
  /** EQUINOX in Julian/Besselian years; carried only. Default none (ICRS needs none). */
  readonly equinox?: number | undefined;
  /** SIP distortion; when present, CTYPE is `RA---TAN-SIP` / `DEC--TAN-SIP`. */
  readonly sip?: Sip | undefined;
}

/**
 * A validated celestial WCS: gnomonic (TAN) projection, optional SIP distortion. Plain,
 * frozen data with every default resolved; build it with {@link createWcs}, `readWcs`
 * or `makeTanWcs`. Sky coordinates are (ra, dec) in degrees in the frame named by
 * `radesys`; pixel coordinates in the transform API are 0-based.
 */
export interface CelestialWcs {
  readonly crpix: readonly [number, number];
  readonly crval: readonly [number, number];
  readonly linear: LinearForm;
  /** Effective CD matrix (from CD, or CDELT_i · PC_ij), degrees per pixel. */
  readonly cd: Matrix2;
  /** Native longitude of the celestial pole, degrees. */
  readonly lonpole: number;
  /** LATPOLE, degrees (carried; has no effect on TAN). */
  readonly latpole: number;
  readonly radesys: string;
  readonly equinox: number | undefined;
  readonly sip: Sip | undefined;
}

function invalid(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_WCS_INVALID', message);
}

function requireFinite(name: string, value: number): void {
  if (!Number.isFinite(value)) throw invalid(`${name} must be a finite number, got ${value}`);
}

function checkMatrix(name: string, m: Matrix2): void {
  m.forEach((value, i) => requireFinite(`${name}${Math.floor(i / 2) + 1}_${(i % 2) + 1}`, value));
}

/** Effective CD matrix of a linear form, degrees per pixel. */
export function effectiveCd(linear: LinearForm): Matrix2 {
  if (linear.kind === 'cd') return linear.cd;
  const [p11, p12, p21, p22] = linear.pc;
  const [c1, c2] = linear.cdelt;
  return [c1 * p11, c1 * p12, c2 * p21, c2 * p22];
}

function checkSipPoly(name: string, poly: SipPolynomial): void {
  const n = poly.order + 1;
  if (poly.coefficients.length !== n * n) {
    throw invalid(`${name} has ${poly.coefficients.length} coefficients, expected ${n * n}`);
  }
  for (const value of poly.coefficients) {
    if (!Number.isFinite(value)) throw invalid(`${name} has a non-finite coefficient`);
  }
}

/**
 * Validates `params`, fills every default and returns a frozen {@link CelestialWcs}.
 * Throws PROMPTLY_E_WCS_INVALID for non-finite values, |CRVAL2| > 90, a singular
 * linear matrix, or AP without BP (or the reverse).
 */
export function createWcs(params: WcsParams): CelestialWcs {
  const [crpix1, crpix2] = params.crpix;
  const [ra0, dec0] = params.crval;
  requireFinite('CRPIX1', crpix1);
  requireFinite('CRPIX2', crpix2);
  requireFinite('CRVAL1', ra0);
  requireFinite('CRVAL2', dec0);
  if (Math.abs(dec0) > 90) throw invalid(`CRVAL2 (declination) must be in [-90, 90], got ${dec0}`);
  if (params.linear.kind === 'cd') {
    checkMatrix('CD', params.linear.cd);
  } else {
    checkMatrix('PC', params.linear.pc);
    requireFinite('CDELT1', params.linear.cdelt[0]);
    requireFinite('CDELT2', params.linear.cdelt[1]);
  }
  const cd = effectiveCd(params.linear);
  const det = cd[0] * cd[3] - cd[1] * cd[2];
  if (!(Math.abs(det) > 0) || !Number.isFinite(det)) {
    throw invalid('the linear transformation matrix (CD, or CDELT·PC) is singular');
  }
  const lonpole = params.lonpole ?? (dec0 < 90 ? 180 : 0);
  requireFinite('LONPOLE', lonpole);
  const latpole = params.latpole ?? dec0;
  requireFinite('LATPOLE', latpole);
  if (params.equinox !== undefined) requireFinite('EQUINOX', params.equinox);
  const sip = params.sip;
  if (sip !== undefined) {
    checkSipPoly('A', sip.a);
    checkSipPoly('B', sip.b);
    if ((sip.ap === undefined) !== (sip.bp === undefined)) {
      throw invalid('SIP inverse needs both AP and BP, or neither');
    }
    if (sip.ap !== undefined) checkSipPoly('AP', sip.ap);
    if (sip.bp !== undefined) checkSipPoly('BP', sip.bp);
  }
  const radesys = (params.radesys ?? 'ICRS').trim().toUpperCase();
  if (radesys === '') throw invalid('RADESYS must not be empty');
  const frozenSip =
    sip === undefined
      ? undefined
      : Object.freeze(
          sip.ap === undefined
            ? { a: sip.a, b: sip.b }
            : { a: sip.a, b: sip.b, ap: sip.ap, bp: sip.bp },
        );
  return Object.freeze({
    crpix: Object.freeze([crpix1, crpix2] as const),
    crval: Object.freeze([ra0, dec0] as const),
    linear: Object.freeze(params.linear),
    cd,
    lonpole,
    latpole,
    radesys,
    equinox: params.equinox,
    sip: frozenSip,
  });
}
