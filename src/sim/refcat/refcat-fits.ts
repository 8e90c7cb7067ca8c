import { PromptlyError } from '../../core/errors.js';
import {
  bytesSource,
  headerOf,
  makeBinaryTableHdu,
  primaryHdu,
  readTableColumns,
  scanHdus,
  writeFits,
  type ColumnData,
  type ColumnSpec,
  type PixelArray,
} from '../../fits/index.js';
import { REFCAT_BANDS, REFCAT_EPOCH_JYEAR, type RefcatBand } from './error-model.js';
import { htmLevelOf } from './htm.js';
import type { RefcatRows } from './refcat-catalog.js';
import { SKY_EPOCH_JYEAR } from './proper-motion.js';

/**
 * A refcat shard as FITS: an empty primary HDU with the shard's identity (REFCAT, HTMLEVEL,
 * HTMID, EPOCH, SKYSEED), then BINTABLE `REFCAT`, one row per star:
 *
 * | column | form | unit | meaning |
 * |---|---|---|---|
 * | `id` | K | | sky-catalog id (the truth's id) |
 * | `ra`, `dec` | D | deg | ICRS at `epoch` |
 * | `ra_err`, `dec_err` | E | mas | σ(α cos δ), σ(δ) |
 * | `pm_ra`, `pm_dec` | D | mas/yr | μα cos δ, μδ |
 * | `pm_ra_err`, `pm_dec_err` | E | mas/yr | their σ |
 * | `epoch` | D | yr | Julian epoch (TT) of the positions, 2016.0 |
 * | `<band>_mag`, `<band>_mag_err` | E | mag | AB magnitude (NaN: not measured) and σ, band g r i z y |
 *
 * Names and units follow Gaia's archive (ra_error in mas, pmra in mas/yr, ref_epoch in yr).
 */

/** EXTNAME of the table HDU. */
export const REFCAT_EXTNAME = 'REFCAT';
/** Value of the primary header's REFCAT card: which catalog this is. */
export const REFCAT_NAME = 'promptly-sim-gaia-ps1';

function invalid(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_REFCAT_INVALID', message);
}

/** The FITS bytes of one shard. Same rows, same bytes (no dates, no checksums of time). */
export async function refcatShardFits(rows: RefcatRows, skySeed: number): Promise<Uint8Array> {
  const columns: ColumnSpec[] = [
    { name: 'id', values: BigInt64Array.from(rows.id, (v) => BigInt(v)) },
    { name: 'ra', values: rows.ra, unit: 'deg' },
    { name: 'dec', values: rows.dec, unit: 'deg' },
    { name: 'ra_err', values: rows.raErr, unit: 'mas' },
    { name: 'dec_err', values: rows.decErr, unit: 'mas' },
    { name: 'pm_ra', values: rows.pmRa, unit: 'mas/yr' },
    { name: 'pm_dec', values: rows.pmDec, unit: 'mas/yr' },
    { name: 'pm_ra_err', values: rows.pmRaErr, unit: 'mas/yr' },
    { name: 'pm_dec_err', values: rows.pmDecErr, unit: 'mas/yr' },
    { name: 'epoch', values: rows.epoch, unit: 'yr' },
  ];
  for (const b of REFCAT_BANDS) {
    columns.push({ name: `${b}_mag`, values: rows.mag[b], unit: 'mag' });
    columns.push({ name: `${b}_mag_err`, values: rows.magErr[b], unit: 'mag' });
  }
  const primary = primaryHdu([
    ['REFCAT', REFCAT_NAME, 'simulated Gaia DR3 astrometry + PS1 photometry'],
    ['HTMLEVEL', htmLevelOf(rows.shard), 'HTM level of the shard'],
    ['HTMID', rows.shard, 'HTM trixel id (sphgeom numbering)'],
    ['EPOCH', REFCAT_EPOCH_JYEAR, 'Julian epoch (TT) of positions, yr'],
    ['SKYEPOCH', SKY_EPOCH_JYEAR, 'epoch of the simulated sky positions, yr'],
    ['SKYSEED', skySeed, 'seed of the simulated sky'],
    ['MAGSYS', 'AB', 'magnitude system'],
  ]);
  const table = makeBinaryTableHdu(columns, {
    extname: REFCAT_EXTNAME,
    header: headerOf([
      ['RADESYS', 'ICRS', 'frame of ra, dec'],
      ['NSTARS', rows.length, 'rows in this shard'],
    ]),
  });
  return writeFits([primary, table]);
}

function numeric(columns: Map<string, ColumnData>, name: string): PixelArray {
  const c = columns.get(name);
  if (c?.kind !== 'numeric') throw invalid(`refcat shard has no numeric column ${name}`);
  return c.values;
}

function float64(columns: Map<string, ColumnData>, name: string): Float64Array {
  const v = numeric(columns, name);
  return v instanceof Float64Array ? v : Float64Array.from(v as ArrayLike<number>);
}

function float32(columns: Map<string, ColumnData>, name: string): Float32Array {
  const v = numeric(columns, name);
  return v instanceof Float32Array ? v : Float32Array.from(v as ArrayLike<number>);
}

/**
 * The rows of a refcat shard from its FITS bytes. Throws PROMPTLY_E_REFCAT_INVALID when the
 * bytes are not a refcat shard (no REFCAT table, a column missing, no HTMID); FITS errors
 * below that keep their own codes.
 */
export async function readRefcatShard(
  bytes: Uint8Array,
  signal?: AbortSignal,
): Promise<RefcatRows> {
  const source = bytesSource(bytes);
  const hdus = await scanHdus(source, signal);
  const primary = hdus[0];
  const table = hdus.find(
    (h) => h.kind === 'bintable' && h.header.get('EXTNAME') === REFCAT_EXTNAME,
  );
  const shard = primary?.header.get('HTMID');
  if (table === undefined || typeof shard !== 'number')
    throw invalid(
      `not a refcat shard: needs HTMID in the primary header and a ${REFCAT_EXTNAME} table`,
    );
  const { columns } = await readTableColumns(source, table, signal);
  const ids = numeric(columns, 'id');
  const id = Float64Array.from(ids as ArrayLike<number | bigint>, (v) => Number(v));
  const mag = {} as Record<RefcatBand, Float32Array>;
  const magErr = {} as Record<RefcatBand, Float32Array>;
  for (const b of REFCAT_BANDS) {
    mag[b] = float32(columns, `${b}_mag`);
    magErr[b] = float32(columns, `${b}_mag_err`);
  }
  return {
    shard,
    id,
    ra: float64(columns, 'ra'),
    dec: float64(columns, 'dec'),
    raErr: float32(columns, 'ra_err'),
    decErr: float32(columns, 'dec_err'),
    pmRa: float64(columns, 'pm_ra'),
    pmDec: float64(columns, 'pm_dec'),
    pmRaErr: float32(columns, 'pm_ra_err'),
    pmDecErr: float32(columns, 'pm_dec_err'),
    epoch: float64(columns, 'epoch'),
    mag,
    magErr,
    length: id.length,
  };
}
