/**
 * Natural bicubic-spline interpolation of a coarse mesh (as SExtractor's background map) to
 * full resolution. Node (i, j) of an `nx × ny` mesh with cell size `cell` sits at pixel
 * ((i + 0.5)·cell − 0.5, (j + 0.5)·cell − 0.5); beyond the outermost nodes the end cubic is
 * extended. Spline first along y per mesh column, then along x per image row, O(1) per pixel.
 * Writes into `out` (`width × height` values) when given, else into a new array; returns it.
 */
export function interpolateMesh(
  mesh: Float32Array,
  nx: number,
  ny: number,
  cell: number,
  width: number,
  height: number,
  out: Float32Array = new Float32Array(width * height),
): Float32Array {
  const rows = new MeshRows(mesh, nx, ny, cell, width, height);
  for (let y = 0; y < height; y++) rows.row(y, out, y * width);
  return out;
}

/**
 * Row-at-a-time form of {@link interpolateMesh}: any image row on demand, in any order, with
 * the same values, so banded detection never needs the full-resolution map. Holds O(nx·ny +
 * width) numbers.
 */
export class MeshRows {
  readonly #mesh: Float32Array;
  readonly #nx: number;
  readonly #ny: number;
  readonly #width: number;
  readonly #d2y: Float64Array;
  readonly #xc: Coefficients;
  readonly #yc: Coefficients;
  readonly #runs: Int32Array;
  /** The four x weights of a column side by side: one memory stream in the inner loop. */
  readonly #xw: Float64Array;
  readonly #nodes: Float64Array;
  readonly #nodeD2: Float64Array;
  readonly #work: Float64Array;
  /** Row whose nodes are in `#nodes`/`#nodeD2`, −1 for none. */
  #preparedY = -1;

  constructor(
    mesh: Float32Array,
    nx: number,
    ny: number,
    cell: number,
    width: number,
    height: number,
  ) {
    this.#mesh = mesh;
    this.#nx = nx;
    this.#ny = ny;
    this.#width = width;
    const d2y = new Float64Array(nx * ny);
    const column = new Float64Array(ny);
    const colD2 = new Float64Array(ny);
    const work = new Float64Array(Math.max(nx, ny));
    for (let i = 0; i < nx; i++) {
      for (let j = 0; j < ny; j++) column[j] = mesh[j * nx + i]!;
      naturalSpline(column, ny, colD2, work);
      for (let j = 0; j < ny; j++) d2y[j * nx + i] = colD2[j]!;
    }
    this.#d2y = d2y;
    this.#work = work;
    const xc = coefficients(width, nx, cell);
    this.#xc = xc;
    this.#yc = coefficients(height, ny, cell);
    this.#runs = segmentRuns(xc.seg);
    const xw = new Float64Array(4 * width);
    for (let x = 0; x < width; x++) {
      xw[4 * x] = xc.a[x]!;
      xw[4 * x + 1] = xc.b[x]!;
      xw[4 * x + 2] = xc.c[x]!;
      xw[4 * x + 3] = xc.e[x]!;
    }
    this.#xw = xw;
    this.#nodes = new Float64Array(nx);
    this.#nodeD2 = new Float64Array(nx);
  }

  /** Writes image row `y` of the interpolated map into `out[offset .. offset + width)`. */
  row(y: number, out: Float32Array, offset = 0): void {
    const nodes = this.#nodes;
    const nodeD2 = this.#nodeD2;
    const width = this.#width;
    if (!this.#prepare(y)) {
      out.fill(nodes[0]!, offset, offset + width);
      return;
    }
    const runs = this.#runs;
    const seg = this.#xc.seg;
    const xw = this.#xw;
    // one run of pixels per spline segment: its four node values load once
    for (let r = 0; r + 1 < runs.length; r++) {
      const x0 = runs[r]!;
      const x1 = runs[r + 1]!;
      const s = seg[x0]!;
      const n0 = nodes[s]!;
      const n1 = nodes[s + 1]!;
      const d0 = nodeD2[s]!;
      const d1 = nodeD2[s + 1]!;
      for (let x = x0, q = 4 * x0; x < x1; x++, q += 4) {
        out[offset + x] = xw[q]! * n0 + xw[q + 1]! * n1 + xw[q + 2]! * d0 + xw[q + 3]! * d1;
      }
    }
  }

