/**
 * PLIO_1 decoding: IRAF's pixel-list line-list encoding as cfitsio's pliocomp.c
 * (`pl_l2pi`) reads it. A line list is a run of 16-bit words: a header giving the list
 * length, then instructions of 4-bit opcode and 12-bit data.
 */
import { PromptlyError } from '../../core/errors.js';

/**
 * Decodes one PLIO_1 tile (`words` are the signed 16-bit line-list words) into `out`,
 * which receives exactly `npix` non-negative integer pixels.
 */
export function plioDecodeInto(words: Int16Array, out: Int32Array, npix: number): void {
  if (npix <= 0) return;
  if (out.length < npix) throw new PromptlyError('PROMPTLY_E_INTERNAL', 'plio output too small');
  if (words.length < 3) {
    throw new PromptlyError('PROMPTLY_E_FITS_DATA', 'corrupt PLIO_1 tile: no line-list header');
  }
  // old lists keep the length in word 3 and start at word 4; newer ones (word 3 < 0) keep
  // the header length in word 2 and the list length in words 4–5
  const w2 = words[2] as number;
  const llLen = w2 > 0 ? w2 : ((words[4] ?? 0) << 15) + (words[3] ?? 0);
  const first = w2 > 0 ? 3 : (words[1] as number);
  if (first < 3 || llLen > words.length) {
    throw new PromptlyError(
      'PROMPTLY_E_FITS_DATA',
      `corrupt PLIO_1 tile: list length ${llLen} exceeds ${words.length} words`,
    );
  }
  let op = 0; // next output index
  let x1 = 1; // 1-based pixel position of the next instruction
  let pv = 1; // current high value
  for (let ip = first; ip < llLen && x1 <= npix; ip++) {
    const word = words[ip] as number;
    const opcode = Math.trunc(word / 4096);
    const data = word & 4095;
    switch (opcode) {
      case 0:
      case 4:
      case 5: {
        // runs: zeros (0), high value (4), zeros ending in one high value (5)
        const x2 = x1 + data - 1;
        const i2 = x2 < npix ? x2 : npix;
        const np = i2 - x1 + 1;
        if (np > 0) {
          const top = op + np;
          out.fill(opcode === 4 ? pv : 0, op, top);
          if (opcode === 5 && i2 === x2) out[top - 1] = pv;
          op = top;
        }
        x1 = x2 + 1;
        break;
      }
      case 1:
        pv = ((words[ip + 1] ?? 0) << 12) + data;
        ip++;
        break;
      case 2:
        pv += data;
        break;
      case 3:
        pv -= data;
        break;
      case 6:
      case 7:
        pv += opcode === 6 ? data : -data;
        if (x1 >= 1 && x1 <= npix) out[op++] = pv;
        x1++;
        break;
      default:
        break; // negative words carry no instruction, as in pl_l2pi
    }
  }
  if (op < npix) out.fill(0, op, npix);
}

/** Decodes one PLIO_1 tile into a new Int32Array of `npix` pixels. */
export function plioDecode(words: Int16Array, npix: number): Int32Array {
  const out = new Int32Array(npix);
  plioDecodeInto(words, out, npix);
  return out;
}
