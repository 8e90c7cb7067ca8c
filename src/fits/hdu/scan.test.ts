import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../../core/errors.js';
import { Header } from '../header/header.js';
import { serializeHeader } from '../header/header-io.js';
import { makeImageHdu } from '../image/image-hdu.js';
import { readImage } from '../image/read-image.js';
import { bytesSource, type ByteSource } from '../io/byte-source.js';
import { columnData, readBinaryTable } from '../table/bintable-read.js';
import { makeBinaryTableHdu } from '../table/bintable-write.js';
import { writeFits } from '../write/write-fits.js';
import { FitsFile } from './fits-file.js';
import { scanHdus } from './scan.js';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return isPromptlyError(err) ? err.code : `uncoded: ${String(err)}`;
  }
}

function primary(cards: [string, number | boolean | string][]): Uint8Array {
  const h = new Header();
  for (const [k, v] of cards) h.set(k, v);
  return serializeHeader(h);
}

/** A source that counts the bytes it is asked for. */
function counting(bytes: Uint8Array): ByteSource & { requested: number } {
  const inner = bytesSource(bytes);
  const src = {
    size: inner.size,
    requested: 0,
    read(offset: number, length: number, signal?: AbortSignal) {
      src.requested += length;
      return inner.read(offset, length, signal);
    },
    close: () => inner.close(),
  };
  return src;
}

const sample = (): Promise<Uint8Array> =>
  writeFits([
    makeImageHdu(
      Int16Array.from({ length: 64 * 64 }, (_, i) => i - 2000),
      [64, 64],
    ),
    makeBinaryTableHdu([{ name: 'x', values: Float64Array.from([1, 2, 3]) }], { extname: 'TAB' }),
    makeImageHdu(
      Float32Array.from({ length: 100 * 100 }, (_, i) => i / 7),
      [100, 100],
      { extname: 'BIG' },
    ),
  ]);

