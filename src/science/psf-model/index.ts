export {
  fitPsfModel,
  MIN_STARS_ORDER0,
  MIN_STARS_ORDER1,
  type PsfModelFit,
  type PsfModelOptions,
} from './fit-psf-model.js';
