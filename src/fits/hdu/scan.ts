import { PromptlyError, throwIfAborted } from '../../core/errors.js';
import { CARD_LENGTH } from '../header/card.js';
import { parseCards } from '../header/card-parse.js';
import { Header } from '../header/header.js';
import { BLOCK_SIZE, decodeCards, findEndCard, padToBlock } from '../header/header-io.js';
import type { ByteSource } from '../io/byte-source.js';
import { describeLayout, type HduInfo } from './hdu-info.js';

/** Blocks read per step at most when looking for END (grows from 1 to this). */
const MAX_HEADER_STEP_BLOCKS = 64;

/** Largest header accepted: 64 MiB (about 840,000 cards; real headers are a few hundred). */
export const MAX_HEADER_BYTES = 64 * 1024 * 1024;

/**
 * Reads the header of the HDU starting at byte `offset` and locates its data unit. Reads
 * the header in growing steps (1, 2, 4 … blocks), never the data. Throws
 * PROMPTLY_E_FITS_TRUNCATED when the header or data unit runs past the end of the source,
 * PROMPTLY_E_FITS_HEADER / _UNSUPPORTED / _DATA for a malformed header (see describeLayout).
 */
export async function readHduAt(
  source: ByteSource,
  offset: number,
  index: number,
  signal?: AbortSignal,
): Promise<HduInfo> {
  const chunks: Uint8Array[] = [];
  let have = 0;
  let step = 1;
  let end = -1;
  while (end < 0) {
    throwIfAborted(signal);
    const left = source.size - offset - have;
    if (left < BLOCK_SIZE) {
      throw new PromptlyError(
        'PROMPTLY_E_FITS_TRUNCATED',
        `header of HDU ${index} at byte ${offset} has no END card before the end of the file`,
      );
    }
    const blocks = Math.min(step, Math.floor(left / BLOCK_SIZE));
    const chunk = await source.read(offset + have, blocks * BLOCK_SIZE, signal);
    chunks.push(chunk);
    const cardsBefore = have / CARD_LENGTH;
    have += chunk.length;
    const found = findEndCard(chunk);
    if (found >= 0) {
      end = cardsBefore + found;
    } else {
      // Fail early on binary junk or an endless header rather than reading the whole file.
      decodeCards(chunk, chunk.length / CARD_LENGTH);
      if (have >= MAX_HEADER_BYTES) {
        throw new PromptlyError(
          'PROMPTLY_E_FITS_HEADER',
          `header of HDU ${index} at byte ${offset} has no END card within ${MAX_HEADER_BYTES} bytes`,
        );
      }
    }
    step = Math.min(step * 2, MAX_HEADER_STEP_BLOCKS);
  }
  const bytes = chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks);
  const header = new Header(parseCards(decodeCards(bytes, end)));
  const layout = describeLayout(header, index === 0);
  const dataOffset = offset + padToBlock((end + 1) * CARD_LENGTH);
  if (dataOffset + layout.dataSize > source.size) {
    throw new PromptlyError(
      'PROMPTLY_E_FITS_TRUNCATED',
      `HDU ${index} declares ${layout.dataSize} data bytes at ${dataOffset} but the file has ${source.size}`,
    );
  }
  const extname = header.get('EXTNAME');
  return {
    ...layout,
    index,
    header,
    headerOffset: offset,
    dataOffset,
    nextOffset: dataOffset + padToBlock(layout.dataSize),
    extname: typeof extname === 'string' ? extname : undefined,
  };
}

const XTENSION = Buffer.from('XTENSION', 'latin1');

/**
 * True when another extension starts at `offset`: at least one block left that begins with
 * `XTENSION`. Anything else after the last HDU (zeros, junk) ends the file, as astropy
 * treats it; a partial block beginning with XTENSION is a truncated file.
 */
async function extensionFollows(
  source: ByteSource,
  offset: number,
  signal?: AbortSignal,
): Promise<boolean> {
  const left = source.size - offset;
  if (left < XTENSION.length) return false;
  const head = await source.read(offset, XTENSION.length, signal);
  if (!XTENSION.equals(head)) return false;
  if (left < BLOCK_SIZE) {
    throw new PromptlyError(
      'PROMPTLY_E_FITS_TRUNCATED',
      `extension at byte ${offset} is cut short`,
    );
  }
  return true;
}

/**
 * Yields the HDUs of a source one by one, lazily: each step reads only the next header.
 * Stops at the end of the file or when what follows is not an extension.
 */
export async function* iterateHdus(
  source: ByteSource,
  signal?: AbortSignal,
): AsyncGenerator<HduInfo> {
  let offset = 0;
  for (let index = 0; ; index++) {
    if (index > 0 && !(await extensionFollows(source, offset, signal))) return;
    const hdu = await readHduAt(source, offset, index, signal);
    yield hdu;
    offset = hdu.nextOffset;
  }
}

/** Every HDU of a source (headers only; data units are not read). */
export async function scanHdus(source: ByteSource, signal?: AbortSignal): Promise<HduInfo[]> {
  const out: HduInfo[] = [];
  for await (const hdu of iterateHdus(source, signal)) out.push(hdu);
  return out;
}

/**
 * Reads the raw data unit of an HDU (big-endian bytes exactly as stored, without padding).
 * The result is a fresh array the caller owns.
 */
export function readDataUnit(
  source: ByteSource,
  hdu: HduInfo,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  return source.read(hdu.dataOffset, hdu.dataSize, signal);
}
