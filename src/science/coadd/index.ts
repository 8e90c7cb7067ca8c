/**
 * Coadds: the inverse-variance weighted mean of warped images (image, variance, mask) and
 * the coadd's PSF from its inputs' PSFs.
 */
export { CoaddStack, type StackInput, type StackResult } from './coadd-stack.js';
export { halfMaximumFwhm, meanPsfStamp, type PsfStamp } from './psf-stamp.js';
