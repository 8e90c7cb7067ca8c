import { Command, InvalidArgumentError } from 'commander';
import { PromptlyError, toPromptlyError } from '../core/errors.js';
import { registerFitsConvert } from './fits-convert.js';

// The inspection commands load fits-inspect.ts (and with it the whole FITS API) only when
// they run: a `fits convert` process pays for loading the conversion code alone.
const inspect = (): Promise<typeof import('./fits-inspect.js')> => import('./fits-inspect.js');

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
        const { runFitsInfo } = await inspect();
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
        const { runFitsHeader } = await inspect();
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
        const { runFitsVerify } = await inspect();
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
