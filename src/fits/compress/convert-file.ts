/**
 * fpack/funpack in one function: copies every HDU of a FITS file, compressing image HDUs
 * (RICE_1, GZIP_1, GZIP_2, NOCOMPRESS) or decompressing tile-compressed ones ('none'). Other
 * HDUs, and BITPIX 64 images (which fpack refuses too), are copied unchanged. The output is written HDU by HDU to a temp file beside OUT,
 * then renamed, so a failed conversion never leaves a half-written OUT.
 */
import { rename, rm } from 'node:fs/promises';
import { PromptlyError, throwIfAborted } from '../../core/errors.js';
import { FitsFile } from '../hdu/fits-file.js';
import type { HduInfo } from '../hdu/hdu-info.js';
import { Header } from '../header/header.js';
import { fileSink, type ByteSink } from '../write/byte-sink.js';
import { createFitsWriter } from '../write/fits-writer.js';
import type { WritableHdu } from '../write/writable-hdu.js';
import { imageHeaderFromCompressed } from './image-header.js';
import { pixelsFromBigEndian, type ImagePixels } from './pixels.js';
import type { QuantizeMethod } from './quantize.js';
import type { WriteCompression } from './tile-encode.js';
import type { CompressImageOptions, CompressedHdu } from './tiled-image-write.js';
import type { DecodedImage } from './tiled-image.js';

// The codecs are loaded for the direction at hand only: module loading is a measured part
// of a short `promptly fits convert` process, and decompressing needs none of the encoder
// (nor compressing a plain image any of the decoders).
const encoder = (): Promise<typeof import('./tiled-image-write.js')> =>
  import('./tiled-image-write.js');
const decoder = (): Promise<typeof import('./tiled-image.js')> => import('./tiled-image.js');

/** Options of convertFitsFile. */
export interface ConvertOptions {
  /** Target storage of image HDUs; 'none' decompresses (funpack). Default RICE_1. */
  readonly compression?: WriteCompression | 'none';
  /** Float quantization level (fpack -q); default 4; 0 = lossless. */
  readonly quantizeLevel?: number;
  /** Dither method for quantized floats; default SUBTRACTIVE_DITHER_1. */
  readonly quantizeMethod?: QuantizeMethod;
  /** ZDITHER0 for quantized floats; default from the clock. */
  readonly ditherSeed?: number;
  /** Write CHECKSUM/DATASUM in every output HDU; default: when any input HDU has them. */
  readonly checksum?: boolean;
  /** Tile shape, NAXIS1 first; default one row. */
  readonly tile?: readonly number[];
  readonly signal?: AbortSignal;
}

/** What happened to each HDU. */
export interface ConvertReport {
  readonly hdus: ReadonlyArray<{
    readonly index: number;
    readonly action: 'compressed' | 'decompressed' | 'copied';
  }>;
  readonly bytesWritten: number;
}

/** Big-endian bytes of a run of pixels, converted in place (the run is not used again). */
function runToBigEndian(pixels: ImagePixels): Uint8Array {
  const bytes = new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  const size = pixels.BYTES_PER_ELEMENT;
  if (size > 1) {
    const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (size === 2) b.swap16();
    else if (size === 4) b.swap32();
    else b.swap64();
  }
  return bytes;
}

/** The decompressed image HDU, its pixels decoded run by run while earlier runs are written. */
function decompressedHdu(
  file: FitsFile,
  hdu: HduInfo,
  header: Header,
  signal?: AbortSignal,
): WritableHdu {
  return {
    header,
    replayable: false,
    data: async function* () {
      // the pipelined sink holds at most one chunk once write() resolves: two buffers would
      // do, a third is margin; 256 KiB runs keep the three in the CPU cache (4 MB runs
      // cost 15 ms more system time on a 4k×4k image, faulting fresh pages in and out)
      const options = { runBuffers: 3, runPixels: 1 << 16, ...(signal ? { signal } : {}) };
      const { streamCompressedImage } = await decoder();
      for await (const run of streamCompressedImage(file.source, hdu, options)) {
        yield runToBigEndian(run.pixels);
      }
    },
  };
}

/**
 * A sink that keeps one write in flight: write() resolves as soon as the PREVIOUS write has
 * finished, so the producer decodes or encodes the next chunk while the disk takes this
 * one. A producer may reuse a chunk only after a later write() resolved (decompressed runs
 * take turns in three buffers).
 */
