/**
 * The exposure model: image + mask bit planes + variance with WCS and PSF, its
 * multi-extension FITS form, and ISR that produces it.
 */
export {
  createExposure,
  exposureFrom,
  withParts,
  type Exposure,
  type ExposureBuffers,
  type ExposureParts,
  type MetadataValue,
} from './exposure.js';
export {
  EXPOSURE_EXTNAMES,
  exposureHdus,
  readExposureFits,
  writeExposureFile,
  writeExposureFits,
  type ReadExposureOptions,
} from './exposure-fits.js';
export { interpolateMasked, type InterpolateOptions } from './interpolate.js';
export {
  runIsrExposure,
  IsrExposureBuilder,
  type IsrExposureBuilderInput,
  type IsrExposureAmp,
  type IsrExposureInput,
  type IsrExposureOptions,
  type IsrExposureResult,
  type IsrExposureStats,
  type IsrSnap,
  type IsrSnapLayout,
  type IsrExposureAmpLayout,
} from './isr-exposure.js';
export {
  checkMaskPlanes,
  countMasked,
  describeMask,
  maskBit,
  maskBits,
  MASK_PLANES,
  MAX_MASK_BIT,
  type MaskPlaneDict,
  type MaskPlaneName,
} from './mask-planes.js';
export { BUILTIN_PSF_READERS, pixelPsf, type PixelPsf } from './pixel-psf.js';
export {
  GAUSSIAN_FWHM_PER_SIGMA,
  gaussianPsf,
  moffatPsf,
  type AnalyticPsfParams,
  type GaussianPsf,
  type KernelRequest,
  type MoffatPsf,
  type Psf,
  type PsfCardSource,
  type PsfFits,
  type PsfImage,
  type PsfReader,
} from './psf.js';
export { maskSaturation, type SaturationOptions, type SaturationRegion } from './saturation.js';
export { markLaplacianCosmicRays, type LaplacianCrOptions } from './laplacian-cosmic-rays.js';
export { markSnapCosmicRays, type SnapCrOptions, type SnapNoise } from './snap-cosmic-rays.js';
