import { PromptlyError } from '../core/errors.js';
import { createWcs, type CelestialWcs, type LinearForm, type Matrix2 } from './celestial-wcs.js';
import { readInteger, readNumber, readString, type KeywordSource } from './keyword-source.js';
import {
  makeSipPolynomial,
  SIP_MAX_ORDER,
  type Sip,
  type SipPolynomial,
} from './sip-polynomial.js';

/** Options of {@link readWcs}. */
export interface ReadWcsOptions {
  /**
   * Alternate WCS letter ('A'..'Z'); default '' (the primary WCS). SIP keywords have no
   * alternates and are read unsuffixed.
   */
  readonly alt?: string;
}

function invalid(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_WCS_INVALID', message);
}

const D2R = Math.PI / 180;

function parseCtypes(ctype1: string, ctype2: string): { sip: boolean } {
  const m1 = /^RA---TAN(-SIP)?$/.exec(ctype1.trim());
  const m2 = /^DEC--TAN(-SIP)?$/.exec(ctype2.trim());
  if (m1 === null || m2 === null) {
    throw invalid(
      `unsupported CTYPE1/CTYPE2 '${ctype1}'/'${ctype2}': expected RA---TAN[-SIP] and DEC--TAN[-SIP]`,
    );
  }
  if ((m1[1] === undefined) !== (m2[1] === undefined)) {
    throw invalid(`CTYPE1 '${ctype1}' and CTYPE2 '${ctype2}' disagree about -SIP`);
  }
  return { sip: m1[1] !== undefined };
}

function has(source: KeywordSource, key: string): boolean {
  return source.get(key) !== undefined;
}

/** Reads the linear part with wcslib's precedence: PC (or nothing) > CD > CROTA2. */
function readLinear(source: KeywordSource, s: string): LinearForm {
  const pcKeys = ['PC1_1', 'PC1_2', 'PC2_1', 'PC2_2'].map((k) => k + s);
  const cdKeys = ['CD1_1', 'CD1_2', 'CD2_1', 'CD2_2'].map((k) => k + s);
  const hasPc = pcKeys.some((k) => has(source, k));
  const hasCd = cdKeys.some((k) => has(source, k));
  const cdelt: [number, number] = [
    readNumber(source, `CDELT1${s}`) ?? 1,
    readNumber(source, `CDELT2${s}`) ?? 1,
  ];
  if (!hasPc && hasCd) {
    const cd: Matrix2 = [
      readNumber(source, `CD1_1${s}`) ?? 0,
      readNumber(source, `CD1_2${s}`) ?? 0,
      readNumber(source, `CD2_1${s}`) ?? 0,
      readNumber(source, `CD2_2${s}`) ?? 0,
    ];
    return { kind: 'cd', cd };
  }
  const crota = hasPc ? undefined : readNumber(source, `CROTA2${s}`);
  if (crota !== undefined) {
    if (cdelt[0] === 0 || cdelt[1] === 0) throw invalid('CDELTi must not be 0');
    const c = Math.cos(crota * D2R);
    const sn = Math.sin(crota * D2R);
    const rho = cdelt[1] / cdelt[0];
    return { kind: 'pc', pc: [c, -rho * sn, sn / rho, c], cdelt };
  }
  const pc: Matrix2 = [
    readNumber(source, `PC1_1${s}`) ?? 1,
    readNumber(source, `PC1_2${s}`) ?? 0,
    readNumber(source, `PC2_1${s}`) ?? 0,
    readNumber(source, `PC2_2${s}`) ?? 1,
  ];
  return { kind: 'pc', pc, cdelt };
}

function readSipPolynomial(source: KeywordSource, name: string, order: number): SipPolynomial {
  const terms: Array<[number, number, number]> = [];
  for (let p = 0; p <= order; p++) {
    for (let q = 0; p + q <= order; q++) {
      const value = readNumber(source, `${name}_${p}_${q}`);
      if (value !== undefined && value !== 0) terms.push([p, q, value]);
    }
  }
  return makeSipPolynomial(order, terms);
}

function readOrder(source: KeywordSource, key: string): number | undefined {
  const order = readInteger(source, key);
  if (order !== undefined && (order < 0 || order > SIP_MAX_ORDER)) {
    throw invalid(`${key} must be in 0..${SIP_MAX_ORDER}, got ${order}`);
  }
  return order;
}