describe('HDU scanning', () => {
  it('locates every HDU and its data from the headers alone', async () => {
    const bytes = await sample();
    const src = counting(bytes);
    const hdus = await scanHdus(src);
    expect(hdus.map((h) => [h.kind, h.extname, h.dataSize])).toEqual([
      ['image', undefined, 64 * 64 * 2],
      ['bintable', 'TAB', 24],
      ['image', 'BIG', 40000],
    ]);
    expect(src.requested).toBe(3 * 2880 + 2 * 8);
    expect(hdus[2]!.nextOffset).toBe(bytes.length);
  });

  it('reads one HDU of a file without touching the others', async () => {
    const src = counting(await sample());
    const file = new FitsFile(src);
    const tab = await file.find('tab');
    const table = await readBinaryTable(src, tab);
    expect(Array.from(columnData(table, 'x').values as Float64Array)).toEqual([1, 2, 3]);
    expect(src.requested).toBeLessThan(3 * 2880 + 64);
  });

  it('rejects a primary header without END as truncated', async () => {
    const bytes = primary([
      ['SIMPLE', true],
      ['BITPIX', 8],
      ['NAXIS', 0],
    ]).slice(0, 2880);
    bytes.fill(0x20, 3 * 80);
    expect(await codeOf(scanHdus(bytesSource(bytes)))).toBe('PROMPTLY_E_FITS_TRUNCATED');
  });

  it('rejects a data unit that runs past the end of the file as truncated', async () => {
    const bytes = await sample();
    expect(await codeOf(scanHdus(bytesSource(bytes.subarray(0, bytes.length - 5000))))).toBe(
      'PROMPTLY_E_FITS_TRUNCATED',
    );
  });

  it('rejects a lying NAXIS (terabytes declared) before allocating', async () => {
    const bytes = primary([
      ['SIMPLE', true],
      ['BITPIX', -64],
      ['NAXIS', 2],
      ['NAXIS1', 2_000_000],
      ['NAXIS2', 2_000_000],
    ]);
    const before = process.memoryUsage().arrayBuffers;
    expect(await codeOf(scanHdus(bytesSource(bytes)))).toBe('PROMPTLY_E_FITS_TRUNCATED');
    // the 32 TB data unit was never allocated, nor any sizeable part of it
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
    const huge = primary([
      ['SIMPLE', true],
      ['BITPIX', 64],
      ['NAXIS', 3],
      ['NAXIS1', 1e9],
      ['NAXIS2', 1e9],
      ['NAXIS3', 1e9],
    ]);
    expect(await codeOf(scanHdus(bytesSource(huge)))).toBe('PROMPTLY_E_FITS_DATA');
  });

  it('rejects an unknown BITPIX as unsupported and a missing one as a header error', async () => {
    const bad = primary([
      ['SIMPLE', true],
      ['BITPIX', 24],
      ['NAXIS', 0],
    ]);
    expect(await codeOf(scanHdus(bytesSource(bad)))).toBe('PROMPTLY_E_FITS_UNSUPPORTED');
    const none = primary([
      ['SIMPLE', true],
      ['NAXIS', 0],
    ]);
    expect(await codeOf(scanHdus(bytesSource(none)))).toBe('PROMPTLY_E_FITS_HEADER');
    const neg = primary([
      ['SIMPLE', true],
      ['BITPIX', 8],
      ['NAXIS', 1],
      ['NAXIS1', -5],
    ]);
    expect(await codeOf(scanHdus(bytesSource(neg)))).toBe('PROMPTLY_E_FITS_HEADER');
  });

  it('rejects a file that does not start with SIMPLE, and one too short for a header', async () => {
    const notFits = primary([
      ['NAXIS', 0],
      ['SIMPLE', true],
      ['BITPIX', 8],
    ]);
    expect(await codeOf(scanHdus(bytesSource(notFits)))).toBe('PROMPTLY_E_FITS_HEADER');
    expect(await codeOf(scanHdus(bytesSource(new Uint8Array(100))))).toBe(
      'PROMPTLY_E_FITS_TRUNCATED',
    );
  });

  it('ignores zeros after the last HDU but reports a cut-short extension', async () => {
    const bytes = await sample();
    const padded = new Uint8Array(bytes.length + 2880);
    padded.set(bytes);
    expect(await scanHdus(bytesSource(padded))).toHaveLength(3);
    const cut = new Uint8Array(bytes.length + 100).fill(0x20);
    cut.set(bytes);
    cut.set(Buffer.from('XTENSION'), bytes.length);
    expect(await codeOf(scanHdus(bytesSource(cut)))).toBe('PROMPTLY_E_FITS_TRUNCATED');
  });

  // PROMPTLY_FUZZ_CASES=10000 runs the long version of this test.
  const cases = Number(process.env.PROMPTLY_FUZZ_CASES ?? 1000);
  it(`ends every one of ${cases} mutated files in data or a coded error, none hanging`, async () => {
    const bytes = await sample();
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const outcomes = new Map<string, number>();
    let slowest = 0;
    for (let k = 0; k < cases; k++) {
      const c0 = performance.now();
      const m = bytes.slice();
      const mode = rand(3);
      let data = m;
      if (mode === 0) for (let j = 0; j < 4; j++) m[rand(3 * 2880)] = rand(256);
      else if (mode === 1) data = m.subarray(0, rand(m.length));
      else m.set(Buffer.from(String(rand(1e9)).padStart(20)), 80 * (3 + rand(2)) + 10);
      const run = async (): Promise<void> => {
        const src = bytesSource(data);
        for (const hdu of await scanHdus(src)) {
          if (hdu.kind === 'image') await readImage(src, hdu);
          if (hdu.kind === 'bintable') columnData(await readBinaryTable(src, hdu), 1);
        }
      };
      const code = await codeOf(run());
      outcomes.set(code, (outcomes.get(code) ?? 0) + 1);
      slowest = Math.max(slowest, performance.now() - c0);
    }
    // a hang detector (an endless loop on a crafted length), not a speed check
    expect(slowest).toBeLessThan(20_000);
    for (const code of outcomes.keys())
      expect(code === 'resolved' || code.startsWith('PROMPTLY_E_FITS_')).toBe(true);
    // The mutations must reach both outcomes, or the test proves nothing.
    expect(outcomes.get('resolved')).toBeGreaterThan(0);
    expect(outcomes.size).toBeGreaterThan(2);
  });
});

describe('cancellation', () => {
  it('stops scanning with PROMPTLY_E_ABORTED when the signal has fired', async () => {
    const bytes = await sample();
    const controller = new AbortController();
    controller.abort();
    expect(await codeOf(scanHdus(bytesSource(bytes), controller.signal))).toBe(
      'PROMPTLY_E_ABORTED',
    );
  });
});
