import { Header, makeBinaryTableHdu, primaryHdu, writeFits, type Cards } from '../../fits/index.js';
import type { Box } from '../image.js';
import { calibInvalid, numericColumn, tableColumns, withExtension } from './calib-fits.js';

/** EXTNAME of the defect table. */
export const DEFECTS_EXTNAME = 'DEFECTS';

/**
 * A `defects` calibration: a primary header (`cards`, e.g. instrument, detector, validity)
 * then a binary table DEFECTS of boxes, one row each: x0, y0 (0-based detector pixels, the
 * box's lower-left corner), width, height (pixels), as int32 — the columns of Rubin's
 * `lsst.ip.isr.Defects` tables.
 */
export async function defectsFits(boxes: readonly Box[], cards: Cards = []): Promise<Uint8Array> {
  const h = new Header();
  h.set('OBSTYPE', 'defects', 'calibration type');
  h.set('NDEFECTS', boxes.length, 'boxes listed');
  const table = makeBinaryTableHdu(
    [
      { name: 'x0', values: Int32Array.from(boxes, (b) => b.x0), unit: 'pixel' },
      { name: 'y0', values: Int32Array.from(boxes, (b) => b.y0), unit: 'pixel' },
      { name: 'width', values: Int32Array.from(boxes, (b) => b.width), unit: 'pixel' },
      { name: 'height', values: Int32Array.from(boxes, (b) => b.height), unit: 'pixel' },
    ],
    { extname: DEFECTS_EXTNAME, header: h },
  );
  return writeFits([primaryHdu([...cards, ['OBSTYPE', 'defects']]), table]);
}

/**
 * Reads the boxes of a `defects` file. Widths and heights must be ≥ 1 and corners ≥ 0
 * (PROMPTLY_E_CALIBRATION_INVALID otherwise); boxes may reach past the detector (ISR clips).
 */
export async function readDefectsFits(bytes: Uint8Array, signal?: AbortSignal): Promise<Box[]> {
  const what = 'defects';
  return withExtension(
    bytes,
    what,
    DEFECTS_EXTNAME,
    async (source, hdu) => {
      const columns = await tableColumns(source, hdu, signal);
      const [x0, y0, width, height] = ['x0', 'y0', 'width', 'height'].map((n) =>
        numericColumn(columns, n, what),
      ) as [number[], number[], number[], number[]];
      return x0.map((x, i) => {
        const box = { x0: x, y0: y0[i]!, width: width[i]!, height: height[i]! };
        if (
          !(box.x0 >= 0 && box.y0 >= 0 && box.width >= 1 && box.height >= 1) ||
          ![box.x0, box.y0, box.width, box.height].every(Number.isInteger)
        )
          throw calibInvalid(what, `row ${i} is not a box: ${JSON.stringify(box)}`);
        return box;
      });
    },
    signal,
  );
}
