import { PromptlyError, isPromptlyError } from '../../core/errors.js';
import {
  bytesSource,
  makeBinaryTableHdu,
  makeImageHdu,
  primaryHdu,
  readImage,
  readTableColumns,
  scanHdus,
  writeFits,
  type Cards,
  type ColumnData,
} from '../../fits/index.js';
import { readWcs, toKeywords, type CelestialWcs } from '../../wcs/index.js';
import { DIA_FORCED_COLUMNS, type DiaForced } from './dia-forced.js';
import { DIA_MEASUREMENT_COLUMNS, emptyMeasurements, type DiaMeasurements } from './dia-measure.js';

/** FITS column name of a measurement: snake case (`psfFluxErr` → `psf_flux_err`). */
const columnName = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * The `diaSrc` dataset: one visit-detector's DIA sources as a FITS file that the worker's
 * alert stage reads back (association, APDB, alerts) and astropy opens:
 *
 * - primary header: INSTRUME, DETECTOR, GROUPID, NPOS/NNEG, PSFSIGMA (the difference's PSF σ,
 *   pixels, when the task knows it), and the science WCS the sources were placed on the sky with;
 * - `DIA_SOURCES` binary table: one row per source (see {@link DiaSources});
 * - `STAMP_DIFFERENCE`, `STAMP_SCIENCE`, `STAMP_TEMPLATE`: cubes of `size × size × n` float32
 *   postage stamps around each source (NaN beyond the detector), the alert cutouts' pixels,
 *   cut where the full frames were in memory; row k of the table owns plane k, whose first
 *   pixel is detector pixel (`stamp_x0`, `stamp_y0`);
 * - `DIA_FORCED` binary table, when the APDB had objects on the detector: their forced PSF
 *   photometry on the difference and science images (see {@link DiaForced}).
 */

/** DIA sources of one difference image: positive and negative, with sky positions. */
export interface DiaSources {
  readonly length: number;
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Degrees ICRS, through the science WCS. */
  readonly ra: Float64Array;
  readonly dec: Float64Array;
  /** Aperture flux on the difference, e⁻ (negative for negative sources), and its 1σ error. */
  readonly apFlux: Float64Array;
  readonly apFluxErr: Float64Array;
  /** |apFlux| / apFluxErr. */
  readonly snr: Float64Array;
  /** 1 where the source is a decrement (found on the negated difference). */
  readonly isNegative: Uint8Array;
  /** Second-moment shape, pixels / radians (elongated ones may be trails or dipoles). */
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly theta: Float64Array;
  readonly flags: Int32Array;
  /** Model fits (PSF, trail, dipole, forced science flux); absent in files that predate them. */
  readonly measurements?: DiaMeasurements;
  /**
   * Real/bogus score in [0, 1] from the reliability model (src/science/reliability); absent
   * when no model scored the sources.
   */
  readonly reliability?: Float64Array;
}

/** Postage stamps of every source, plane k for source k. */
export interface DiaStamps {
  /** Side of each stamp, pixels. */
  readonly size: number;
  readonly difference: Float32Array;
  readonly science: Float32Array;
  readonly template: Float32Array;
  /** Detector pixel of each stamp's first pixel. */
  readonly x0: Int32Array;
  readonly y0: Int32Array;
}

/** What a `diaSrc` file holds. */
export interface DiaCatalog {
  readonly sources: DiaSources;
  /** The science WCS the sources were placed with. */
  readonly wcs: CelestialWcs;
  /** Size of the image the sources were found on, pixels. */
  readonly width: number;
  readonly height: number;
  /**
   * AB magnitude of 1 e⁻ in the exposure (PHOTZP), when a photometric calibration was
   * made; fluxes in nJy follow from it.
   */
  readonly zeroPointMag: number | undefined;
  readonly stamps: DiaStamps | undefined;
  /** Forced photometry of the preloaded APDB objects on the detector, when there were any. */
  readonly forced: DiaForced | undefined;
  /** Gaussian σ of the difference's PSF, pixels (PSFSIGMA), when the file records it. */
  readonly psfSigmaPx: number | undefined;
}

const TABLE = 'DIA_SOURCES';
const FORCED_TABLE = 'DIA_FORCED';
const STAMP_EXT = {
  difference: 'STAMP_DIFFERENCE',
  science: 'STAMP_SCIENCE',
  template: 'STAMP_TEMPLATE',
} as const;