function pipelined(sink: ByteSink): ByteSink {
  let inflight: Promise<void> = Promise.resolve();
  return {
    async write(chunk, signal) {
      const previous = inflight;
      inflight = previous.then(() => sink.write(chunk, signal));
      // surface a failed write on the next call at the latest
      inflight.catch(() => undefined);
      await previous;
    },
    async writeAt(position, chunk, signal) {
      await inflight;
      if (sink.writeAt === undefined) {
        throw new PromptlyError('PROMPTLY_E_FITS_UNSUPPORTED', 'sink cannot patch headers');
      }
      await sink.writeAt(position, chunk, signal);
    },
    async close() {
      await inflight;
      await sink.close();
    },
  };
}

/** True when the asked tiling (default: one row) makes every tile a run of whole rows. */
function rowTiles(axes: readonly number[], tile: readonly number[] | undefined): boolean {
  if (tile === undefined) return true;
  if ((tile[0] ?? axes[0] ?? 0) < (axes[0] ?? 0)) return false;
  for (let d = 2; d < axes.length; d++) if ((tile[d] ?? 1) > 1) return false;
  return true;
}

/**
 * Stored pixels of a plain image, about 64 Ki at a time (256 KiB of int32), the next read in
 * flight. Two buffers take turns: a run is overwritten only after the consumer asked for
 * the run after it (by then the encoder is done with it). Small runs keep both buffers in
 * the CPU cache and cost few page faults: 4 MB runs (a million pixels) cost a 4k×4k int32
 * convert ~40 ms more CPU time, mostly in faulting their pages in.
 */
async function* plainRuns(
  file: FitsFile,
  hdu: HduInfo,
  signal?: AbortSignal,
): AsyncGenerator<ImagePixels> {
  const width = hdu.axes[0] ?? 0;
  if (width === 0) return;
  const rows = hdu.axes.slice(1).reduce((a, b) => a * b, 1);
  const step = Math.max(1, Math.floor((1 << 16) / width));
  const rowBytes = width * (Math.abs(hdu.bitpix) / 8);
  const buffers: Uint8Array[] = [];
  const read = async (first: number, turn: number): Promise<ImagePixels> => {
    const length = Math.min(step, rows - first) * rowBytes;
    const buffer = (buffers[turn] ??= new Uint8Array(Math.min(step, rows) * rowBytes));
    const target = buffer.subarray(0, length);
    const at = hdu.dataOffset + first * rowBytes;
    const { source } = file;
    if (source.readInto !== undefined) await source.readInto(at, target, signal);
    else target.set(await source.read(at, length, signal));
    return pixelsFromBigEndian(target, hdu.bitpix);
  };
  let next = read(0, 0);
  for (let first = 0, turn = 0; first < rows; first += step, turn ^= 1) {
    const current = await next;
    if (first + step < rows) {
      next = read(first + step, turn ^ 1);
      next.catch(() => undefined); // awaited on the next turn; never left unhandled
    }
    yield current;
  }
}

async function rawCopy(file: FitsFile, hdu: HduInfo, signal?: AbortSignal): Promise<WritableHdu> {
  if (hdu.dataSize === 0) return { header: hdu.header };
  const bytes = await file.readData(hdu, signal);
  return { header: hdu.header, data: () => [bytes] };
}

function emptyPrimary(from: Header | undefined): WritableHdu {
  const h = new Header().set('SIMPLE', true, 'file does conform to FITS standard');
  h.set('BITPIX', 8).set('NAXIS', 0).set('EXTEND', true);
  // keep the primary's own cards when it had no data to move
  if (from !== undefined)
    for (const c of from)
      if (c.kind !== 'value' || !/^(SIMPLE|BITPIX|NAXIS\d*|EXTEND)$/.test(c.keyword)) h.append(c);
  return { header: h };
}

/**
 * Converts IN to OUT. Throws the FITS codes of the readers for bad input,
 * PROMPTLY_E_STORE_IO when OUT cannot be written, PROMPTLY_E_ABORTED on abort.
 */
