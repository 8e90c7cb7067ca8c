/**
 * Fuzzing of the FITS readers: valid files (plain and tile-compressed) are mutated — bit
 * flips, truncation, runs of one byte, header card edits — and read back. Every case must
 * end in data or a PromptlyError with a FITS code, within a time bound; anything else (a
 * RangeError, a non-FITS code, a slow case) is a failure. Used by the test suite (a few
 * hundred cases) and the bench (10 000).
 */
import { isPromptlyError } from '../../core/errors.js';
import { FitsFile } from '../hdu/fits-file.js';
import { readImage } from '../image/read-image.js';
import { makeImageHdu } from '../image/image-hdu.js';
import { writeFits } from '../write/write-fits.js';
import type { WritableHdu } from '../write/writable-hdu.js';
import { compressImage, type CompressImageOptions } from './tiled-image-write.js';
import { readCompressedImage, readCompressedRegion } from './tiled-image.js';
import { Header } from '../header/header.js';
import { bitpixOf, type ImagePixels } from './pixels.js';
import { seededRandom } from '../../core/seeded-random.js';

/** How one fuzz case ended. */
export type FuzzOutcome = 'data' | 'coded' | 'failed';

/** One failing case, for the report. */
export interface FuzzFailure {
  readonly case: number;
  readonly base: string;
  readonly mutation: string;
  readonly ms: number;
  readonly error: string;
}

/** Result of a fuzz run. */
export interface FuzzReport {
  readonly cases: number;
  readonly data: number;
  readonly coded: number;
  readonly failures: readonly FuzzFailure[];
  /** Slowest case, ms. */
  readonly maxMs: number;
  /** Wall time of the whole run, ms. */
  readonly totalMs: number;
}

/** Options of runFitsFuzz. */
export interface FuzzOptions {
  /** Number of mutated cases; default 300. */
  readonly cases?: number;
  /** Seed of the mutation sequence; default 1. */
  readonly seed?: number;
  /** Per-case time bound, ms; default 200. */
  readonly timeBoundMs?: number;
  /** Extra valid files to mutate (e.g. fpack output with PLIO or HCOMPRESS tiles). */
  readonly extraBases?: ReadonlyArray<{ readonly name: string; readonly bytes: Uint8Array }>;
  readonly signal?: AbortSignal;
}

/** Largest image a fuzz case may decode: lying headers must fail, not allocate. */
const FUZZ_MAX_IMAGE_BYTES = 4 * 1024 * 1024;

function sky(n: number, seed: number, scale: number): Float64Array {
  const r = seededRandom(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++)
    out[i] = 1000 + scale * (r() + r() + r() - 1.5) + (r() < 0.01 ? 5000 * r() : 0);
  return out;
}

/** Builds the valid files the fuzzer mutates (in memory, no external tools). */
export async function fuzzBases(): Promise<Array<{ name: string; bytes: Uint8Array }>> {
  const w = 60;
  const h = 40;
  const values = sky(w * h, 7, 20);
  const i16 = Int16Array.from(values, (v) => Math.round(v));
  const i32 = Int32Array.from(values, (v) => Math.round(v * 100) - 50000);
  const u8 = Uint8Array.from(values, (v) => Math.round(v) & 0xff);
  const f32 = Float32Array.from(values);
  f32[3] = NaN;
  f32[9] = 0;
  const compressed = (pixels: ImagePixels, opts: CompressImageOptions): WritableHdu => {
    const header = new Header().set('XTENSION', 'IMAGE').set('OBJECT', 'fuzz');
    return compressImage(
      { header, bitpix: bitpixOf(pixels), axes: [w, h], pixels },
      { ditherSeed: 11, ...opts },
    );
  };
  const file = async (hdus: WritableHdu[]): Promise<Uint8Array> => writeFits(hdus);
  return [
    { name: 'plain-int16', bytes: await file([makeImageHdu(i16, [w, h])]) },
    {
      name: 'plain-float32-ext',
      bytes: await file([
        { header: new Header().set('SIMPLE', true).set('BITPIX', 8).set('NAXIS', 0) },
        makeImageHdu(f32, [w, h]),
      ]),
    },
    {
      name: 'rice-int16',
      bytes: await file([
        { header: new Header().set('SIMPLE', true).set('BITPIX', 8).set('NAXIS', 0) },
        compressed(i16, {}),
      ]),
    },
    {
      name: 'rice-int32-tiles',
      bytes: await file([
        { header: new Header().set('SIMPLE', true).set('BITPIX', 8).set('NAXIS', 0) },
        compressed(i32, { tile: [16, 16] }),
      ]),
    },
    {
      name: 'gzip2-uint8',
      bytes: await file([
        { header: new Header().set('SIMPLE', true).set('BITPIX', 8).set('NAXIS', 0) },
        compressed(u8, { compression: 'GZIP_2' }),
      ]),
    },
    {
      name: 'rice-float32-dither2',
      bytes: await file([
        { header: new Header().set('SIMPLE', true).set('BITPIX', 8).set('NAXIS', 0) },
        compressed(f32, { quantizeMethod: 'SUBTRACTIVE_DITHER_2', tile: [60, 8] }),
      ]),
    },
    {
      name: 'gzip1-float32-lossless',
      bytes: await file([
        { header: new Header().set('SIMPLE', true).set('BITPIX', 8).set('NAXIS', 0) },
        compressed(f32, { compression: 'GZIP_1', quantizeLevel: 0 }),
      ]),
    },
  ];
}

