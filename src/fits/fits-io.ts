import { PromptlyError } from '../core/errors.js';
import { FitsFile } from './hdu/fits-file.js';
import type { HduInfo } from './hdu/hdu-info.js';
import type { Header } from './header/header.js';
import { readImage, type FitsImage } from './image/read-image.js';
import { fileSink } from './write/byte-sink.js';
import { createFitsWriter, type FitsWriterOptions } from './write/fits-writer.js';
import type { WritableHdu } from './write/writable-hdu.js';

/** Which HDU to use: by index, by EXTNAME (and EXTVER), or by default. */
export interface HduSelector {
  /** HDU index, 0 = primary. */
  readonly hdu?: number;
  /** EXTNAME (case-insensitive); takes precedence over `hdu`. */
  readonly extname?: string;
  readonly extver?: number;
  readonly signal?: AbortSignal;
}

async function select(
  file: FitsFile,
  selector: HduSelector,
  imageDefault: boolean,
): Promise<HduInfo> {
  const { signal } = selector;
  if (selector.extname !== undefined) return file.find(selector.extname, selector.extver, signal);
  if (selector.hdu !== undefined) return file.hdu(selector.hdu, signal);
  if (!imageDefault) return file.hdu(0, signal);
  // Default image: the primary when it has pixels, else the first image extension with pixels.
  for (let i = 0; ; i++) {
    const hdu = await file.hdu(i, signal).catch((err: unknown) => {
      if (err instanceof PromptlyError && err.code === 'PROMPTLY_E_FITS_RANGE') return undefined;
      throw err;
    });
    if (hdu === undefined)
      throw new PromptlyError('PROMPTLY_E_FITS_RANGE', 'file has no image HDU with pixels');
    if ((hdu.kind === 'image' && hdu.dataSize > 0) || hdu.kind === 'compressed-image') return hdu;
  }
}

/** Reads the header of one HDU of a file (default: the primary). */
export async function readFitsHeader(path: string, selector: HduSelector = {}): Promise<Header> {
  const file = await FitsFile.open(path, selector.signal);
  try {
    return (await select(file, selector, false)).header;
  } finally {
    await file.close();
  }
}

/**
 * Reads the pixels of one image HDU of a file. By default, the primary HDU when it has
 * pixels, else the first image extension that has. A tile-compressed HDU gives
 * PROMPTLY_E_FITS_UNSUPPORTED here (the compression module reads those).
 */
export async function readFitsImage(
  path: string,
  options: HduSelector & { readonly raw?: boolean } = {},
): Promise<FitsImage & { readonly header: Header; readonly hdu: HduInfo }> {
  const file = await FitsFile.open(path, options.signal);
  try {
    const hdu = await select(file, options, true);
    const image = await readImage(file.source, hdu, { raw: options.raw, signal: options.signal });
    return { ...image, header: hdu.header, hdu };
  } finally {
    await file.close();
  }
}

/**
 * Writes HDUs to a file, streaming each data unit in chunks (the first HDU becomes the
 * primary). The file is created or truncated; write to a temporary name and rename for
 * atomicity (the object store does).
 */
export async function writeFitsFile(
  path: string,
  hdus: Iterable<WritableHdu> | AsyncIterable<WritableHdu>,
  options: FitsWriterOptions & { readonly signal?: AbortSignal } = {},
): Promise<void> {
  const sink = await fileSink(path, options.signal);
  const writer = createFitsWriter(sink, options);
  try {
    for await (const hdu of hdus) await writer.writeHdu(hdu, options.signal);
  } finally {
    await writer.close(options.signal).catch(() => sink.close());
  }
}
