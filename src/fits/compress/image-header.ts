/**
 * Translating headers between an image HDU and its tile-compressed binary table, as fpack
 * writes and funpack restores them: Z-prefixed copies of the mandatory image keywords
 * (ZSIMPLE/ZTENSION, ZBITPIX, ZNAXISn, ZEXTEND, ZPCOUNT/ZGCOUNT, ZHECKSUM/ZDATASUM) and
 * every other card carried over in order.
 */
import { lookupKey, makeValueCard, type Card, type CardValue } from '../header/card.js';
import { Header } from '../header/header.js';

/** Keywords of the table structure and of the compression, never part of the image. */
const TABLE_KEY =
  /^(TTYPE|TFORM|TUNIT|TDIM|TNULL|TSCAL|TZERO|TDISP|TCTYP|TCUNI|TCRPX|TCRVL|TCDLT)\d+$/;
const Z_KEY = /^(ZNAXIS\d*|ZTILE\d+|ZNAME\d+|ZVAL\d+)$/;
const DROP_ON_READ = new Set([
  'XTENSION',
  'SIMPLE',
  'BITPIX',
  'NAXIS',
  'PCOUNT',
  'GCOUNT',
  'TFIELDS',
  'THEAP',
  'EXTEND',
  'CHECKSUM',
  'DATASUM',
  'ZIMAGE',
  'ZCMPTYPE',
  'ZBITPIX',
  'ZSIMPLE',
  'ZTENSION',
  'ZEXTEND',
  'ZBLOCKED',
  'ZPCOUNT',
  'ZGCOUNT',
  'ZHECKSUM',
  'ZDATASUM',
  'ZQUANTIZ',
  'ZDITHER0',
  'ZSCALE',
  'ZZERO',
]);

function isStructural(key: string): boolean {
  return DROP_ON_READ.has(key) || TABLE_KEY.test(key) || Z_KEY.test(key) || /^NAXIS\d+$/.test(key);
}

function copyCard(
  h: Header,
  from: Header,
  fromKey: string,
  toKey: string,
  fallback?: CardValue,
): void {
  const card = from.getCard(fromKey);
  if (card !== undefined)
    h.append(makeValueCard(toKey, card.value, card.comment, { type: card.type }));
  else if (fallback !== undefined) h.append(makeValueCard(toKey, fallback));
}

/**
 * The image header funpack restores from a compressed-image table header. `asPrimary`
 * makes it a primary header (SIMPLE = T, EXTEND); otherwise an IMAGE extension (XTENSION,
 * PCOUNT, GCOUNT). ZBLANK of an integer image becomes BLANK when BLANK is absent.
 */
export function imageHeaderFromCompressed(compressed: Header, asPrimary: boolean): Header {
  const h = new Header();
  if (asPrimary) {
    copyCard(h, compressed, 'ZSIMPLE', 'SIMPLE', true);
    if (h.get('SIMPLE') !== true) h.set('SIMPLE', true, 'file does conform to FITS standard');
  } else {
    const t = compressed.get('ZTENSION');
    h.append(
      makeValueCard(
        'XTENSION',
        typeof t === 'string' ? t : 'IMAGE',
        compressed.getComment('ZTENSION') ?? 'Image extension',
      ),
    );
  }
  copyCard(h, compressed, 'ZBITPIX', 'BITPIX');
  copyCard(h, compressed, 'ZNAXIS', 'NAXIS');
  const naxis = compressed.getInt('ZNAXIS');
  for (let i = 1; i <= naxis; i++) copyCard(h, compressed, `ZNAXIS${i}`, `NAXIS${i}`);
  if (asPrimary) {
    if (compressed.has('ZEXTEND')) copyCard(h, compressed, 'ZEXTEND', 'EXTEND');
  } else {
    copyCard(h, compressed, 'ZPCOUNT', 'PCOUNT', 0);
    copyCard(h, compressed, 'ZGCOUNT', 'GCOUNT', 1);
  }
  const bitpix = compressed.getInt('ZBITPIX');
  for (const card of compressed) {
    if (card.kind !== 'value') {
      h.append(card);
      continue;
    }
    const key = lookupKey(card.keyword);
    if (card.hierarch) {
      h.append(card);
      continue;
    }
    if (key === 'ZHECKSUM') h.append(makeValueCard('CHECKSUM', card.value, card.comment));
    else if (key === 'ZDATASUM') h.append(makeValueCard('DATASUM', card.value, card.comment));
    else if (key === 'EXTNAME' && asPrimary && card.value === 'COMPRESSED_IMAGE') continue;
    else if (key === 'ZBLANK') {
      if (bitpix > 0 && !compressed.has('BLANK'))
        h.append(makeValueCard('BLANK', card.value, card.comment));
    } else if (!isStructural(key)) h.append(card);
  }
  return h;
}

/** Keywords of an image header that the compressed table re-expresses with a Z prefix. */
const IMAGE_STRUCTURAL = new Set([
  'SIMPLE',
  'XTENSION',
  'BITPIX',
  'NAXIS',
  'EXTEND',
  'PCOUNT',
  'GCOUNT',
  'CHECKSUM',
  'DATASUM',
  'ZIMAGE',
  'ZCMPTYPE',
  'ZBITPIX',
  'ZQUANTIZ',
  'ZDITHER0',
  'ZSIMPLE',
  'ZTENSION',
  'ZEXTEND',
  'ZPCOUNT',
  'ZGCOUNT',
  'ZBLANK',
  'TFIELDS',
  'THEAP',
]);

/**
 * The image cards to carry into a compressed table, in order: everything but the
 * mandatory structure keywords (and CHECKSUM/DATASUM, which describe other bytes).
 */
export function userCards(image: Header): Card[] {
  const out: Card[] = [];
  for (const card of image) {
    if (card.kind === 'value' && !card.hierarch) {
      const key = lookupKey(card.keyword);
      if (
        IMAGE_STRUCTURAL.has(key) ||
        /^NAXIS\d+$/.test(key) ||
        TABLE_KEY.test(key) ||
        Z_KEY.test(key)
      )
        continue;
    }
    out.push(card);
  }
  return out;
}
