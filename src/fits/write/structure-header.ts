import { PromptlyError } from '../../core/errors.js';
import { makeValueCard, type Card } from '../header/card.js';
import { formatCard } from '../header/card-format.js';
import { Header } from '../header/header.js';

const STRUCTURAL = /^(SIMPLE|XTENSION|BITPIX|NAXIS\d*|PCOUNT|GCOUNT|TFIELDS|EXTEND|END)$/;

function copyOrMake(
  header: Header,
  keyword: string,
  fallback: number | boolean | undefined,
  comment: string,
): Card {
  const c = header.getCard(keyword);
  if (c !== undefined) return c;
  if (fallback === undefined)
    throw new PromptlyError('PROMPTLY_E_FITS_HEADER', `missing mandatory keyword ${keyword}`);
  return makeValueCard(keyword, fallback, comment);
}

/** True when some string value will be written with CONTINUE cards. */
function needsContinue(header: Header): boolean {
  for (const c of header) {
    if (c.kind !== 'value' || c.hierarch || typeof c.value !== 'string') continue;
    if (c.image !== undefined ? c.image.length > 80 : formatCard(c).length > 80) return true;
  }
  return false;
}

/**
 * Returns a copy of `header` with its mandatory keywords first, in the order the standard
 * requires (plus `LONGSTRN = 'OGIP 1.0'`, as cfitsio writes it, when a string needs
 * CONTINUE cards and the header has no LONGSTRN), for an HDU written as the primary HDU (`SIMPLE = T`, …, `EXTEND = T`) or as an
 * extension (`XTENSION`, BITPIX, NAXIS, NAXISn, PCOUNT, GCOUNT, [TFIELDS]). An image header
 * may come in either form; tables must be extensions. Throws PROMPTLY_E_FITS_HEADER for a
 * header lacking BITPIX or NAXIS/NAXISn, or a table placed first.
 */
export function structureHeader(header: Header, primary: boolean): Header {
  const first = header.cards[0];
  let xtension = 'IMAGE';
  if (first?.kind === 'value' && first.keyword === 'XTENSION' && typeof first.value === 'string') {
    xtension = first.value.trim().toUpperCase() || 'IMAGE';
  }
  if (primary && xtension !== 'IMAGE') {
    throw new PromptlyError('PROMPTLY_E_FITS_HEADER', `a ${xtension} cannot be the primary HDU`);
  }
  const naxis = header.getInt('NAXIS');
  const cards: Card[] = [];
  if (primary) cards.push(makeValueCard('SIMPLE', true, 'conforms to FITS standard'));
  else
    cards.push(
      makeValueCard(
        'XTENSION',
        xtension,
        xtension === 'IMAGE' ? 'Image extension' : 'binary table extension',
      ),
    );
  cards.push(copyOrMake(header, 'BITPIX', undefined, ''));
  cards.push(copyOrMake(header, 'NAXIS', undefined, ''));
  for (let i = 1; i <= naxis; i++) cards.push(copyOrMake(header, `NAXIS${i}`, undefined, ''));
  if (primary) {
    cards.push(copyOrMake(header, 'EXTEND', true, 'may contain extensions'));
  } else {
    cards.push(copyOrMake(header, 'PCOUNT', 0, 'number of parameters'));
    cards.push(copyOrMake(header, 'GCOUNT', 1, 'number of groups'));
    if (xtension === 'BINTABLE' || xtension === 'TABLE')
      cards.push(copyOrMake(header, 'TFIELDS', undefined, ''));
  }
  if (!header.has('LONGSTRN') && needsContinue(header)) {
    cards.push(
      makeValueCard('LONGSTRN', 'OGIP 1.0', 'The OGIP long string convention may be used.'),
    );
  }
  for (const c of header) {
    if (c.kind === 'value' && !c.hierarch && STRUCTURAL.test(c.keyword)) continue;
    cards.push(c);
  }
  return new Header(cards);
}
