/**
 * Mask bits the warper sets. Masks are `Uint32Array` planes, one 32-bit word per pixel, bits
 * OR-ed together. Bits 0–7 are left to ISR (BAD, SAT, CR, EDGE, DETECTED, INTRP… in the coming
 * exposure model, which may adopt this bit and move it there); the warper owns bit 8.
 */

/**
 * NO_DATA (bit 8, 0x100): the destination pixel maps outside every source image, or onto only
 * source pixels that are themselves NaN or NO_DATA. Its image and variance values are NaN.
 */
export const MASK_NO_DATA = 1 << 8;
