/**
 * What `fits info`, `fits header` and `fits verify` print. Kept apart from the command
 * registration (fits-command.ts) so that `fits convert` does not load the whole FITS API.
 */
import {
  CARD_LENGTH,
  FitsFile,
  describeFits,
  headerText,
  verifyFits,
  type HduChecksumResult,
  type HduSummary,
} from '../fits/index.js';

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
