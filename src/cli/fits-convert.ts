import { InvalidArgumentError, type Command } from 'commander';
import { toPromptlyError } from '../core/errors.js';
import type {
  ConvertOptions,
  ConvertReport,
  QuantizeMethod,
  WriteCompression,
} from '../fits/convert.js';

/** `--compress` values and the ZCMPTYPE each one writes ('none' decompresses). */
export const COMPRESS_CHOICES: Readonly<Record<string, WriteCompression | 'none'>> = {
  rice: 'RICE_1',
  gzip: 'GZIP_1',
  gzip2: 'GZIP_2',
  nocompress: 'NOCOMPRESS',
  none: 'none',
};

/** `--dither` values. */
export const DITHER_CHOICES: Readonly<Record<string, QuantizeMethod>> = {
  '1': 'SUBTRACTIVE_DITHER_1',
  '2': 'SUBTRACTIVE_DITHER_2',
  none: 'NO_DITHER',
};

/** Options of `fits convert`, as parsed from the command line. */
export interface FitsConvertCliOptions {
  readonly compress?: string;
  readonly quantize?: number;
  readonly tile?: number[];
  readonly dither?: string;
  readonly seed?: number;
}

function compressChoice(value: string): string {
  if (!(value in COMPRESS_CHOICES)) {
    throw new InvalidArgumentError(`one of ${Object.keys(COMPRESS_CHOICES).join(', ')}.`);
  }
  return value;
}

function ditherChoice(value: string): string {
  if (!(value in DITHER_CHOICES))
    throw new InvalidArgumentError(`one of ${Object.keys(DITHER_CHOICES).join(', ')}.`);
  return value;
}

function quantizeLevel(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new InvalidArgumentError('not a finite number.');
  return n;
}

/** Parses `WxH` (or `WxHxD…`) into positive tile lengths, NAXIS1 first. */
export function parseTile(value: string): number[] {
  const parts = value
    .toLowerCase()
    .split(/[x,]/)
    .map((p) => Number(p));
  if (parts.length === 0 || parts.some((p) => !Number.isSafeInteger(p) || p < 1)) {
    throw new InvalidArgumentError('expected WxH with positive integers, e.g. 300x1 or 64x64.');
  }
  return parts;
}

function ditherSeed(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1 || n > 10000)
    throw new InvalidArgumentError('an integer 1..10000.');
  return n;
}

/** Maps CLI options to convertFitsFile options. */
export function convertOptionsFrom(
  opts: FitsConvertCliOptions,
  signal?: AbortSignal,
): ConvertOptions {
  return {
    compression: COMPRESS_CHOICES[opts.compress ?? 'rice'] ?? 'RICE_1',
    ...(opts.quantize !== undefined ? { quantizeLevel: opts.quantize } : {}),
    ...(opts.tile !== undefined ? { tile: opts.tile } : {}),
    ...(opts.dither !== undefined
      ? { quantizeMethod: DITHER_CHOICES[opts.dither] ?? 'SUBTRACTIVE_DITHER_1' }
      : {}),
    ...(opts.seed !== undefined ? { ditherSeed: opts.seed } : {}),
    ...(signal !== undefined ? { signal } : {}),
  };
}

/** One line per HDU: what convert did with it. */
export function formatConvertReport(report: ConvertReport, out: string): string {
  const lines = report.hdus.map((h) => `HDU ${h.index}: ${h.action}`);
  lines.push(`wrote ${out} (${report.bytesWritten} bytes)`);
  return lines.join('\n');
}

/**
 * Adds `convert IN OUT [--compress rice|gzip|gzip2|nocompress|none] [--quantize Q]
 * [--tile WxH] [--dither 1|2|none] [--seed N]` to the `fits` command: reads every HDU of
 * IN (compressed or not) and writes OUT, compressing image HDUs as asked (`none`
 * decompresses, like funpack). Failures print `PROMPTLY_E_…: message` on stderr and exit 1.
 */
export function registerFitsConvert(fits: Command): Command {
  return fits
    .command('convert')
    .description('compress (fpack) or decompress (funpack) the images of a FITS file')
    .argument('<in>', 'input FITS file')
    .argument('<out>', 'output FITS file (written aside, then renamed)')
    .option(
      '--compress <algo>',
      'rice, gzip, gzip2, nocompress, or none (decompress)',
      compressChoice,
      'rice',
    )
    .option(
      '--quantize <q>',
      'float images: step = noise/Q (default 4); negative = absolute step; 0 = lossless',
      quantizeLevel,
    )
    .option('--tile <WxH>', 'tile shape (default: one image row, as fpack)', parseTile)
    .option(
      '--dither <method>',
      'float quantization dither: 1 (default), 2 (keeps zeros), none',
      ditherChoice,
    )
    .option('--seed <n>', 'ZDITHER0, 1..10000 (default: from the clock)', ditherSeed)
    .action(async (input: string, output: string, opts: FitsConvertCliOptions) => {
      try {
        // loaded here, not at start: other `fits` commands need none of the codecs
        const { convertFitsFile } = await import('../fits/convert.js');
        const report = await convertFitsFile(input, output, convertOptionsFrom(opts));
        process.stdout.write(`${formatConvertReport(report, output)}\n`);
      } catch (err) {
        const e = toPromptlyError(err);
        process.stderr.write(`${e.code}: ${e.message}\n`);
        process.exitCode = 1;
      }
    });
}
