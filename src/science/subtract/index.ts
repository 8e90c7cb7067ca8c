/**
 * PSF-matched image differencing: Alard–Lupton kernel fit on star stamps, FFT application with
 * a spatially varying kernel, Reiss & Lupton decorrelation, exact variance and mask propagation.
 */
export { createFftPlan, fft2d, type FftPlan } from './fft.js';
export {
  convolveStampWithBasis,
  createKernelBasis,
  renderKernel,
  type KernelBasis,
  type KernelBasisSpec,
} from './kernel-basis.js';
export {
  fitKernel,
  kernelCoefficientsAt,
  kernelImageAt,
  type KernelFitOptions,
  type KernelSolution,
  type PlanePair,
  type StampFit,
} from './kernel-fit.js';
export { dilateMaskOr } from './mask-dilate.js';
export {
  kernelSigma,
  MASK_DIFF_EDGE,
  subtractImages,
  type KernelQuality,
  type MaskedExposure,
  type SubtractOptions,
  type SubtractResult,
} from './subtract.js';
