/**
 * Amplifier geometry of a simulated CCD, in the style of LSST's e2v/ITL sensors: 16
 * amplifiers in 2 rows of 8; the top row (Segment10…17) is read out flipped in y, the bottom
 * row (Segment07…00) flipped in x, so DETSEC runs backwards as in real LSST headers. Each
 * amp's raw image is `prescan + data + serial overscan` columns by `data + parallel overscan`
 * rows; DATASEC and BIASSEC are 1-based inclusive, in the amp frame.
 */
export interface AmpGeometry {
  /** EXTNAME, e.g. `Segment10`. */
  readonly name: string;
  /** Index in readout order (HDU number − 1). */
  readonly index: number;
  /** Raw amp image size including prescan and overscans, pixels. */
  readonly rawWidth: number;
  readonly rawHeight: number;
  /** 1-based inclusive FITS sections, as written to the header. */
  readonly datasec: string;
  /** Serial overscan. */
  readonly biassec: string;
  /** Parallel overscan (rows above the data, over the data columns). */
  readonly parsec: string;
  readonly detsec: string;
  /** Where the amp's data lands in the detector (0-based), and whether it is flipped. */
  readonly x0: number;
  readonly y0: number;
  readonly flipX: boolean;
  readonly flipY: boolean;
}

export interface DetectorGeometry {
  /** Imaging columns and rows of one amp, pixels. */
  readonly ampWidth: number;
  readonly ampHeight: number;
  /** Serial prescan columns before the data, pixels. */
  readonly prescan: number;
  readonly serialOverscan: number;
  readonly parallelOverscan: number;
  /** Assembled detector size, pixels (8 × ampWidth by 2 × ampHeight). */
  readonly width: number;
  readonly height: number;
  readonly amps: readonly AmpGeometry[];
}

/** LSST amplifier at full size: prescan, data, serial overscan; data rows, parallel overscan. */
export const LSST_AMP = {
  prescan: 3,
  ampWidth: 509,
  serialOverscan: 64,
  ampHeight: 2000,
  parallelOverscan: 48,
} as const;

/** What selects a geometry: a `scale` of the LSST amp and/or explicit sizes (which win). */
export interface GeometryOptions {
  /** Linear scale of the LSST amplifier, (0, 1]; default 1. */
  readonly scale?: number;
  readonly ampWidth?: number | undefined;
  readonly ampHeight?: number | undefined;
  readonly prescan?: number | undefined;
  readonly serialOverscan?: number | undefined;
  readonly parallelOverscan?: number | undefined;
}

/**
 * The geometry of a detector: LSST's amplifier scaled by `scale` (overscans kept ≥ 4 columns
 * and ≥ 2 rows so ISR still has a level to fit), with any explicit size taking precedence.
 */
export function detectorGeometry(options: GeometryOptions): DetectorGeometry {
  const s = options.scale ?? 1;
  const w = options.ampWidth ?? Math.max(4, Math.round(LSST_AMP.ampWidth * s));
  const h = options.ampHeight ?? Math.max(4, Math.round(LSST_AMP.ampHeight * s));
  const pre = options.prescan ?? Math.round(LSST_AMP.prescan * s);
  const so = options.serialOverscan ?? Math.max(4, Math.round(LSST_AMP.serialOverscan * s));
  const po = options.parallelOverscan ?? Math.max(2, Math.round(LSST_AMP.parallelOverscan * s));
  const amps: AmpGeometry[] = [];
  for (let i = 0; i < 16; i++) {
    const top = i < 8;
    const column = top ? i : 15 - i;
    const name = top ? `Segment1${i}` : `Segment0${15 - i}`;
    const x0 = column * w;
    const y0 = top ? h : 0;
    const flipX = !top;
    const flipY = top;
    const xs = flipX ? `${x0 + w}:${x0 + 1}` : `${x0 + 1}:${x0 + w}`;
    const ys = flipY ? `${y0 + h}:${y0 + 1}` : `${y0 + 1}:${y0 + h}`;
    amps.push({
      name,
      index: i,
      rawWidth: pre + w + so,
      rawHeight: h + po,
      datasec: `[${pre + 1}:${pre + w},1:${h}]`,
      biassec: `[${pre + w + 1}:${pre + w + so},1:${h}]`,
      parsec: `[${pre + 1}:${pre + w},${h + 1}:${h + po}]`,
      detsec: `[${xs},${ys}]`,
      x0,
      y0,
      flipX,
      flipY,
    });
  }
  return {
    ampWidth: w,
    ampHeight: h,
    prescan: pre,
    serialOverscan: so,
    parallelOverscan: po,
    width: 8 * w,
    height: 2 * h,
    amps,
  };
}

/** Index of the amp whose data covers detector pixel (x, y), 0-based. */
export function ampIndexAt(g: DetectorGeometry, x: number, y: number): number {
  const column = Math.floor(x / g.ampWidth);
  return y >= g.ampHeight ? column : 15 - column;
}
