import type { HeaderRecord } from './astropy-reference.js';

/** How to shape one random TAN / TAN-SIP header. */
export interface RandomHeaderSpec {
  readonly crval: readonly [number, number];
  readonly form: 'cd' | 'pc' | 'crota';
  /** SIP forward order (2..5); undefined for plain TAN. */
  readonly sipOrder?: number;
  /** Add AP/BP (an approximate inverse: −A plus noise). */
  readonly inverse?: boolean;
  readonly lonpole?: number;
  readonly flip?: boolean;
}

/** Image size the random headers describe, pixels. */
export const IMAGE_SIZE = 4096;

/**
 * A random but realistic header: 0.2–1.0″/px, any rotation, CRPIX near the centre, SIP
 * distortion up to a few pixels at the corners with coefficients scaled by
 * 2048^(1 − p − q) so every order contributes.
 */
export function randomHeader(rand: () => number, spec: RandomHeaderSpec): HeaderRecord {
  const sip = spec.sipOrder !== undefined;
  const h: HeaderRecord = {
    CTYPE1: sip ? 'RA---TAN-SIP' : 'RA---TAN',
    CTYPE2: sip ? 'DEC--TAN-SIP' : 'DEC--TAN',
    CRPIX1: IMAGE_SIZE / 2 + (rand() - 0.5) * 400,
    CRPIX2: IMAGE_SIZE / 2 + (rand() - 0.5) * 400,
    CRVAL1: spec.crval[0],
    CRVAL2: spec.crval[1],
    RADESYS: 'ICRS',
  };
  const scale = (0.2 + 0.8 * rand()) / 3600;
  const rho = rand() * 360;
  const c1 = spec.flip === true ? scale * (0.9 + 0.2 * rand()) : -scale * (0.9 + 0.2 * rand());
  const c2 = scale;
  const d2r = Math.PI / 180;
  const cos = Math.cos(rho * d2r);
  const sin = Math.sin(rho * d2r);
  if (spec.form === 'cd') {
    // A little skew as well, so CD is a general matrix.
    h.CD1_1 = c1 * cos;
    h.CD1_2 = -c2 * sin + scale * 0.01 * (rand() - 0.5);
    h.CD2_1 = c1 * sin;
    h.CD2_2 = c2 * cos;
  } else if (spec.form === 'pc') {
    h.CDELT1 = c1;
    h.CDELT2 = c2;
    h.PC1_1 = cos;
    h.PC1_2 = -sin * (c2 / c1) * (1 + 0.01 * (rand() - 0.5));
    h.PC2_1 = sin * (c1 / c2);
    h.PC2_2 = cos;
    h.CUNIT1 = 'deg';
    h.CUNIT2 = 'deg';
  } else {
    h.CDELT1 = c1;
    h.CDELT2 = c2;
    h.CROTA2 = rho;
  }
  if (spec.lonpole !== undefined) h.LONPOLE = spec.lonpole;
  if (spec.sipOrder !== undefined) {
    const order = spec.sipOrder;
    h.A_ORDER = order;
    h.B_ORDER = order;
    if (spec.inverse === true) {
      h.AP_ORDER = order;
      h.BP_ORDER = order;
    }
    for (let p = 0; p <= order; p++) {
      for (let q = 0; p + q <= order; q++) {
        if (p + q < 2) continue;
        const amplitude = 3 / 2 ** (p + q - 2); // pixels at the corner
        const norm = amplitude / 2048 ** (p + q);
        const a = norm * (2 * rand() - 1);
        const b = norm * (2 * rand() - 1);
        h[`A_${p}_${q}`] = a;
        h[`B_${p}_${q}`] = b;
        if (spec.inverse === true) {
          h[`AP_${p}_${q}`] = -a * (1 + 0.05 * (rand() - 0.5));
          h[`BP_${p}_${q}`] = -b * (1 + 0.05 * (rand() - 0.5));
        }
      }
    }
  }
  return h;
}
