// A second public entry of src/fits, for `promptly fits convert`: conversion alone, so that a
// short-lived convert process loads the codecs and the writer but not the tables, fuzzing
// and inspection code that index.ts brings in (module loading is a measured part of the
// whole-process time). Everything here is also exported by index.ts.
export {
  convertFitsFile,
  type ConvertOptions,
  type ConvertReport,
} from './compress/convert-file.js';
export type { QuantizeMethod } from './compress/quantize.js';
export type { WriteCompression } from './compress/tile-encode.js';
