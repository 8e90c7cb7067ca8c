import { PromptlyError } from '../../core/errors.js';
import { describeValue } from '../header/card.js';
import type { Header } from '../header/header.js';

/** What an HDU holds, from its first keyword (SIMPLE/XTENSION) and ZIMAGE. */
export type HduKind =
  'image' | 'bintable' | 'table' | 'compressed-image' | 'random-groups' | 'other';

/** BITPIX values the standard allows: 8-bit unsigned, 16/32/64-bit signed, IEEE float/double. */
export type Bitpix = 8 | 16 | 32 | 64 | -32 | -64;

/** True for one of the six BITPIX values of the FITS standard. */
export function isBitpix(v: number): v is Bitpix {
  return v === 8 || v === 16 || v === 32 || v === 64 || v === -32 || v === -64;
}

/** Layout of a data unit as declared by its header (sizes in bytes). */
export interface DataLayout {
  readonly kind: HduKind;
  readonly bitpix: Bitpix;
  /** NAXIS1..NAXISn, NAXIS1 first (the fastest-varying axis); empty when NAXIS = 0. */
  readonly axes: readonly number[];
  readonly pcount: number;
  readonly gcount: number;
  /** |BITPIX|/8 × GCOUNT × (PCOUNT + NAXIS1 × … × NAXISn), without padding. */
  readonly dataSize: number;
  /** XTENSION value (`''` for the primary HDU). */
  readonly xtension: string;
}

/** One HDU located in a file: its parsed header and where its data unit lies. */
export interface HduInfo extends DataLayout {
  /** 0 for the primary HDU, then 1, 2, … for extensions. */
  readonly index: number;
  readonly header: Header;
  /** Byte offset of the first header card. */
  readonly headerOffset: number;
  /** Byte offset of the data unit (= headerOffset + header blocks). */
  readonly dataOffset: number;
  /** Byte offset where the next HDU would start (data padded to 2880). */
  readonly nextOffset: number;
  /** EXTNAME, or undefined when absent. */
  readonly extname: string | undefined;
}

function dataError(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_FITS_DATA', message);
}

function headerError(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_FITS_HEADER', message);
}

function mandatoryInt(
  header: Header,
  key: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const v = header.get(key);
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw headerError(`${key} must be an integer in [${min}, ${max}], got ${describeValue(v)}`);
  }
  return v;
}

/**
 * Validates the mandatory keywords of a header and computes its data layout. `primary` is
 * true for the first HDU of a file (which must start with SIMPLE = T). Throws
 * PROMPTLY_E_FITS_HEADER for missing or malformed mandatory keywords,
 * PROMPTLY_E_FITS_UNSUPPORTED for an integer BITPIX the standard does not define, and
 * PROMPTLY_E_FITS_DATA when the declared size is beyond 2^53 bytes.
 */
export function describeLayout(header: Header, primary: boolean): DataLayout {
  const first = header.cards[0];
  let xtension = '';
  if (primary) {
    if (first?.kind !== 'value' || first.keyword !== 'SIMPLE') {
      throw headerError('primary header does not start with SIMPLE');
    }
    if (first.value !== true) {
      throw new PromptlyError(
        'PROMPTLY_E_FITS_UNSUPPORTED',
        'SIMPLE = F: file does not conform to FITS',
      );
    }
  } else {
    if (
      first?.kind !== 'value' ||
      first.keyword !== 'XTENSION' ||
      typeof first.value !== 'string'
    ) {
      throw headerError('extension header does not start with XTENSION');
    }
    xtension = first.value.trim().toUpperCase();
  }
  const rawBitpix = header.get('BITPIX');
  if (typeof rawBitpix !== 'number' || !Number.isInteger(rawBitpix)) {
    throw headerError(`BITPIX must be an integer, got ${describeValue(rawBitpix)}`);
  }
  if (!isBitpix(rawBitpix)) {
    throw new PromptlyError(
      'PROMPTLY_E_FITS_UNSUPPORTED',
      `BITPIX ${rawBitpix} is not a FITS BITPIX`,
    );
  }
  const bitpix = rawBitpix;
  const naxis = mandatoryInt(header, 'NAXIS', 0, 999);
  const axes: number[] = [];
  for (let i = 1; i <= naxis; i++) axes.push(mandatoryInt(header, `NAXIS${i}`, 0));
  const pcount = primary ? 0 : mandatoryInt(header, 'PCOUNT', 0);
  const gcount = primary ? 1 : mandatoryInt(header, 'GCOUNT', 0);

  let kind: HduKind;
  let groups = false;
  if (primary) {
    groups = naxis > 0 && axes[0] === 0 && header.get('GROUPS') === true;
    kind = groups ? 'random-groups' : 'image';
  } else if (xtension === 'IMAGE') {
    kind = 'image';
  } else if (xtension === 'BINTABLE' || xtension === 'A3DTABLE') {
    kind = header.get('ZIMAGE') === true ? 'compressed-image' : 'bintable';
  } else if (xtension === 'TABLE') {
    kind = 'table';
  } else {
    kind = 'other';
  }
  if (
    (kind === 'bintable' || kind === 'compressed-image' || kind === 'table') &&
    (bitpix !== 8 || naxis !== 2)
  ) {
    throw headerError(`${xtension} needs BITPIX = 8 and NAXIS = 2`);
  }

  let dataSize = 0;
  if (naxis > 0) {
    let count = 1;
    for (let i = groups ? 1 : 0; i < naxis; i++) count *= axes[i] ?? 0;
    const effPcount = primary && groups ? mandatoryInt(header, 'PCOUNT', 0) : pcount;
    const effGcount = primary && groups ? mandatoryInt(header, 'GCOUNT', 0) : gcount;
    dataSize = (Math.abs(bitpix) / 8) * effGcount * (effPcount + count);
  }
  if (!Number.isSafeInteger(dataSize)) {
    throw dataError(`declared data size ${dataSize} bytes is beyond any supported file`);
  }
  return { kind, bitpix, axes, pcount, gcount, dataSize, xtension };
}
