import type { CelestialWcs } from './celestial-wcs.js';
import { sipTerms, type SipPolynomial } from './sip-polynomial.js';

/** One header card to write: keyword, value, comment. */
export type WcsKeyword = readonly [key: string, value: string | number, comment: string];

function sipKeywords(name: string, poly: SipPolynomial, what: string): WcsKeyword[] {
  const out: WcsKeyword[] = [[`${name}_ORDER`, poly.order, `SIP ${what} polynomial order`]];
  for (const [p, q, value] of sipTerms(poly)) out.push([`${name}_${p}_${q}`, value, '']);
  return out;
}

/**
 * The keywords that describe `wcs`, in the order a header should hold them: CTYPE,
 * CUNIT, CRPIX (1-based), CRVAL, the linear part in the form it was given (CD, or PC
 * and CDELT), LONPOLE, LATPOLE, RADESYS, EQUINOX (when defined), then SIP A, B and,
 * when present, AP, BP (non-zero coefficients only). Integer-valued keywords
 * (`A_ORDER`…) are JS numbers that are integers; a writer must keep floats at full
 * precision (17 significant digits) for a lossless round trip.
 */
export function toKeywords(wcs: CelestialWcs): WcsKeyword[] {
  const suffix = wcs.sip === undefined ? '' : '-SIP';
  const out: WcsKeyword[] = [
    ['CTYPE1', `RA---TAN${suffix}`, 'right ascension, gnomonic projection'],
    ['CTYPE2', `DEC--TAN${suffix}`, 'declination, gnomonic projection'],
    ['CUNIT1', 'deg', 'unit of CRVAL1 and CDELT1/CD1_j'],
    ['CUNIT2', 'deg', 'unit of CRVAL2 and CDELT2/CD2_j'],
    ['CRPIX1', wcs.crpix[0], 'reference pixel, axis 1 (1-based)'],
    ['CRPIX2', wcs.crpix[1], 'reference pixel, axis 2 (1-based)'],
    ['CRVAL1', wcs.crval[0], '[deg] right ascension at the reference pixel'],
    ['CRVAL2', wcs.crval[1], '[deg] declination at the reference pixel'],
  ];
  const lin = wcs.linear;
  if (lin.kind === 'cd') {
    out.push(
      ['CD1_1', lin.cd[0], '[deg/pixel] linear transformation matrix'],
      ['CD1_2', lin.cd[1], '[deg/pixel] linear transformation matrix'],
      ['CD2_1', lin.cd[2], '[deg/pixel] linear transformation matrix'],
      ['CD2_2', lin.cd[3], '[deg/pixel] linear transformation matrix'],
    );
  } else {
    out.push(
      ['CDELT1', lin.cdelt[0], '[deg/pixel] coordinate increment, axis 1'],
      ['CDELT2', lin.cdelt[1], '[deg/pixel] coordinate increment, axis 2'],
      ['PC1_1', lin.pc[0], 'linear transformation matrix'],
      ['PC1_2', lin.pc[1], 'linear transformation matrix'],
      ['PC2_1', lin.pc[2], 'linear transformation matrix'],
      ['PC2_2', lin.pc[3], 'linear transformation matrix'],
    );
  }
  out.push(
    ['LONPOLE', wcs.lonpole, '[deg] native longitude of celestial pole'],
    ['LATPOLE', wcs.latpole, '[deg] native latitude of celestial pole'],
    ['RADESYS', wcs.radesys, 'equatorial coordinate system'],
  );
  if (wcs.equinox !== undefined)
    out.push(['EQUINOX', wcs.equinox, '[yr] equinox of equatorial coordinates']);
  const sip = wcs.sip;
  if (sip !== undefined) {
    out.push(
      ...sipKeywords('A', sip.a, 'forward, axis 1'),
      ...sipKeywords('B', sip.b, 'forward, axis 2'),
    );
    if (sip.ap !== undefined && sip.bp !== undefined) {
      out.push(
        ...sipKeywords('AP', sip.ap, 'inverse, axis 1'),
        ...sipKeywords('BP', sip.bp, 'inverse, axis 2'),
      );
    }
  }
  return out;
}
