import { maskBit } from '../exposure/mask-planes.js';

/**
 * NO_DATA (bit 8, 0x100, the exposure model's plane of that name): the destination pixel maps
 * outside every source image, or onto only source pixels that are themselves NaN or NO_DATA.
 * Its image and variance values are NaN. Masks are `Uint32Array` planes, bits OR-ed together.
 */
export const MASK_NO_DATA = maskBit('NO_DATA');
