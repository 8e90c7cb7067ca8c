import { PromptlyError, isPromptlyError } from '../../core/errors.js';
import {
  bytesSource,
  makeBinaryTableHdu,
  primaryHdu,
  readTableColumns,
  scanHdus,
  writeFits,
} from '../../fits/index.js';

/**
 * The `preloadedDiaObjects` dataset: the APDB's objects around a visit as the worker read them
 * at next_visit, a FITS binary table `DIA_OBJECTS` (dia_object_id as float64 — ids stay below
 * 2⁵³ —, ra, dec in degrees ICRS) that DIA detection forced-photometers.
 */
export interface DiaObjectPositions {
  readonly length: number;
  readonly diaObjectId: Float64Array;
  readonly ra: Float64Array;
  readonly dec: Float64Array;
}

const TABLE = 'DIA_OBJECTS';

/** The `preloadedDiaObjects` FITS bytes of `objects`. */
export async function diaObjectTableFits(objects: DiaObjectPositions): Promise<Uint8Array> {
  return writeFits([
    primaryHdu([['NOBJECTS', objects.length, 'APDB objects preloaded']]),
    makeBinaryTableHdu(
      [
        { name: 'dia_object_id', values: objects.diaObjectId },
        { name: 'ra', values: objects.ra, unit: 'deg' },
        { name: 'dec', values: objects.dec, unit: 'deg' },
      ],
      { extname: TABLE },
    ),
  ]);
}

/** Reads the table back (PROMPTLY_E_PIPELINE_INPUT_MISSING when the bytes are not one). */
export async function readDiaObjectTable(
  bytes: Uint8Array,
  signal?: AbortSignal,
): Promise<DiaObjectPositions> {
  try {
    const source = bytesSource(bytes);
    const hdus = await scanHdus(source, signal);
    const table = hdus.find((h) => h.kind === 'bintable' && h.header.get('EXTNAME') === TABLE);
    if (!table) throw invalid(`no ${TABLE} table`);
    const { columns } = await readTableColumns(source, table, signal);
    const column = (name: string) => {
      const c = columns.get(name);
      if (!c || c.kind !== 'numeric' || c.repeat !== 1)
        throw invalid(`column ${name} is missing or not a scalar number`);
      return Float64Array.from(c.values as ArrayLike<number>);
    };
    const diaObjectId = column('dia_object_id');
    return { length: diaObjectId.length, diaObjectId, ra: column('ra'), dec: column('dec') };
  } catch (err) {
    if (isPromptlyError(err, 'PROMPTLY_E_ABORTED')) throw err;
    if (isPromptlyError(err, 'PROMPTLY_E_PIPELINE_INPUT_MISSING')) throw err;
    throw invalid(`not a readable table: ${err instanceof Error ? err.message : err}`, err);
  }
}

function invalid(message: string, cause?: unknown): PromptlyError {
  return new PromptlyError(
    'PROMPTLY_E_PIPELINE_INPUT_MISSING',
    `preloadedDiaObjects: ${message}`,
    cause === undefined ? undefined : { cause },
  );
}
