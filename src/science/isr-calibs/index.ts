/** ISR calibration files besides the master images: defects, crosstalk, linearizer. */
export { calibInvalid } from './calib-fits.js';
export { DEFECTS_EXTNAME, defectsFits, readDefectsFits } from './defects-fits.js';
export {
  CROSSTALK_EXTNAME,
  crosstalkFits,
  MAX_CROSSTALK,
  readCrosstalkFits,
  type CrosstalkCalib,
} from './crosstalk-fits.js';
export {
  LINEARIZER_EXTNAME,
  LINEARIZER_ORDER,
  linearizerFits,
  readLinearizerFits,
  type AmpLinearity,
} from './linearizer-fits.js';
