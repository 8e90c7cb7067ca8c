/**
 * Amplifier geometry of a simulated CCD, as LSST's ITL and e2v sensors are read out and as
 * their raw headers describe it (eotest's `AmplifierGeometry`, real ComCam/LSSTCam headers):
 * 16 amplifiers in 2 rows of 8. HDUs 1–8 are Segment10…17, the bottom row left to right, each
 * read out from its right edge (DETSEC runs backwards in x, e.g. `[509:1,1:2000]`); HDUs 9–16
 * are Segment07…00, the top row right to left, read from the top (DETSEC backwards in y) —
 * and, on ITL sensors, from the right edge too (e2v: left edge). Each amp's raw image is
 * `prescan + data + serial overscan` columns by `data + parallel overscan` rows; DATASEC and
 * BIASSEC are 1-based inclusive, in the amp frame.
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
  /** Readout channel, 1–16 (the HDU number). */
  readonly channel: number;
  /** Where the amp's data lands in the detector (0-based), and whether it is flipped. */
  readonly x0: number;
  readonly y0: number;
  readonly flipX: boolean;
  readonly flipY: boolean;
}

/** CCD vendor: decides where each amplifier's output node is (and so its flips). */
export type CcdVendor = 'ITL' | 'E2V';

export interface DetectorGeometry {
  readonly vendor: CcdVendor;
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
  /** DETSIZE, `[1:width,1:height]`. */
  readonly detsize: string;
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
 * and ≥ 2 rows so ISR still has a level to fit), with any explicit size taking precedence, in
 * the amplifier placement of `vendor`'s sensors (default ITL, as ComCam's). Sizes are the ITL
 * amplifier's for both vendors (an e2v sensor's 512 × 2002 amps are not simulated).
 */
export function detectorGeometry(
  options: GeometryOptions,
  vendor: CcdVendor = 'ITL',
): DetectorGeometry {
  const s = options.scale ?? 1;
  const w = options.ampWidth ?? Math.max(4, Math.round(LSST_AMP.ampWidth * s));
  const h = options.ampHeight ?? Math.max(4, Math.round(LSST_AMP.ampHeight * s));
  const pre = options.prescan ?? Math.round(LSST_AMP.prescan * s);
  const so = options.serialOverscan ?? Math.max(4, Math.round(LSST_AMP.serialOverscan * s));
  const po = options.parallelOverscan ?? Math.max(2, Math.round(LSST_AMP.parallelOverscan * s));
  const amps: AmpGeometry[] = [];
  for (let i = 0; i < 16; i++) {
    const bottom = i < 8;
    // Bottom row: Segment10…17 left to right; top row: Segment07…00 right to left.
    const column = bottom ? i : 15 - i;
    const name = bottom ? `Segment1${i}` : `Segment0${15 - i}`;
    const x0 = column * w;
    const y0 = bottom ? 0 : h;
    const flipX = bottom || vendor === 'ITL';
    const flipY = !bottom;
    const xs = flipX ? `${x0 + w}:${x0 + 1}` : `${x0 + 1}:${x0 + w}`;
    const ys = flipY ? `${y0 + h}:${y0 + 1}` : `${y0 + 1}:${y0 + h}`;
    amps.push({
      name,
      index: i,
      channel: i + 1,
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
    vendor,
    ampWidth: w,
    ampHeight: h,
    prescan: pre,
    serialOverscan: so,
    parallelOverscan: po,
    width: 8 * w,
    height: 2 * h,
    detsize: `[1:${8 * w},1:${2 * h}]`,
    amps,
  };
}

/**
 * The amp's detector transformation (IRAF DTV/DTM): 1-based raw amp pixel (ax, ay) lands on
 * 1-based detector pixel (DTV1 + DTM1_1·ax, DTV2 + DTM2_2·ay); off-diagonal terms are 0.
 */
export function ampTransform(
  g: DetectorGeometry,
  amp: AmpGeometry,
): { dtv1: number; dtv2: number; dtm11: number; dtm22: number } {
  return {
    dtv1: amp.flipX ? amp.x0 + g.ampWidth + 1 + g.prescan : amp.x0 - g.prescan,
    dtv2: amp.flipY ? amp.y0 + g.ampHeight + 1 : amp.y0,
    dtm11: amp.flipX ? -1 : 1,
    dtm22: amp.flipY ? -1 : 1,
  };
}

/** Index of the amp whose data covers detector pixel (x, y), 0-based. */
export function ampIndexAt(g: DetectorGeometry, x: number, y: number): number {
  const column = Math.floor(x / g.ampWidth);
  return y < g.ampHeight ? column : 15 - column;
}
