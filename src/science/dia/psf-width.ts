import type { Image } from '../image.js';
import { fitPsf } from './psf-fit.js';

/** Golden-section steps: the bracket shrinks to 0.618¹⁸ ≈ 2·10⁻⁴ of its start. */
const STEPS = 18;
const GOLDEN = (Math.sqrt(5) - 1) / 2;

/**
 * The Gaussian σ (pixels) that best fits one point source at a known centre: χ² of the linear
 * flux fit minimised over σ in [lo, hi] by golden-section search, every σ fitted over the same
 * window (half-size `radiusPx`) so the χ² compare. undefined when no pixel is usable.
 * The difference image's PSF is not the broader input's: decorrelation sharpens it, and a
 * PSF flux fitted with too broad a Gaussian comes out high by 2σ²/(σ² + σ_true²).
 */
export function fitPsfWidth(
  image: Image,
  variance: Image,
  x: number,
  y: number,
  bracket: { readonly lo: number; readonly hi: number; readonly radiusPx: number },
): number | undefined {
  const chi2 = (s: number): number => {
    const fit = fitPsf(image, variance, x, y, {
      sigmaPx: s,
      fitPosition: false,
      radiusPx: bracket.radiusPx,
    });
    return fit && fit.ndata > 3 ? fit.chi2 : NaN;
  };
  let a = bracket.lo;
  let b = bracket.hi;
  let c = b - GOLDEN * (b - a);
  let d = a + GOLDEN * (b - a);
  let fc = chi2(c);
  let fd = chi2(d);
  if (!Number.isFinite(fc) || !Number.isFinite(fd)) return undefined;
  for (let i = 0; i < STEPS; i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - GOLDEN * (b - a);
      fc = chi2(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + GOLDEN * (b - a);
      fd = chi2(d);
    }
    if (!Number.isFinite(fc) || !Number.isFinite(fd)) return undefined;
  }
  return (a + b) / 2;
}
