import {
  Header,
  makeImageHdu,
  primaryHdu,
  readImage,
  writeFits,
  type Cards,
} from '../../fits/index.js';
import { calibInvalid, withExtension } from './calib-fits.js';

/** EXTNAME of the crosstalk matrix. */
export const CROSSTALK_EXTNAME = 'CROSSTALK';

/** Largest |coefficient| accepted: crosstalk of a percent would be a broken sensor. */
export const MAX_CROSSTALK = 0.01;

/** A crosstalk matrix over `n` amplifiers (in raw HDU order). */
export interface CrosstalkCalib {
  readonly n: number;
  /** `[target × n + source]`: the target amp holds coefficient × the source's signal, ADU/ADU. */
  readonly coefficients: Float64Array;
}

/**
 * A `crosstalk` calibration: a primary header (`cards`) then a float64 image CROSSTALK of
 * n × n coefficients, NAXIS1 = source amp, NAXIS2 = target amp (raw HDU order, 0-based):
 * the target's overscan-subtracted ADU hold coefficient × the source's at the same readout
 * pixel, and ISR subtracts them (the convention of Rubin's `CrosstalkCalib` coeffs).
 */
export async function crosstalkFits(calib: CrosstalkCalib, cards: Cards = []): Promise<Uint8Array> {
  const h = new Header();
  h.set('NAMP', calib.n, 'amplifiers, in raw HDU order');
  h.set('XTAXIS1', 'source', 'NAXIS1 runs over the source amp');
  h.set('XTAXIS2', 'target', 'NAXIS2 runs over the target amp');
  const image = makeImageHdu(calib.coefficients, [calib.n, calib.n], {
    extname: CROSSTALK_EXTNAME,
    header: h,
  });
  return writeFits([primaryHdu([...cards, ['OBSTYPE', 'crosstalk']]), image]);
}

/** Reads a `crosstalk` file (PROMPTLY_E_CALIBRATION_INVALID when it is not one). */
export async function readCrosstalkFits(
  bytes: Uint8Array,
  signal?: AbortSignal,
): Promise<CrosstalkCalib> {
  const what = 'crosstalk';
  return withExtension(
    bytes,
    what,
    CROSSTALK_EXTNAME,
    async (source, hdu) => {
      const [n, m] = hdu.axes;
      if (hdu.axes.length !== 2 || n === undefined || n !== m || n < 1)
        throw calibInvalid(what, `matrix is ${hdu.axes.join('×')}, not n × n`);
      const image = await readImage(source, hdu, signal ? { signal } : {});
      const coefficients = Float64Array.from(image.pixels as ArrayLike<number>);
      coefficients.forEach((c, i) => {
        if (!Number.isFinite(c) || Math.abs(c) > MAX_CROSSTALK)
          throw calibInvalid(what, `coefficient ${i} is ${c}, outside ±${MAX_CROSSTALK}`);
      });
      return { n, coefficients };
    },
    signal,
  );
}