/** The `diaSrc` FITS bytes of `sources` (see the module comment). */
export async function diaSrcFits(options: {
  readonly sources: DiaSources;
  readonly wcs: CelestialWcs;
  readonly stamps?: DiaStamps;
  readonly width: number;
  readonly height: number;
  /** AB magnitude of 1 e⁻ in the exposure, when calibrated. */
  readonly zeroPointMag?: number;
  /** Identity cards: INSTRUME, DETECTOR, GROUPID… */
  readonly cards: Cards;
  readonly forced?: DiaForced;
}): Promise<Uint8Array> {
  const { sources: s, stamps } = options;
  const n = s.length;
  const positives = s.isNegative.reduce((sum, v) => sum + (v ? 0 : 1), 0);
  const primary = primaryHdu([
    ...options.cards,
    ['NPOS', positives, 'positive DIA sources'],
    ['NNEG', n - positives, 'negative DIA sources'],
    ['IMGWIDTH', options.width, '[pixel] width of the difference image'],
    ['IMGHEIGH', options.height, '[pixel] height of the difference image'],
    ...(options.zeroPointMag !== undefined
      ? ([['PHOTZP', options.zeroPointMag, '[mag] AB magnitude of 1 electron']] as Cards)
      : []),
    ...toKeywords(options.wcs),
  ]);
  const columns = [
    { name: 'id', values: Int32Array.from({ length: n }, (_, k) => k + 1) },
    { name: 'x', values: s.x, unit: 'pixel' },
    { name: 'y', values: s.y, unit: 'pixel' },
    { name: 'ra', values: s.ra, unit: 'deg' },
    { name: 'dec', values: s.dec, unit: 'deg' },
    { name: 'ap_flux', values: s.apFlux, unit: 'electron' },
    { name: 'ap_flux_err', values: s.apFluxErr, unit: 'electron' },
    { name: 'snr', values: s.snr },
    { name: 'is_negative', values: Int32Array.from(s.isNegative) },
    { name: 'a', values: s.a, unit: 'pixel' },
    { name: 'b', values: s.b, unit: 'pixel' },
    { name: 'theta', values: s.theta, unit: 'rad' },
    { name: 'flags', values: s.flags },
    ...(s.measurements
      ? DIA_MEASUREMENT_COLUMNS.map(([name]) => ({
          name: columnName(name),
          values: s.measurements![name],
        }))
      : []),
    ...(s.reliability ? [{ name: 'reliability', values: s.reliability }] : []),
    ...(stamps
      ? [
          { name: 'stamp_x0', values: stamps.x0, unit: 'pixel' },
          { name: 'stamp_y0', values: stamps.y0, unit: 'pixel' },
        ]
      : []),
  ];
  const hdus = [primary, makeBinaryTableHdu(columns, { extname: TABLE })];
  const forced = options.forced;
  if (forced)
    hdus.push(
      makeBinaryTableHdu(
        DIA_FORCED_COLUMNS.map((name) => ({ name: columnName(name), values: forced[name] })),
        { extname: FORCED_TABLE },
      ),
    );
  if (stamps && n > 0) {
    for (const kind of ['difference', 'science', 'template'] as const) {
      hdus.push(
        makeImageHdu(stamps[kind], [stamps.size, stamps.size, n], { extname: STAMP_EXT[kind] }),
      );
    }
  }
  return writeFits(hdus);
}

function invalid(message: string, cause?: unknown): PromptlyError {
  return new PromptlyError(
    'PROMPTLY_E_PIPELINE_INPUT_MISSING',
    `diaSrc: ${message}`,
    cause === undefined ? undefined : { cause },
  );
}

function numbers(columns: Map<string, ColumnData>, name: string): ArrayLike<number> {
  const col = columns.get(name);
  if (!col || col.kind !== 'numeric' || col.repeat !== 1)
    throw invalid(`column ${name} is missing or not a scalar number`);
  if (col.values instanceof BigInt64Array || col.values instanceof BigUint64Array)
    return Float64Array.from(col.values, (v) => Number(v));
  return col.values;
}

const f64 = (v: ArrayLike<number>) => Float64Array.from(v);

/** The measurement columns of a file that has them (each one missing reads as not measured). */
function readMeasurements(columns: Map<string, ColumnData>, n: number): DiaMeasurements {
  const out = emptyMeasurements(n) as unknown as Record<
    string,
    Float64Array | Int32Array | Uint8Array
  >;
  for (const [name] of DIA_MEASUREMENT_COLUMNS) {
    if (!columns.has(columnName(name))) continue;
    const values = numbers(columns, columnName(name));
    if (values.length !== n)
      throw invalid(`column ${columnName(name)} has ${values.length} rows, not ${n}`);
    out[name]!.set(values);
  }
  return out as unknown as DiaMeasurements;
}