const EDIT_KEYS = [
  'NAXIS',
  'NAXIS1',
  'NAXIS2',
  'BITPIX',
  'PCOUNT',
  'TFIELDS',
  'TFORM1',
  'ZNAXIS',
  'ZNAXIS1',
  'ZNAXIS2',
  'ZTILE1',
  'ZTILE2',
  'ZBITPIX',
  'ZCMPTYPE',
  'ZVAL1',
  'ZVAL2',
  'ZQUANTIZ',
  'ZDITHER0',
  'THEAP',
  'BZERO',
];
const EDIT_VALUES = [
  '0',
  '-1',
  '1',
  '2',
  '3',
  '7',
  '999',
  '65536',
  '2147483647',
  '-2147483648',
  '99999999999999999999',
  '1.5',
  'T',
  "'RICE_1'",
  "'GZIP_2'",
  "'PLIO_1'",
  "'HCOMPRESS_1'",
  "'NOCOMPRESS'",
  "'BOGUS'",
  "'1PB(10)'",
  "'1QB(5)'",
  "'2PJ'",
  "'SUBTRACTIVE_DITHER_2'",
  "'NO_DITHER'",
  '-32',
  '64',
  '8',
  "''",
  '1E300',
];

/** Applies one random mutation to a copy of `bytes`; returns it and a description. */
function mutate(bytes: Uint8Array, rnd: () => number): { bytes: Uint8Array; what: string } {
  const out = bytes.slice();
  const pick = (n: number): number => Math.floor(rnd() * n);
  const kind = pick(4);
  if (kind === 0) {
    const flips = 1 + pick(16);
    for (let i = 0; i < flips; i++) {
      const at = pick(out.length);
      out[at] = (out[at] as number) ^ (1 << pick(8));
    }
    return { bytes: out, what: `${flips} bit flips` };
  }
  if (kind === 1) {
    const at = pick(out.length);
    return { bytes: out.subarray(0, at), what: `truncated at ${at}` };
  }
  if (kind === 2) {
    const at = pick(out.length);
    const len = 1 + pick(Math.min(4096, out.length - at));
    const value = [0, 0xff, 0x20, pick(256)][pick(4)] as number;
    out.fill(value, at, at + len);
    return { bytes: out, what: `run of ${len} × 0x${value.toString(16)} at ${at}` };
  }
  // header card edit: find a card of one of the keys and give it a new value
  const key = EDIT_KEYS[pick(EDIT_KEYS.length)] as string;
  const value = EDIT_VALUES[pick(EDIT_VALUES.length)] as string;
  const positions: number[] = [];
  const name = key.padEnd(8, ' ') + '= ';
  for (let c = 0; c + 80 <= out.length; c += 80) {
    let match = true;
    for (let k = 0; k < 10 && match; k++) if (out[c + k] !== name.charCodeAt(k)) match = false;
    if (match) positions.push(c);
  }
  if (positions.length === 0) return { bytes: out, what: `no ${key} card to edit` };
  const at = positions[pick(positions.length)] as number;
  const field = value.padStart(20, ' ').padEnd(70, ' ');
  for (let k = 0; k < 70; k++) out[at + 10 + k] = field.charCodeAt(k);
  return { bytes: out, what: `${key} = ${value}` };
}

/** Reads every HDU of a file the way callers do; resolves when all data were produced. */
async function readAll(bytes: Uint8Array): Promise<void> {
  const f = FitsFile.fromBytes(bytes);
  const hdus = await f.hdus();
  for (const hdu of hdus) {
    if (hdu.kind === 'compressed-image') {
      const img = await readCompressedImage(f.source, hdu, { maxImageBytes: FUZZ_MAX_IMAGE_BYTES });
      if (img.axes.length === 2 && (img.axes[0] as number) > 2 && (img.axes[1] as number) > 2) {
        await readCompressedRegion(f.source, hdu, [1, 1], [2, 2], {
          maxImageBytes: FUZZ_MAX_IMAGE_BYTES,
        });
      }
    } else if (hdu.kind === 'image' && hdu.dataSize > 0) {
      await readImage(f.source, hdu);
    } else {
      await f.readData(hdu);
    }
  }
}

/**
 * Runs the fuzz loop: `cases` mutations of the base files, each read in full. Returns the
 * counts and every failure (a non-FITS error or a case slower than `timeBoundMs`).
 */
export async function runFitsFuzz(options: FuzzOptions = {}): Promise<FuzzReport> {
  const cases = options.cases ?? 300;
  const bound = options.timeBoundMs ?? 200;
  const bases = [...(await fuzzBases()), ...(options.extraBases ?? [])];
  const rnd = seededRandom(options.seed ?? 1);
  let data = 0;
  let coded = 0;
  let maxMs = 0;
  const failures: FuzzFailure[] = [];
  const t0 = performance.now();
  for (let c = 0; c < cases; c++) {
    if (options.signal?.aborted) break;
    const base = bases[Math.floor(rnd() * bases.length)] as { name: string; bytes: Uint8Array };
    const m = mutate(base.bytes, rnd);
    const start = performance.now();
    let error: unknown;
    try {
      await readAll(m.bytes);
    } catch (err) {
      error = err;
    }
    const ms = performance.now() - start;
    maxMs = Math.max(maxMs, ms);
    const fitsCoded = isPromptlyError(error) && error.code.startsWith('PROMPTLY_E_FITS_');
    if (error !== undefined && !fitsCoded) {
      const text =
        error instanceof Error
          ? `${error.name}: ${error.message}`
          : typeof error === 'bigint'
            ? error.toString()
            : (JSON.stringify(error) ?? 'undefined');
      failures.push({ case: c, base: base.name, mutation: m.what, ms, error: text });
    } else if (ms > bound) {
      failures.push({
        case: c,
        base: base.name,
        mutation: m.what,
        ms,
        error: `took ${ms.toFixed(1)} ms`,
      });
    } else if (error === undefined) data++;
    else coded++;
  }
  return { cases, data, coded, failures, maxMs, totalMs: performance.now() - t0 };
}