export async function convertFitsFile(
  inPath: string,
  outPath: string,
  options: ConvertOptions = {},
): Promise<ConvertReport> {
  const { signal } = options;
  const compression = options.compression ?? 'RICE_1';
  const file = await FitsFile.open(inPath, signal);
  const tmp = `${outPath}.tmp-${process.pid}-${Date.now()}`;
  const report: Array<{ index: number; action: 'compressed' | 'decompressed' | 'copied' }> = [];
  let ok = false;
  try {
    const hdus = await file.hdus(signal);
    const sink = pipelined(await fileSink(tmp, signal));
    // checksums are written when the input had them (funpack and fpack do the same)
    const checksum = options.checksum ?? hdus.some((h) => h.header.has('CHECKSUM'));
    const writer = createFitsWriter(sink, { checksum });
    try {
      for (const hdu of hdus) {
        throwIfAborted(signal);
        if (compression === 'none') {
          if (hdu.kind === 'compressed-image') {
            const first = hdu.index === 1 && hdus[0]?.dataSize === 0 && hdu.header.has('ZSIMPLE');
            const header = imageHeaderFromCompressed(hdu.header, first);
            await writer.writeHdu(decompressedHdu(file, hdu, header, signal), signal);
            report.push({ index: hdu.index, action: 'decompressed' });
            continue;
          }
          // an empty primary whose image lives in a ZSIMPLE extension is replaced by it
          const next = hdus[1];
          if (
            hdu.index === 0 &&
            hdu.dataSize === 0 &&
            next?.kind === 'compressed-image' &&
            next.header.has('ZSIMPLE')
          )
            continue;
          await writer.writeHdu(await rawCopy(file, hdu, signal), signal);
          report.push({ index: hdu.index, action: 'copied' });
          continue;
        }
        const isImage = hdu.kind === 'image' || hdu.kind === 'compressed-image';
        // 64-bit images stay plain: fpack refuses them and no reader decodes them compressed
        if (!isImage || hdu.dataSize === 0 || (hdu.kind === 'image' && hdu.bitpix === 64)) {
          await writer.writeHdu(await rawCopy(file, hdu, signal), signal);
          report.push({ index: hdu.index, action: 'copied' });
          continue;
        }
        const compressOptions: CompressImageOptions = {
          compression,
          ...(options.tile ? { tile: options.tile } : {}),
          ...(options.quantizeLevel !== undefined ? { quantizeLevel: options.quantizeLevel } : {}),
          ...(options.quantizeMethod ? { quantizeMethod: options.quantizeMethod } : {}),
          ...(options.ditherSeed !== undefined ? { ditherSeed: options.ditherSeed } : {}),
          fromPrimary: hdu.index === 0 || hdu.header.has('ZSIMPLE'),
          ...(signal ? { signal } : {}),
        };
        const { compressImage, compressImageRuns } = await encoder();
        let compressed: CompressedHdu;
        if (hdu.kind === 'compressed-image') {
          const { readCompressedImage } = await decoder();
          const image = await readCompressedImage(file.source, hdu, { signal });
          compressed = compressImage(image, compressOptions);
        } else if (rowTiles(hdu.axes, options.tile)) {
          // rows are read ahead while earlier rows are encoded
          const runs = plainRuns(file, hdu, signal);
          compressed = await compressImageRuns(
            hdu.header,
            hdu.bitpix,
            hdu.axes,
            runs,
            compressOptions,
          );
        } else {
          const { readImage } = await import('../image/read-image.js');
          const plain = await readImage(file.source, hdu, { raw: true, signal });
          const image: DecodedImage = {
            header: hdu.header,
            bitpix: hdu.bitpix,
            axes: hdu.axes,
            pixels: plain.pixels as ImagePixels,
          };
          compressed = compressImage(image, compressOptions);
        }
        if (hdu.index === 0) await writer.writeHdu(emptyPrimary(undefined), signal);
        await writer.writeHdu(compressed, signal);
        report.push({ index: hdu.index, action: 'compressed' });
      }
      await writer.close(signal);
    } catch (err) {
      await sink.close().catch(() => undefined);
      throw err;
    }
    const bytesWritten = writer.bytesWritten;
    await rename(tmp, outPath);
    ok = true;
    return { hdus: report, bytesWritten };
  } finally {
    await file.close();
    if (!ok) await rm(tmp, { force: true });
  }
}
