import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isPromptlyError } from '../core/errors.js';
import { readFitsHeader, readFitsImage, writeFitsFile } from './fits-io.js';
import { Header } from './header/header.js';
import { makeImageHdu } from './image/image-hdu.js';
import { tempDir } from './testing/reference.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('whole-file helpers', () => {
  const path = join(tmp.dir, 'mef.fits');

  it('writes a multi-extension file and reads the first image with pixels by default', async () => {
    const primary = new Header()
      .set('SIMPLE', true)
      .set('BITPIX', 8)
      .set('NAXIS', 0)
      .set('INSTRUME', 'LATISS');
    await writeFitsFile(path, [
      { header: primary },
      makeImageHdu(Uint16Array.from([1, 2, 3, 65535]), [2, 2], { extname: 'SCI' }),
      makeImageHdu(Float32Array.from([0.5, 1.5]), [2, 1], { extname: 'VAR' }),
    ]);
    const sci = await readFitsImage(path);
    expect(sci.hdu.index).toBe(1);
    expect(Array.from(sci.pixels as Uint16Array)).toEqual([1, 2, 3, 65535]);
    const v = await readFitsImage(path, { extname: 'var' });
    expect(Array.from(v.pixels as Float32Array)).toEqual([0.5, 1.5]);
    expect((await readFitsHeader(path)).get('INSTRUME')).toBe('LATISS');
  });

  it('adds LONGSTRN when a value needs CONTINUE cards, and reads the long value back', async () => {
    const long = 'a long observing note, '.repeat(8).trim();
    const hdr = new Header().set('NOTE', long);
    const p = join(tmp.dir, 'long.fits');
    await writeFitsFile(p, [makeImageHdu(Uint8Array.from([1]), [1], { header: hdr })]);
    const back = await readFitsHeader(p);
    expect(back.get('LONGSTRN')).toBe('OGIP 1.0');
    expect(back.get('NOTE')).toBe(long);
  });

  it('reports a missing extension name with PROMPTLY_E_FITS_RANGE', async () => {
    let code = '';
    await readFitsImage(path, { extname: 'NOPE' }).catch((err: unknown) => {
      code = isPromptlyError(err) ? err.code : 'uncoded';
    });
    expect(code).toBe('PROMPTLY_E_FITS_RANGE');
  });
});