/** Reads a `diaSrc` file back (PROMPTLY_E_PIPELINE_INPUT_MISSING when it is not one). */
export async function readDiaSrc(bytes: Uint8Array, signal?: AbortSignal): Promise<DiaCatalog> {
  try {
    const source = bytesSource(bytes);
    const hdus = await scanHdus(source, signal);
    const primary = hdus[0];
    const table = hdus.find((h) => h.kind === 'bintable' && h.header.get('EXTNAME') === TABLE);
    if (!primary || !table) throw invalid(`no ${TABLE} table`);
    const wcs = readWcs(primary.header);
    const { columns } = await readTableColumns(source, table, signal);
    const n = Number(table.header.get('NAXIS2') ?? 0);
    const sources: DiaSources = {
      length: n,
      x: f64(numbers(columns, 'x')),
      y: f64(numbers(columns, 'y')),
      ra: f64(numbers(columns, 'ra')),
      dec: f64(numbers(columns, 'dec')),
      apFlux: f64(numbers(columns, 'ap_flux')),
      apFluxErr: f64(numbers(columns, 'ap_flux_err')),
      snr: f64(numbers(columns, 'snr')),
      isNegative: Uint8Array.from(numbers(columns, 'is_negative')),
      a: f64(numbers(columns, 'a')),
      b: f64(numbers(columns, 'b')),
      theta: f64(numbers(columns, 'theta')),
      flags: Int32Array.from(numbers(columns, 'flags')),
      ...(columns.has('psf_flux') ? { measurements: readMeasurements(columns, n) } : {}),
      ...(columns.has('reliability') ? { reliability: f64(numbers(columns, 'reliability')) } : {}),
    };
    let stamps: DiaStamps | undefined;
    const cube = (kind: keyof typeof STAMP_EXT) =>
      hdus.find((h) => h.kind === 'image' && h.header.get('EXTNAME') === STAMP_EXT[kind]);
    const d = cube('difference');
    if (n > 0 && d && columns.has('stamp_x0')) {
      const size = d.axes[0] ?? 0;
      const read = async (kind: keyof typeof STAMP_EXT): Promise<Float32Array> => {
        const hdu = cube(kind);
        if (!hdu || hdu.axes.join('x') !== `${size}x${size}x${n}`)
          throw invalid(`${STAMP_EXT[kind]} is missing or not ${size}×${size}×${n}`);
        const image = await readImage(source, hdu, signal ? { signal } : {});
        return image.pixels instanceof Float32Array
          ? image.pixels
          : Float32Array.from(image.pixels as ArrayLike<number>);
      };
      stamps = {
        size,
        difference: await read('difference'),
        science: await read('science'),
        template: await read('template'),
        x0: Int32Array.from(numbers(columns, 'stamp_x0')),
        y0: Int32Array.from(numbers(columns, 'stamp_y0')),
      };
    }
    const size = (key: string): number => {
      const v = primary.header.get(key);
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 100_000)
        throw invalid(`${key} is not an image size in pixels`);
      return v;
    };
    let forced: DiaForced | undefined;
    const forcedHdu = hdus.find(
      (h) => h.kind === 'bintable' && h.header.get('EXTNAME') === FORCED_TABLE,
    );
    if (forcedHdu) {
      const fc = (await readTableColumns(source, forcedHdu, signal)).columns;
      const read = Object.fromEntries(
        DIA_FORCED_COLUMNS.map((name) => [name, f64(numbers(fc, columnName(name)))]),
      ) as Record<(typeof DIA_FORCED_COLUMNS)[number], Float64Array>;
      forced = { length: read.diaObjectId.length, ...read };
    }
    const zp = primary.header.get('PHOTZP');
    const zeroPointMag = typeof zp === 'number' && zp > 0 && zp < 50 ? zp : undefined;
    const psf = primary.header.get('PSFSIGMA');
    const psfSigmaPx = typeof psf === 'number' && psf > 0 && psf < 100 ? psf : undefined;
    return {
      sources,
      wcs,
      width: size('IMGWIDTH'),
      height: size('IMGHEIGH'),
      zeroPointMag,
      stamps,
      forced,
      psfSigmaPx,
    };
  } catch (err) {
    if (isPromptlyError(err, 'PROMPTLY_E_ABORTED')) throw err;
    if (isPromptlyError(err, 'PROMPTLY_E_PIPELINE_INPUT_MISSING')) throw err;
    throw invalid(`not a readable diaSrc file: ${err instanceof Error ? err.message : err}`, err);
  }
}
