/**
 * Pixel algorithms, pure TypeScript on typed arrays: ISR (overscan, assembly, bias, flat),
 * SExtractor-style background, threshold detection and source measurement.
 */
export { apertureSum, circleRectOverlap, type ApertureSum } from './aperture.js';
export { assembleAmps, detectorExtent, type AmpPlacement } from './assemble.js';
export {
  estimateBackground,
  estimateBackgroundMesh,
  type BackgroundMesh,
  type BackgroundOptions,
  type BackgroundResult,
} from './background.js';
export {
  detectSources,
  type BackgroundModel,
  type DetectOptions,
  type Detections,
} from './detect.js';
export {
  assertBoxInside,
  createImage,
  cropImage,
  imageFrom,
  type Box,
  type Image,
} from './image.js';
export {
  runIsr,
  type AmpIsrStats,
  type IsrAmp,
  type IsrInput,
  type IsrOptions,
  type IsrResult,
} from './isr.js';
export { IsrFrame, type IsrAmpLayout } from './isr-frame.js';
export { correctCrosstalk } from './crosstalk.js';
export { correctLinearity } from './linearity.js';
export {
  CROSSTALK_EXTNAME,
  crosstalkFits,
  DEFECTS_EXTNAME,
  defectsFits,
  LINEARIZER_EXTNAME,
  LINEARIZER_ORDER,
  linearizerFits,
  MAX_CROSSTALK,
  readCrosstalkFits,
  readDefectsFits,
  readLinearizerFits,
  type AmpLinearity,
  type CrosstalkCalib,
} from './isr-calibs/index.js';
export { labelComponents, type FootprintSet } from './label.js';
export {
  measureSources,
  SOURCE_FLAGS,
  type MeasureOptions,
  type SourceCatalog,
} from './measure.js';
export { interpolateMesh } from './mesh-spline.js';
export {
  subtractOverscan,
  type OverscanFit,
  type OverscanOptions,
  type OverscanResult,
  type OverscanStatistic,
} from './overscan.js';
export {
  clippedStatsInPlace,
  medianInPlace,
  selectInPlace,
  type ClippedStats,
} from './robust-stats.js';
export { formatSection, parseSection, type Section } from './section.js';
export {
  convolveSeparable,
  FWHM_PER_SIGMA,
  gaussianKernel1d,
  separableNoiseFactor,
} from './smooth.js';
export { DetectionWorkspace, type WorkspacePlane } from './detection-workspace.js';
export {
  detectRows,
  imageMapRows,
  meshBackgroundRows,
  type BackgroundRows,
  type BandedDetections,
  type BandedDetectOptions,
  type MapRows,
} from './banded-detect.js';
export { measureRows } from './banded-measure.js';
export { imageRows, type RowSource } from './row-source.js';
export { SeparableRows } from './smooth.js';
export {
  BUILTIN_PSF_READERS,
  checkMaskPlanes,
  countMasked,
  createExposure,
  describeMask,
  EXPOSURE_EXTNAMES,
  exposureFrom,
  exposureHdus,
  gaussianPsf,
  interpolateMasked,
  MASK_PLANES,
  maskBit,
  maskBits,
  MAX_MASK_BIT,
  moffatPsf,
  pixelPsf,
  readExposureFits,
  runIsrExposure,
  IsrExposureBuilder,
  type IsrExposureBuilderInput,
  withParts,
  writeExposureFile,
  writeExposureFits,
  type Exposure,
  type ExposureBuffers,
  type ExposureParts,
  type IsrExposureAmp,
  type IsrExposureInput,
  type IsrExposureOptions,
  type IsrExposureResult,
  type IsrExposureStats,
  type IsrSnap,
  type IsrSnapLayout,
  type IsrExposureAmpLayout,
  type MaskPlaneDict,
  type MaskPlaneName,
  type MetadataValue,
  type Psf,
  type PsfReader,
} from './exposure/index.js';
