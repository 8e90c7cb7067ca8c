/** Image rows in ascending order, one at a time (an in-memory image or a file read in bands). */
export interface RowSource {
  /** Columns, pixels. */
  readonly width: number;
  /** Rows, pixels. */
  readonly height: number;
  /**
   * Row `y` (`width` values, image units). Rows are asked for in ascending order; the view
   * need only stay valid until the next call.
   */
  row(y: number): Float32Array;
}

/** A {@link RowSource} over an image already in memory. */
export function imageRows(image: {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}): RowSource {
  const { width, height, data } = image;
  return {
    width,
    height,
    row: (y) => data.subarray(y * width, (y + 1) * width),
  };
}
