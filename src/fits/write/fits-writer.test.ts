import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { isPromptlyError } from '../../core/errors.js';
import { ChecksumAccumulator, checksumOf, encodeChecksum } from '../checksum.js';
import { verifyFits } from '../describe.js';
import { FitsFile } from '../hdu/fits-file.js';
import { Header } from '../header/header.js';
import { makeImageHdu } from '../image/image-hdu.js';
import { readImage } from '../image/read-image.js';
import { bytesSource } from '../io/byte-source.js';
import { makeBinaryTableHdu } from '../table/bintable-write.js';
import { HAVE_ASTROPY, runReference, tempDir } from '../testing/reference.js';
import { fileSink, memorySink, writableSink } from './byte-sink.js';
import { createFitsWriter } from './fits-writer.js';
import { writeFits } from './write-fits.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return isPromptlyError(err) ? err.code : `uncoded: ${String(err)}`;
  }
}

/** A one-shot stream of big-endian int32 rows 0..n-1, in chunks of 1000 bytes. */
async function* int32Stream(n: number): AsyncGenerator<Uint8Array> {
  await Promise.resolve();
  const all = new Uint8Array(n * 4);
  const view = new DataView(all.buffer);
  for (let i = 0; i < n; i++) view.setInt32(i * 4, i * 3 - 7);
  for (let at = 0; at < all.length; at += 1000) yield all.slice(at, at + 1000);
}

function int32Header(n: number): Header {
  return new Header().set('XTENSION', 'IMAGE').set('BITPIX', 32).set('NAXIS', 1).set('NAXIS1', n);
}

describe('checksum arithmetic', () => {
  it('sums bytes fed in odd-sized chunks the same as all at once', () => {
    const bytes = Uint8Array.from({ length: 10007 }, (_, i) => (i * 7919) % 256);
    const acc = new ChecksumAccumulator();
    for (let at = 0; at < bytes.length; at += 333) acc.update(bytes.subarray(at, at + 333));
    expect(acc.sum).toBe(checksumOf(bytes));
  });

  it('encodes a checksum as 16 alphanumeric characters', () => {
    for (const sum of [0, 1, 0xffffffff, 0x12345678, 0x80000000]) {
      expect(encodeChecksum(sum)).toMatch(/^[0-9A-Za-z]{16}$/);
    }
  });
});

describe('FITS writer', () => {
  it('places an empty primary HDU before a table written first', async () => {
    const bytes = await writeFits([
      makeBinaryTableHdu([{ name: 'a', values: Int32Array.from([1, 2]) }]),
    ]);
    const hdus = await new FitsFile(bytesSource(bytes)).hdus();
    expect(hdus.map((h) => h.kind)).toEqual(['image', 'bintable']);
    expect(hdus[0]!.axes).toEqual([]);
  });

  it('streams a one-shot data source to a file and patches its checksums afterwards', async () => {
    const path = join(tmp.dir, 'stream.fits');
    const writer = createFitsWriter(await fileSink(path), { checksum: true });
    await writer.writeHdu(makeImageHdu(Int16Array.from([1, 2, 3, 4]), [2, 2]));
    await writer.writeHdu({
      header: int32Header(5000),
      data: () => int32Stream(5000),
      replayable: false,
    });
    await writer.close();
    const results = await verifyFits(bytesSource(readFileSync(path)), true);
    expect(results.map((r) => [r.checksum, r.datasum])).toEqual([
      ['ok', 'ok'],
      ['ok', 'ok'],
    ]);
    const file = await FitsFile.open(path);
    const img = await readImage(file.source, await file.hdu(1));
    await file.close();
    expect((img.pixels as Int32Array)[4999]).toBe(4999 * 3 - 7);
  });

  it('refuses checksums of a one-shot stream on a sink that cannot seek', async () => {
    const writer = createFitsWriter(writableSink(new PassThrough()), { checksum: true });
    await writer.writeHdu(makeImageHdu(Uint8Array.from([1]), [1]));
    const code = await codeOf(
      writer.writeHdu({ header: int32Header(10), data: () => int32Stream(10), replayable: false }),
    );
    expect(code).toBe('PROMPTLY_E_FITS_UNSUPPORTED');
  });

  it('writes through a Node Writable with back-pressure and produces a readable file', async () => {
    const path = join(tmp.dir, 'writable.fits');
    const stream = createWriteStream(path, { highWaterMark: 4096 });
    const writer = createFitsWriter(writableSink(stream), { checksum: true });
    const px = Float64Array.from({ length: 300 * 200 }, (_, i) => Math.sqrt(i));
    await writer.writeHdu(makeImageHdu(px, [300, 200], { chunkBytes: 10_000 }));
    await writer.close();
    const bytes = readFileSync(path);
    expect(bytes.length % 2880).toBe(0);
    const src = bytesSource(bytes);
    const [hdu] = await new FitsFile(src).hdus();
    expect(Array.from((await readImage(src, hdu!)).pixels as Float64Array)).toEqual(Array.from(px));
  });

  it('rejects a data stream shorter than its header declares, and refuses to go on', async () => {
    const sink = memorySink();
    const writer = createFitsWriter(sink);
    expect(
      await codeOf(writer.writeHdu({ header: int32Header(5000), data: () => int32Stream(10) })),
    ).toBe('PROMPTLY_E_FITS_DATA');
    expect(await codeOf(writer.writeHdu(makeImageHdu(Uint8Array.from([1]), [1])))).toBe(
      'PROMPTLY_E_INTERNAL',
    );
  });

  it('rejects pixels that do not fill the shape', () => {
    let code = '';
    try {
      makeImageHdu(new Float32Array(10), [3, 3]);
    } catch (err) {
      code = isPromptlyError(err) ? err.code : '';
    }
    expect(code).toBe('PROMPTLY_E_FITS_DATA');
  });

  it.skipIf(!HAVE_ASTROPY)(
    'writes streamed files that astropy verifies (skipped without astropy)',
    async () => {
      const path = join(tmp.dir, 'stream-astropy.fits');
      const writer = createFitsWriter(await fileSink(path), { checksum: true });
      await writer.writeHdu({
        header: int32Header(3000),
        data: () => int32Stream(3000),
        replayable: false,
      });
      await writer.close();
      const got = JSON.parse(runReference('astropy-image.py', ['read', path, tmp.dir])) as {
        checksum: number;
        datasum: number;
      }[];
      expect(got.map((g) => [g.checksum, g.datasum])).toEqual([[1, 1]]);
    },
  );
});
