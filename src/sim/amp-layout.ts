/**
 * Amplifier geometry of a simulated CCD, in the style of LSST's e2v/ITL sensors: 16
 * amplifiers in 2 rows of 8; the top row (Segment10…17) is read out flipped in y, the bottom
 * row (Segment07…00) flipped in x, so DETSEC runs backwards as in real LSST headers.
 */
export interface AmpGeometry {
  /** EXTNAME, e.g. `Segment10`. */
  readonly name: string;
  /** Index in readout order (HDU number − 1). */
  readonly index: number;
  /** Raw amp image size including overscan. */
  readonly rawWidth: number;
  readonly rawHeight: number;
  /** 1-based inclusive FITS sections, as written to the header. */
  readonly datasec: string;
  readonly biassec: string;
  readonly detsec: string;
  /** Where the amp's data lands in the detector (0-based), and whether it is flipped. */
  readonly x0: number;
  readonly y0: number;
  readonly flipX: boolean;
  readonly flipY: boolean;
}

export interface DetectorGeometry {
  readonly ampWidth: number;
  readonly ampHeight: number;
  readonly serialOverscan: number;
  readonly parallelOverscan: number;
  /** Assembled detector size. */
  readonly width: number;
  readonly height: number;
  readonly amps: readonly AmpGeometry[];
}

export function detectorGeometry(options: {
  ampWidth: number;
  ampHeight: number;
  serialOverscan: number;
  parallelOverscan: number;
}): DetectorGeometry {
  const { ampWidth: w, ampHeight: h, serialOverscan: so, parallelOverscan: po } = options;
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
      rawWidth: w + so,
      rawHeight: h + po,
      datasec: `[1:${w},1:${h}]`,
      biassec: `[${w + 1}:${w + so},1:${h}]`,
      detsec: `[${xs},${ys}]`,
      x0,
      y0,
      flipX,
      flipY,
    });
  }
  return { ...options, width: 8 * w, height: 2 * h, amps };
}