function readSip(source: KeywordSource): Sip {
  const aOrder = readOrder(source, 'A_ORDER');
  const bOrder = readOrder(source, 'B_ORDER');
  if (aOrder === undefined || bOrder === undefined) {
    throw invalid('CTYPE says -SIP but A_ORDER or B_ORDER is missing');
  }
  const apOrder = readOrder(source, 'AP_ORDER');
  const bpOrder = readOrder(source, 'BP_ORDER');
  if ((apOrder === undefined) !== (bpOrder === undefined)) {
    throw invalid('AP_ORDER and BP_ORDER must both be present or both absent');
  }
  const a = readSipPolynomial(source, 'A', aOrder);
  const b = readSipPolynomial(source, 'B', bOrder);
  if (apOrder === undefined || bpOrder === undefined) return { a, b };
  return {
    a,
    b,
    ap: readSipPolynomial(source, 'AP', apOrder),
    bp: readSipPolynomial(source, 'BP', bpOrder),
  };
}

function checkUnit(source: KeywordSource, key: string): void {
  const unit = readString(source, key);
  if (unit !== undefined && unit.trim() !== '' && unit.trim().toLowerCase() !== 'deg') {
    throw invalid(`${key} '${unit}' is not supported: celestial axes must be in 'deg'`);
  }
}

/** RADESYS and EQUINOX with the defaults of FITS-WCS Paper II §3.1. */
function readFrame(
  source: KeywordSource,
  s: string,
): { radesys: string; equinox: number | undefined } {
  let equinox = readNumber(source, `EQUINOX${s}`);
  if (equinox === undefined && s === '') equinox = readNumber(source, 'EPOCH');
  const given =
    readString(source, `RADESYS${s}`) ?? (s === '' ? readString(source, 'RADECSYS') : undefined);
  let radesys = given?.trim().toUpperCase();
  if (radesys === undefined || radesys === '') {
    if (equinox === undefined) radesys = 'ICRS';
    else radesys = equinox < 1984 ? 'FK4' : 'FK5';
  }
  if (equinox === undefined) {
    if (radesys === 'FK5') equinox = 2000;
    else if (radesys === 'FK4' || radesys === 'FK4-NO-E') equinox = 1950;
  }
  return { radesys, equinox };
}

/**
 * Reads a celestial TAN or TAN-SIP WCS from header keywords: CTYPEi (`RA---TAN`,
 * `DEC--TAN`, with `-SIP`), CRPIXi (1-based, default 0), CRVALi (deg, default 0), the
 * linear part (PCi_j + CDELTi, else CDi_j, else CROTA2 — wcslib's precedence; PC defaults
 * to identity, CDELT to 1), CUNITi (must be 'deg' if present), LONPOLE (default 180, or
 * 0 when CRVAL2 = 90), LATPOLE, RADESYS (or RADECSYS; default ICRS, or FK4/FK5 from
 * EQUINOX) and EQUINOX (or EPOCH). SIP: A_ORDER/B_ORDER and A_p_q/B_p_q; AP_ORDER/BP_ORDER
 * and AP_p_q/BP_p_q when present. As astropy does, SIP keywords are ignored when CTYPE
 * lacks `-SIP`. Throws PROMPTLY_E_WCS_INVALID for anything else.
 */
export function readWcs(source: KeywordSource, options: ReadWcsOptions = {}): CelestialWcs {
  const s = (options.alt ?? '').trim().toUpperCase();
  if (!/^[A-Z]?$/.test(s)) throw invalid(`alternate WCS letter must be A..Z, got '${options.alt}'`);
  const naxis = readInteger(source, `WCSAXES${s}`);
  if (naxis !== undefined && naxis < 2)
    throw invalid(`WCSAXES${s} is ${naxis}; need 2 celestial axes`);
  const ctype1 = readString(source, `CTYPE1${s}`);
  const ctype2 = readString(source, `CTYPE2${s}`);
  if (ctype1 === undefined || ctype2 === undefined) {
    throw invalid(`CTYPE1${s}/CTYPE2${s} are missing: the header has no celestial WCS`);
  }
  const { sip } = parseCtypes(ctype1, ctype2);
  checkUnit(source, `CUNIT1${s}`);
  checkUnit(source, `CUNIT2${s}`);
  const { radesys, equinox } = readFrame(source, s);
  return createWcs({
    crpix: [readNumber(source, `CRPIX1${s}`) ?? 0, readNumber(source, `CRPIX2${s}`) ?? 0],
    crval: [readNumber(source, `CRVAL1${s}`) ?? 0, readNumber(source, `CRVAL2${s}`) ?? 0],
    linear: readLinear(source, s),
    lonpole: readNumber(source, `LONPOLE${s}`),
    latpole: readNumber(source, `LATPOLE${s}`),
    radesys,
    equinox,
    sip: sip ? readSip(source) : undefined,
  });
}
