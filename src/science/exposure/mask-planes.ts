import { PromptlyError } from '../../core/errors.js';

/**
 * The mask bit planes promptly writes, one table for every producer (ISR, warp, subtraction,
 * detection). A mask is a `Uint32Array`, one word per pixel, bits OR-ed together. Bits 0–8
 * follow the default plane order of Rubin's `lsst.afw.image.Mask`, so our MP_ header cards
 * mean what they mean in an afw file: BAD 0, SAT 1, INTRP 2, CR 3, EDGE 4, DETECTED 5,
 * DETECTED_NEGATIVE 6, SUSPECT 7, NO_DATA 8. Bit 9 is promptly's DIFF_EDGE (the subtraction's
 * convolution border, `MASK_DIFF_EDGE` in `src/science/subtract`); afw adds further planes
 * dynamically, so a reader must go by the MP_ cards, never by this table alone.
 */
export const MASK_PLANES = Object.freeze({
  /** Defect from the defect list, or a pixel the flat cannot correct (flat ≤ 0 or not finite). */
  BAD: 0,
  /** At or above the amplifier's saturation level, or in its grown bleed trail. */
  SAT: 1,
  /** Value interpolated from neighbours (over BAD, SAT or unrepairable CR pixels). */
  INTRP: 2,
  /** Cosmic ray: found and repaired (from the other snap, or by interpolation with INTRP). */
  CR: 3,
  /** Within the configured border of the detector. */
  EDGE: 4,
  /** Part of a positive detection footprint. */
  DETECTED: 5,
  /** Part of a negative detection footprint (difference images). */
  DETECTED_NEGATIVE: 6,
  /** Usable but doubtful (e.g. near saturation, non-linear regime). */
  SUSPECT: 7,
  /** No data: outside every warped input, or nothing to interpolate from; value is NaN. */
  NO_DATA: 8,
  /** Difference image: within the PSF-matching kernel's half-width of the edge; value is NaN. */
  DIFF_EDGE: 9,
});

/** Name of a standard mask plane. */
export type MaskPlaneName = keyof typeof MASK_PLANES;

/**
 * A mask-plane dictionary: plane name → bit index (0–31), as afw keeps it and as the MP_
 * cards of a MASK HDU record it. Files may carry planes beyond {@link MASK_PLANES}.
 */
export type MaskPlaneDict = Readonly<Record<string, number>>;

/** Largest bit index a plane may use: bit 31 would make Int32 FITS storage negative. */
export const MAX_MASK_BIT = 30;

/** The bit value (`1 << bit`) of a standard plane, e.g. `maskBit('SAT') === 2`. */
export function maskBit(name: MaskPlaneName): number {
  return 1 << MASK_PLANES[name];
}

/** The OR of the bit values of several standard planes. */
export function maskBits(...names: readonly MaskPlaneName[]): number {
  let bits = 0;
  for (const n of names) bits |= 1 << MASK_PLANES[n];
  return bits;
}

/**
 * Checks a plane dictionary: names are FITS-keyword-safe (`[A-Z0-9_]`, ≤ 60 characters so
 * `MP_<NAME>` fits a HIERARCH card), bits are integers in [0, {@link MAX_MASK_BIT}] and no
 * two names share a bit. Throws PROMPTLY_E_EXPOSURE_INVALID. Returns a frozen copy.
 */
export function checkMaskPlanes(planes: MaskPlaneDict): MaskPlaneDict {
  const seen = new Map<number, string>();
  const out: Record<string, number> = {};
  for (const [name, bit] of Object.entries(planes)) {
    if (!/^[A-Z0-9_]{1,60}$/.test(name)) {
      throw new PromptlyError(
        'PROMPTLY_E_EXPOSURE_INVALID',
        `mask plane name '${name}' must be 1–60 characters of A–Z, 0–9 and _`,
      );
    }
    if (!Number.isInteger(bit) || bit < 0 || bit > MAX_MASK_BIT) {
      throw new PromptlyError(
        'PROMPTLY_E_EXPOSURE_INVALID',
        `mask plane ${name} has bit ${bit}, expected an integer in [0, ${MAX_MASK_BIT}]`,
      );
    }
    const other = seen.get(bit);
    if (other !== undefined) {
      throw new PromptlyError(
        'PROMPTLY_E_EXPOSURE_INVALID',
        `mask planes ${other} and ${name} both use bit ${bit}`,
      );
    }
    seen.set(bit, name);
    out[name] = bit;
  }
  return Object.freeze(out);
}

/** Names of the planes set in `value`, in bit order (unnamed bits as `BIT<n>`). */
export function describeMask(value: number, planes: MaskPlaneDict = MASK_PLANES): string[] {
  const byBit = new Map<number, string>();
  for (const [name, bit] of Object.entries(planes)) byBit.set(bit, name);
  const out: string[] = [];
  for (let b = 0; b < 32; b++) {
    if (((value >>> b) & 1) === 1) out.push(byBit.get(b) ?? `BIT${b}`);
  }
  return out;
}

/** Counts the pixels of `mask` with any of `bits` set. */
export function countMasked(mask: Uint32Array, bits: number): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if ((mask[i]! & bits) !== 0) n++;
  return n;
}