  /**
   * Columns `x0 .. x1−1` of row `y` into `out[x0 .. x1)`, the same values as {@link row}
   * gives there: for a few pixels around each source without interpolating whole rows.
   */
  range(y: number, out: Float32Array, x0: number, x1: number): void {
    const nodes = this.#nodes;
    const nodeD2 = this.#nodeD2;
    if (!this.#prepare(y)) {
      out.fill(nodes[0]!, x0, x1);
      return;
    }
    const seg = this.#xc.seg;
    const xw = this.#xw;
    for (let x = x0, q = 4 * x0; x < x1; x++, q += 4) {
      const s = seg[x]!;
      out[x] =
        xw[q]! * nodes[s]! +
        xw[q + 1]! * nodes[s + 1]! +
        xw[q + 2]! * nodeD2[s]! +
        xw[q + 3]! * nodeD2[s + 1]!;
    }
  }

  /**
   * Fills the row's node values and their spline second derivatives for row `y` (kept until
   * another row is asked for); false when the mesh is one column wide (the row is constant).
   */
  #prepare(y: number): boolean {
    const nx = this.#nx;
    if (y === this.#preparedY) return nx > 1;
    const mesh = this.#mesh;
    const nodes = this.#nodes;
    if (this.#ny === 1) {
      for (let i = 0; i < nx; i++) nodes[i] = mesh[i]!;
    } else {
      const yc = this.#yc;
      const d2y = this.#d2y;
      const lo = yc.seg[y]! * nx;
      const hi = lo + nx;
      const a = yc.a[y]!;
      const b = yc.b[y]!;
      const c = yc.c[y]!;
      const e = yc.e[y]!;
      for (let i = 0; i < nx; i++) {
        nodes[i] = a * mesh[lo + i]! + b * mesh[hi + i]! + c * d2y[lo + i]! + e * d2y[hi + i]!;
      }
    }
    this.#preparedY = y;
    if (nx === 1) return false;
    naturalSpline(nodes, nx, this.#nodeD2, this.#work);
    return true;
  }
}

/** Start of each run of equal `seg` values, then `seg.length`. */
function segmentRuns(seg: Int32Array): Int32Array {
  const starts: number[] = [];
  for (let x = 0; x < seg.length; x++) if (x === 0 || seg[x] !== seg[x - 1]) starts.push(x);
  starts.push(seg.length);
  return Int32Array.from(starts);
}

interface Coefficients {
  readonly seg: Int32Array;
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly c: Float64Array;
  readonly e: Float64Array;
}

/** Per-pixel segment index and cubic-spline weights along one axis (unit node spacing). */
function coefficients(size: number, nodes: number, cell: number): Coefficients {
  const seg = new Int32Array(size);
  const a = new Float64Array(size);
  const b = new Float64Array(size);
  const c = new Float64Array(size);
  const e = new Float64Array(size);
  for (let p = 0; p < size; p++) {
    const t = (p + 0.5) / cell - 0.5;
    const s = nodes < 2 ? 0 : Math.min(Math.max(Math.floor(t), 0), nodes - 2);
    const dx = t - s;
    const cdx = 1 - dx;
    seg[p] = s;
    a[p] = cdx;
    b[p] = dx;
    c[p] = (cdx * cdx * cdx - cdx) / 6;
    e[p] = (dx * dx * dx - dx) / 6;
  }
  return { seg, a, b, c, e };
}

/**
 * Second derivatives of the natural cubic spline through `y[0..n)` at unit spacing
 * (tridiagonal solve, zero curvature at both ends). `work` needs n entries.
 */
function naturalSpline(y: Float64Array, n: number, d2: Float64Array, work: Float64Array): void {
  d2.fill(0, 0, n);
  if (n < 3) return;
  // forward sweep of d[i-1] + 4 d[i] + d[i+1] = 6 (y[i+1] - 2 y[i] + y[i-1])
  work[0] = 0;
  d2[0] = 0;
  for (let i = 1; i < n - 1; i++) {
    const p = d2[i - 1]! + 4;
    d2[i] = -1 / p;
    work[i] = (6 * (y[i + 1]! - 2 * y[i]! + y[i - 1]!) - work[i - 1]!) / p;
  }
  d2[n - 1] = 0;
  for (let i = n - 2; i >= 1; i--) d2[i] = d2[i]! * d2[i + 1]! + work[i]!;
}
