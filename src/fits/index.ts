// Public API of src/fits. Other folders import from here only ('../fits/index.js').

// Headers
export {
  CARD_LENGTH,
  COMMENTARY_KEYWORDS,
  describeValue,
  lookupKey,
  makeCommentaryCard,
  makeValueCard,
  normalizeKeyword,
  type Card,
  type CardValue,
  type CommentaryCard,
  type FitsComplex,
  type MakeCardOptions,
  type ValueCard,
  type ValueType,
} from './header/card.js';
export { parseCard, parseCards, parseValueField } from './header/card-parse.js';
export { formatCard, formatFloat } from './header/card-format.js';
export { Header } from './header/header.js';
export {
  BLOCK_SIZE,
  CARDS_PER_BLOCK,
  decodeCards,
  findEndCard,
  headerText,
  padToBlock,
  parseHeader,
  serializeHeader,
  type ParsedHeader,
} from './header/header-io.js';

// Random access
export { bytesSource, fileSource, type ByteSource, type FileSource } from './io/byte-source.js';
export {
  describeLayout,
  isBitpix,
  type Bitpix,
  type DataLayout,
  type HduInfo,
  type HduKind,
} from './hdu/hdu-info.js';
export { iterateHdus, readDataUnit, readHduAt, scanHdus } from './hdu/scan.js';
export { FitsFile } from './hdu/fits-file.js';
export { quickScan, type HduBounds, type QuickScan } from './hdu/quick-scan.js';

// Images
export {
  bytesPerPixel,
  checkShape,
  choosePixelFormat,
  pixelTypeOf,
  rawPixelType,
  readScaling,
  storageFor,
  UNSIGNED_BZERO,
  type PixelArray,
  type PixelFormat,
  type PixelScaling,
  type PixelType,
} from './image/pixel-format.js';
export { decodePixels, flipSignBits, swapToNative } from './image/decode-pixels.js';
export {
  DEFAULT_CHUNK_BYTES,
  encodePixels,
  naturalStorage,
  pixelChunks,
  type PixelStorage,
} from './image/encode-pixels.js';
export {
  readImage,
  readImageRect,
  readImageRows,
  type FitsImage,
  type ImageReadOptions,
  type PixelRect,
} from './image/read-image.js';
export { makeImageHdu, type ImageHduOptions } from './image/image-hdu.js';

// Checksums
export {
  ChecksumAccumulator,
  addChecksums,
  applyChecksum,
  assertChecksumOk,
  checksumOf,
  encodeChecksum,
  verifyHduChecksum,
  type ChecksumStatus,
  type HduChecksumResult,
} from './checksum.js';
export { verifyChecksumsInMemory } from './checksum-in-memory.js';

// Writing
export { rawHdu, type DataChunks, type WritableHdu } from './write/writable-hdu.js';
export { structureHeader } from './write/structure-header.js';
export {
  fileSink,
  memorySink,
  writableSink,
  type ByteSink,
  type MemorySink,
} from './write/byte-sink.js';
export {
  createFitsWriter,
  type FitsWriter,
  type FitsWriterOptions,
  type WrittenHdu,
} from './write/fits-writer.js';
export { writeFits } from './write/write-fits.js';
export { headerOf, imageFits, primaryHdu, type Cards } from './write/simple-fits.js';

// Tables
export {
  BINARY_TYPE_BYTES,
  columnWidth,
  describeBinaryTable,
  findColumn,
  parseBinaryForm,
  type BinaryColumn,
  type BinaryForm,
  type BinaryTableLayout,
  type BinaryType,
} from './table/bintable-layout.js';
export {
  columnData,
  readBinaryTable,
  readTableColumns,
  type BinaryTable,
  type BinaryTableReadOptions,
  type ColumnData,
} from './table/bintable-read.js';
export {
  makeBinaryTableHdu,
  type BinaryTableOptions,
  type ColumnSpec,
} from './table/bintable-write.js';
export {
  describeAsciiTable,
  readAsciiTable,
  type AsciiColumn,
  type AsciiColumnData,
} from './table/ascii-table-read.js';

// Whole-file summaries
export { describeFits, verifyFits, type CompressionSummary, type HduSummary } from './describe.js';

// Tile compression (fpack-compatible): codecs, compressed-image read/write, convert, fuzz
export {
  RICE_DEFAULT_BLOCK_SIZE,
  riceDecode,
  riceDecodeInto,
  riceEncode,
  type RiceBytePix,
} from './compress/rice.js';
export { gunzipTile, gzipTile, shuffleBytes, unshuffleBytes } from './compress/gzip.js';
export { plioDecode } from './compress/plio.js';
export { hDecompress, type HDecoded } from './compress/hcompress.js';
export { DitherCursor, N_RANDOM, chooseDitherSeed, ditherRandoms } from './compress/dither.js';
export {
  NULL_VALUE,
  ZERO_VALUE,
  quantizeTile,
  unquantizeInto,
  type QuantizeMethod,
  type QuantizeResult,
  type UnquantizeParams,
} from './compress/quantize.js';
export { noiseEstimate, type NoiseStats } from './compress/noise.js';
export type { ImageBitpix, ImagePixels } from './compress/pixels.js';
export {
  describeCompressedImage,
  tileBox,
  type CompressedImageInfo,
  type CompressionType,
  type TileBox,
} from './compress/compressed-image-info.js';
export { imageHeaderFromCompressed } from './compress/image-header.js';
export {
  DEFAULT_MAX_IMAGE_BYTES,
  readCompressedImage,
  readCompressedRegion,
  readCompressedTile,
  streamCompressedImage,
  type DecodedImage,
  type DecodedTile,
  type PixelRun,
  type ReadCompressedOptions,
  type ReadRegionOptions,
} from './compress/tiled-image.js';
export {
  compressImage,
  compressImageRuns,
  type CompressImageOptions,
  type CompressedHdu,
} from './compress/tiled-image-write.js';
export type { WriteCompression } from './compress/tile-encode.js';
export { applyScaling, fitsImageFromDecoded, readAnyImage } from './compress/read-any-image.js';
export {
  convertFitsFile,
  type ConvertOptions,
  type ConvertReport,
} from './compress/convert-file.js';
export {
  fuzzBases,
  runFitsFuzz,
  type FuzzFailure,
  type FuzzOptions,
  type FuzzOutcome,
  type FuzzReport,
} from './compress/fuzz.js';

// Whole-file conveniences
export { readFitsHeader, readFitsImage, writeFitsFile, type HduSelector } from './fits-io.js';
export { FitsRowFile } from './row-file.js';
