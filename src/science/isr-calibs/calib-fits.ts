import { PromptlyError, isPromptlyError } from '../../core/errors.js';
import { bytesSource, readTableColumns, scanHdus, type HduInfo } from '../../fits/index.js';
import type { ByteSource, ColumnData } from '../../fits/index.js';

/** A PROMPTLY_E_CALIBRATION_INVALID error about a calibration file of `what`. */
export function calibInvalid(what: string, message: string, cause?: unknown): PromptlyError {
  return new PromptlyError(
    'PROMPTLY_E_CALIBRATION_INVALID',
    `${what}: ${message}`,
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Scans a calibration file and hands `read` its source and the HDU named `extname`;
 * unreadable FITS or a missing extension is PROMPTLY_E_CALIBRATION_INVALID (aborts pass).
 */
export async function withExtension<T>(
  bytes: Uint8Array,
  what: string,
  extname: string,
  read: (source: ByteSource, hdu: HduInfo, hdus: readonly HduInfo[]) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  try {
    const source = bytesSource(bytes);
    const hdus = await scanHdus(source, signal);
    const hdu = hdus.find((h) => h.header.get('EXTNAME') === extname);
    if (!hdu) throw calibInvalid(what, `no ${extname} extension`);
    return await read(source, hdu, hdus);
  } catch (err) {
    if (isPromptlyError(err, 'PROMPTLY_E_ABORTED')) throw err;
    if (isPromptlyError(err, 'PROMPTLY_E_CALIBRATION_INVALID')) throw err;
    throw calibInvalid(what, (err as Error).message, err);
  }
}

/** A table's columns by name. */
export async function tableColumns(
  source: ByteSource,
  hdu: HduInfo,
  signal?: AbortSignal,
): Promise<Map<string, ColumnData>> {
  return (await readTableColumns(source, hdu, signal)).columns;
}

/** A numeric column as numbers (`repeat` values per row), or PROMPTLY_E_CALIBRATION_INVALID. */
export function numericColumn(
  columns: Map<string, ColumnData>,
  name: string,
  what: string,
  repeat = 1,
): number[] {
  const col = columns.get(name);
  if (!col || col.kind !== 'numeric' || col.repeat !== repeat)
    throw calibInvalid(what, `column ${name} is missing or not ${repeat} number(s) per row`);
  return Array.from(col.values as ArrayLike<number | bigint>, (v) => Number(v));
}
