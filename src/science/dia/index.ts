export { erf, normalCdf, pixelProfile, windowAbout, type FitWindow } from './pixel-gaussian.js';
export {
  fitPsf,
  forcedModelFluxes,
  forcedPsfFluxes,
  type PsfFit,
  type PsfFitOptions,
} from './psf-fit.js';
export { fitPsfWidth } from './psf-width.js';
export { fitTrail, type TrailFit } from './trail-fit.js';
export { fitDipole, type DipoleFit } from './dipole-fit.js';
export { nelderMead } from './nelder-mead.js';
