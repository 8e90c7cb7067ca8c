import { Command, InvalidArgumentError } from 'commander';
import { PromptlyError, toPromptlyError } from '../core/errors.js';
import {
  CARD_LENGTH,
  FitsFile,
  describeFits,
  headerText,
  verifyFits,
  type HduChecksumResult,
  type HduSummary,
} from '../fits/index.js';
import { registerFitsConvert } from './fits-convert.js';

/** Options of the `fits` subcommands. */
export interface FitsCommandOptions {
  readonly json?: boolean | undefined;
  readonly hdu?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

function kindLabel(h: HduSummary): string {
  if (h.compression !== undefined) return 'compressed image';
  return h.kind === 'bintable' ? 'binary table' : h.kind === 'table' ? 'ASCII table' : h.kind;
}

/** One line per HDU: index, name, kind, dimensions, BITPIX, compression parameters. */
function formatSummary(h: HduSummary): string {
  const name = (h.extname ?? (h.index === 0 ? 'PRIMARY' : '')).padEnd(12);
  const dims = h.axes.length === 0 ? '-' : h.axes.join('x');
  let line = `${String(h.index).padStart(3)}  ${name} ${kindLabel(h).padEnd(16)} ${dims.padEnd(14)} BITPIX=${h.bitpix}`;
  if (h.columns !== undefined) line += ` TFIELDS=${h.columns}`;
  const c = h.compression;
  if (c !== undefined) {
    line += ` ZCMPTYPE=${c.type} ZBITPIX=${c.bitpix ?? '?'} ZNAXIS=${c.axes.join('x')}`;
    if (c.tile.length > 0) line += ` ZTILE=${c.tile.join('x')}`;
    if (c.quantize !== undefined) line += ` ZQUANTIZ=${c.quantize}`;
  }
  return line;
}

/**
 * `fits info FILE`: a table of HDUs (index, EXTNAME, kind, NAXISn, BITPIX; ZCMPTYPE,
 * ZBITPIX, ZNAXISn, ZTILEn for compressed images), or with `json` an array of
 * {@link HduSummary}. Reads headers only.
 */
export async function runFitsInfo(file: string, options: FitsCommandOptions = {}): Promise<string> {
  const fits = await FitsFile.open(file, options.signal);
  try {
    const hdus = await describeFits(fits.source, options.signal);
    if (options.json === true) return JSON.stringify(hdus, null, 2);
    return [
      `${file}: ${hdus.length} HDU${hdus.length === 1 ? '' : 's'}`,
      ...hdus.map(formatSummary),
    ].join('\n');
  } finally {
    await fits.close();
  }
}

/** `fits header FILE [--hdu N]`: the header's cards as 80-character lines, END last. */
export async function runFitsHeader(
  file: string,
  options: FitsCommandOptions = {},
): Promise<string> {
  const fits = await FitsFile.open(file, options.signal);
  try {
    const hdu = await fits.hdu(options.hdu ?? 0, options.signal);
    const text = headerText(hdu.header) + 'END'.padEnd(CARD_LENGTH);
    const lines: string[] = [];
    for (let i = 0; i < text.length; i += CARD_LENGTH) lines.push(text.slice(i, i + CARD_LENGTH));
    return lines.join('\n');
  } finally {
    await fits.close();
  }
}

/** Result of `fits verify`: printable report and whether every present checksum matched. */
export interface VerifyReport {
  readonly ok: boolean;
  readonly results: readonly HduChecksumResult[];
  readonly text: string;
}

/**
 * `fits verify FILE`: checks CHECKSUM and DATASUM of every HDU. `ok` is false when any
 * present keyword does not match (missing ones are reported, not failures).
 */
export async function runFitsVerify(
  file: string,
  options: FitsCommandOptions = {},
): Promise<VerifyReport> {
  const fits = await FitsFile.open(file, options.signal);
  try {
    const results = await verifyFits(fits.source, false, options.signal);
    const ok = results.every((r) => r.checksum !== 'bad' && r.datasum !== 'bad');
    const text =
      options.json === true
        ? JSON.stringify({ ok, results }, null, 2)
        : results
            .map(
              (r) =>
                `${String(r.index).padStart(3)}  CHECKSUM ${r.checksum.padEnd(7)} DATASUM ${r.datasum}`,
            )
            .join('\n');
    return { ok, results, text };
  } finally {
    await fits.close();
  }
}

function hduIndex(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new InvalidArgumentError('not an HDU index (0, 1, …).');
  return n;
}

/** Prints a coded error on stderr and sets a failing exit code. */
function fail(err: unknown): void {
  const e = toPromptlyError(err);
  process.stderr.write(`${e.code}: ${e.message}\n`);
  process.exitCode = 1;
}

/**
 * Adds `fits info FILE [--json]`, `fits header FILE [--hdu N]` and `fits verify FILE
 * [--json]` to `program`, and `fits convert` (src/cli/fits-convert.ts).
 * Failures print `PROMPTLY_E_…: message` on stderr and exit with status 1.
 */
export function registerFitsCommands(program: Command): Command {
  const fits = program.command('fits').description('inspect and check FITS files');
  fits
    .command('info')
    .description('list HDUs: kind, dimensions, BITPIX, compression')
    .argument('<file>', 'FITS file')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      try {
        process.stdout.write(`${await runFitsInfo(file, opts)}\n`);
      } catch (err) {
        fail(err);
      }
    });
  fits
    .command('header')
    .description('print a header as 80-character cards')
    .argument('<file>', 'FITS file')
    .option('--hdu <n>', 'HDU index (0 = primary)', hduIndex, 0)
    .action(async (file: string, opts: { hdu?: number }) => {
      try {
        process.stdout.write(`${await runFitsHeader(file, opts)}\n`);
      } catch (err) {
        fail(err);
      }
    });
  fits
    .command('verify')
    .description('verify CHECKSUM/DATASUM of every HDU (exit 1 on mismatch)')
    .argument('<file>', 'FITS file')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      try {
        const report = await runFitsVerify(file, opts);
        process.stdout.write(`${report.text}\n`);
        if (!report.ok) {
          fail(
            new PromptlyError('PROMPTLY_E_FITS_CHECKSUM', `${file}: checksum verification failed`),
          );
        }
      } catch (err) {
        fail(err);
      }
    });
  registerFitsConvert(fits);
  return fits;
}
