import { Header, makeBinaryTableHdu, primaryHdu, writeFits, type Cards } from '../../fits/index.js';
import { calibInvalid, numericColumn, tableColumns, withExtension } from './calib-fits.js';

/** EXTNAME of the linearizer table. */
export const LINEARIZER_EXTNAME = 'LINEARIZER';

/** Polynomial coefficients per amp stored in a linearizer file. */
export const LINEARIZER_ORDER = 3;

/** One amplifier's linearity correction. */
export interface AmpLinearity {
  /** The amp's EXTNAME in the raw, e.g. `Segment10`. */
  readonly amp: string;
  /** [c₀ … c₃]: corrected = Σ cᵢ xⁱ, x in ADU above the overscan. */
  readonly coefficients: readonly number[];
}

/**
 * A `linearizer` calibration: a primary header (`cards`) then a binary table LINEARIZER,
 * one row per amp: AMP_NAME (the raw's EXTNAME), TYPE (`POLYNOMIAL`) and COEFFS
 * (4 float64, c₀…c₃ of corrected = Σ cᵢ xⁱ in ADU above the overscan).
 */
export async function linearizerFits(
  amps: readonly AmpLinearity[],
  cards: Cards = [],
): Promise<Uint8Array> {
  const k = LINEARIZER_ORDER + 1;
  const coeffs = new Float64Array(amps.length * k);
  amps.forEach((a, i) => {
    if (a.coefficients.length > k)
      throw calibInvalid('linearizer', `amp ${a.amp} has ${a.coefficients.length} coefficients`);
    a.coefficients.forEach((c, j) => (coeffs[i * k + j] = c));
  });
  const h = new Header();
  h.set('LINUNIT', 'adu', 'x and the corrected value: ADU above the overscan');
  const table = makeBinaryTableHdu(
    [
      { name: 'AMP_NAME', values: amps.map((a) => a.amp) },
      { name: 'TYPE', values: amps.map(() => 'POLYNOMIAL') },
      { name: 'COEFFS', values: coeffs, repeat: k },
    ],
    { extname: LINEARIZER_EXTNAME, header: h },
  );
  return writeFits([primaryHdu([...cards, ['OBSTYPE', 'linearizer']]), table]);
}

/** Reads a `linearizer` file (PROMPTLY_E_CALIBRATION_INVALID when it is not one). */
export async function readLinearizerFits(
  bytes: Uint8Array,
  signal?: AbortSignal,
): Promise<AmpLinearity[]> {
  const what = 'linearizer';
  return withExtension(
    bytes,
    what,
    LINEARIZER_EXTNAME,
    async (source, hdu) => {
      const columns = await tableColumns(source, hdu, signal);
      const names = columns.get('AMP_NAME');
      const types = columns.get('TYPE');
      if (names?.kind !== 'string') throw calibInvalid(what, 'column AMP_NAME is missing');
      if (types?.kind !== 'string') throw calibInvalid(what, 'column TYPE is missing');
      const k = LINEARIZER_ORDER + 1;
      const coeffs = numericColumn(columns, 'COEFFS', what, k);
      return names.values.map((amp, i) => {
        if (types.values[i]?.trim() !== 'POLYNOMIAL')
          throw calibInvalid(what, `amp ${amp}: type ${types.values[i]} is not POLYNOMIAL`);
        const coefficients = coeffs.slice(i * k, i * k + k);
        if (!coefficients.every(Number.isFinite))
          throw calibInvalid(what, `amp ${amp}: coefficients not finite`);
        return { amp: amp.trim(), coefficients };
      });
    },
    signal,
  );
}
