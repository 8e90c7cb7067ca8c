import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanHdus } from '../hdu/scan.js';
import { Header } from '../header/header.js';
import { makeImageHdu } from '../image/image-hdu.js';
import { readImage } from '../image/read-image.js';
import { bytesSource } from '../io/byte-source.js';
import { columnData, readBinaryTable } from '../table/bintable-read.js';
import { makeBinaryTableHdu } from '../table/bintable-write.js';
import { haveTool, tempDir } from '../testing/reference.js';
import { writeFits } from './write-fits.js';

const HAVE_FITSCOPY = haveTool('fitscopy');
if (!HAVE_FITSCOPY)
  console.warn('cfitsio interop test skipped: /usr/bin/fitscopy (libcfitsio-bin) not installed');

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe.skipIf(!HAVE_FITSCOPY)('files we write, copied by cfitsio', () => {
  it('survive a cfitsio fitscopy with headers, pixels and columns intact', async () => {
    const header = new Header()
      .set('OBSID', 'AT_O_20261121_000042')
      .set('NOTE', 'a long note '.repeat(12).trim())
      .set('HIERARCH LSST CCD TEMP', -101.5);
    const i16 = Int16Array.from({ length: 17 * 13 }, (_, i) => i * 97 - 10000);
    const u16 = Uint16Array.from({ length: 17 * 13 }, (_, i) => (i * 301) % 65536);
    const f32 = Float32Array.from({ length: 17 * 13 }, (_, i) => Math.sin(i) * 1e5);
    const bytes = await writeFits([
      makeImageHdu(i16, [17, 13], { header }),
      makeImageHdu(u16, [17, 13], { extname: 'U16' }),
      makeImageHdu(f32, [17, 13], { extname: 'F32' }),
      makeBinaryTableHdu(
        [
          { name: 'id', values: BigInt64Array.from([1n, 2n, 2n ** 62n]) },
          { name: 'name', values: ['a', 'bb', 'ccc'] },
          { name: 'ok', values: [true, false, true] },
        ],
        { extname: 'CAT' },
      ),
    ]);
    const ours = join(tmp.dir, 'ours.fits');
    const copy = join(tmp.dir, 'copy.fits');
    writeFileSync(ours, bytes);
    execFileSync('/usr/bin/fitscopy', [ours, copy], { stdio: 'pipe' });
    const src = bytesSource(readFileSync(copy));
    const hdus = await scanHdus(src);
    expect(hdus.map((h) => h.extname)).toEqual([undefined, 'U16', 'F32', 'CAT']);
    expect(hdus[0]!.header.get('NOTE')).toBe(header.get('NOTE'));
    expect(hdus[0]!.header.get('LSST CCD TEMP')).toBe(-101.5);
    expect(Array.from((await readImage(src, hdus[0]!)).pixels as Int16Array)).toEqual(
      Array.from(i16),
    );
    expect(Array.from((await readImage(src, hdus[1]!)).pixels as Uint16Array)).toEqual(
      Array.from(u16),
    );
    expect(Array.from((await readImage(src, hdus[2]!)).pixels as Float32Array)).toEqual(
      Array.from(f32),
    );
    const table = await readBinaryTable(src, hdus[3]!);
    expect(Array.from(columnData(table, 'id').values as BigInt64Array)).toEqual([
      1n,
      2n,
      2n ** 62n,
    ]);
    expect(columnData(table, 'name').values).toEqual(['a', 'bb', 'ccc']);
    expect(columnData(table, 'ok').values).toEqual([true, false, true]);
  });
});
