import type { FootprintList } from './label.js';
import type { MomentSums } from './source-shape.js';
import { unionRoots } from './union-find.js';

/**
 * Per-object pixel sums and pixel lists built while rows are thresholded, so detection never
 * needs a full-frame label image (source-extractor's scan-line idea): only the previous and
 * current row of provisional labels plus one record per provisional label and one entry per
 * run of pixels above threshold are kept.
 */

/** Fields of one provisional label's record, `STRIDE` float64 values each. */
const N = 0;
const FLUX = 1;
const VAR = 2;
const PEAK = 3;
const W0 = 4;
const WX = 5;
const WY = 6;
const WXX = 7;
const WYY = 8;
const WXY = 9;
const UX = 10;
const UY = 11;
const REF_X = 12;
const REF_Y = 13;
const X_MIN = 14;
const X_MAX = 15;
const Y_MIN = 16;
const Y_MAX = 17;
const SAT = 18;
const STRIDE = 19;

/** What {@link FootprintAccumulator.finish} yields per kept footprint (index k = id − 1). */
export interface FootprintSums {
  readonly footprints: FootprintList;
  /** Σ background-subtracted value, image units. */
  readonly flux: Float64Array;
  /** Σ rms², image units². */
  readonly variance: Float64Array;
  /** Highest background-subtracted value. */
  readonly peak: Float64Array;
  /** 1 when a pixel of the input reached the saturation level. */
  readonly saturated: Uint8Array;
  /** Moment sums about (refX, refY), see {@link MomentSums}. */
  readonly moments: readonly MomentSums[];
  readonly refX: Int32Array;
  readonly refY: Int32Array;
}

/** Union-find over provisional labels with their pixel sums; see the file comment. */
export class FootprintAccumulator {
  readonly #width: number;
  readonly #height: number;
  #parent = new Int32Array(1024);
  #rec = new Float64Array(1024 * STRIDE);
  #next = 1;
  /**
   * Runs of set pixels, three int32 each: first pixel index y·width + x, length, and the
   * provisional label of one of its pixels (all of a run's pixels are 8-connected, so any
   * one names its component). A star's ~70 pixels are ~9 runs.
   */
  #runs = new Int32Array(3 * 1024);
  #nRuns = 0;
  /** Provisional labels of the previous and the current row (scan-line labelling). */
  #prev: Int32Array;
  #cur: Int32Array;

  constructor(width: number, height: number) {
    this.#width = width;
    this.#height = height;
    this.#prev = new Int32Array(width);
    this.#cur = new Int32Array(width);
  }

  /**
   * Thresholds and labels row `y` (rows in ascending order, each once): pixel x is set when
   * `det[dOff + x] > scale · sigma[x]` (NaN never is) and joins its 8-connected neighbours in
   * this row and the one before; `rms[x]` is its noise for the flux error. `sub[so + x]` is its background-subtracted value and
   * `raw[so + x]` (when given) its input value, checked against `saturation`.
   */
  scanRow(
    y: number,
    det: Float32Array,
    dOff: number,
    sigma: Float32Array,
    rms: Float32Array,
    scale: number,
    sub: Float32Array,
    so: number,
    raw: Float32Array | undefined,
    saturation: number,
  ): void {
    const width = this.#width;
    const prev = this.#prev;
    const cur = this.#cur;
    const row = y * width;
    let runStart = -1;
    for (let x = 0; x < width; x++) {
      const d = det[dOff + x]!;
      if (!(d > scale * sigma[x]!)) {
        cur[x] = 0;
        if (runStart >= 0) this.#pushRun(row + runStart, x - runStart, cur[runStart]!);
        runStart = -1;
        continue;
      }
      if (runStart < 0) runStart = x;
      const n = prev[x]!;
      let l: number;
      if (n > 0) {
        // W, NW and NE all touch N, so they already share its component
        l = n;
      } else {
        const w = x > 0 ? cur[x - 1]! : 0;
        const nw = x > 0 ? prev[x - 1]! : 0;
        const ne = x < width - 1 ? prev[x + 1]! : 0;
        const left = w > 0 ? w : nw;
        if (ne > 0) l = left > 0 ? this.#union(ne, left) : ne;
        else l = left;
        if (l === 0) l = this.#newLabel(x, y);
      }
      cur[x] = l;
      const sat = raw !== undefined && raw[so + x]! >= saturation;
      this.#add(l, x, y, sub[so + x]!, d, rms[x]!, sat);
    }
    if (runStart >= 0) this.#pushRun(row + runStart, width - runStart, cur[runStart]!);
    this.#prev = cur;
    this.#cur = prev;
  }

  #pushRun(start: number, length: number, label: number): void {
    const at = 3 * this.#nRuns++;
    if (at === this.#runs.length) {
      const runs = new Int32Array(2 * at);
      runs.set(this.#runs);
      this.#runs = runs;
    }
    this.#runs[at] = start;
    this.#runs[at + 1] = length;
    this.#runs[at + 2] = label;
  }

  /** A new provisional label whose moments are taken about pixel (x, y). */
  #newLabel(x: number, y: number): number {
    const l = this.#next++;
    if (l >= this.#parent.length) {
      const size = 2 * this.#parent.length;
      const parent = new Int32Array(size);
      parent.set(this.#parent);
      this.#parent = parent;
      const rec = new Float64Array(size * STRIDE);
      rec.set(this.#rec);
      this.#rec = rec;
    }
    this.#parent[l] = l;
    const r = this.#rec;
    const o = l * STRIDE;
    r.fill(0, o, o + STRIDE);
    r[PEAK + o] = -Infinity;
    r[REF_X + o] = x;
    r[REF_Y + o] = y;
    r[X_MIN + o] = x;
    r[X_MAX + o] = x;
    r[Y_MIN + o] = y;
    r[Y_MAX + o] = y;
    return l;
  }

  /** Joins two labels' components; returns the root (the smaller label stays root). */
  #union(a: number, b: number): number {
    return unionRoots(this.#parent, a, b);
  }

  /**
   * Adds pixel (x, y) to provisional label `l`: `sub` background-subtracted, `det` the
   * detection-image value (moment weight), `rms` the background σ, `sat` whether the input
   * reached saturation.
   */
  #add(l: number, x: number, y: number, sub: number, det: number, rms: number, sat: boolean): void {
    const r = this.#rec;
    const o = l * STRIDE;
    const px = x - r[REF_X + o]!;
    const py = y - r[REF_Y + o]!;
    r[N + o]!++;
    r[FLUX + o] = r[FLUX + o]! + sub;
    r[VAR + o] = r[VAR + o]! + rms * rms;
    if (sub > r[PEAK + o]!) r[PEAK + o] = sub;
    r[W0 + o] = r[W0 + o]! + det;
    r[WX + o] = r[WX + o]! + det * px;
    r[WY + o] = r[WY + o]! + det * py;
    r[WXX + o] = r[WXX + o]! + det * px * px;
    r[WYY + o] = r[WYY + o]! + det * py * py;
    r[WXY + o] = r[WXY + o]! + det * px * py;
    r[UX + o] = r[UX + o]! + px;
    r[UY + o] = r[UY + o]! + py;
    if (x < r[X_MIN + o]!) r[X_MIN + o] = x;
    if (x > r[X_MAX + o]!) r[X_MAX + o] = x;
    r[Y_MAX + o] = y;
    if (sat) r[SAT + o] = 1;
  }

  /**
   * Merges every label into its root and keeps components of at least `minArea` pixels. Ids
   * run 1..count in order of first pixel in raster order; pixels are in raster order within
   * a footprint (as {@link labelComponents} gives them).
   */
  finish(minArea: number): FootprintSums {
    const parent = this.#parent;
    const r = this.#rec;
    const next = this.#next;
    // parent[l] ≤ l, so ascending order resolves every chain; sums gather at the roots
    for (let l = 1; l < next; l++) {
      const root = parent[parent[l]!]!;
      parent[l] = root;
      if (root !== l) mergeInto(r, root * STRIDE, l * STRIDE);
    }
    const finalId = new Int32Array(next);
    let count = 0;
    for (let l = 1; l < next; l++) {
      if (parent[l] === l && r[l * STRIDE + N]! >= minArea) finalId[l] = ++count;
    }
    const offsets = new Int32Array(count + 1);
    const out = {
      flux: new Float64Array(count),
      variance: new Float64Array(count),
      peak: new Float64Array(count),
      saturated: new Uint8Array(count),
      refX: new Int32Array(count),
      refY: new Int32Array(count),
      xMin: new Int32Array(count),
      xMax: new Int32Array(count),
      yMin: new Int32Array(count),
      yMax: new Int32Array(count),
    };
    const moments: MomentSums[] = [];
    for (let l = 1; l < next; l++) {
      const id = finalId[l]!;
      if (id === 0) continue;
      const k = id - 1;
      const o = l * STRIDE;
      offsets[id] = r[o + N]!;
      out.flux[k] = r[o + FLUX]!;
      out.variance[k] = r[o + VAR]!;
      out.peak[k] = r[o + PEAK]!;
      out.saturated[k] = r[o + SAT]!;
      out.refX[k] = r[o + REF_X]!;
      out.refY[k] = r[o + REF_Y]!;
      out.xMin[k] = r[o + X_MIN]!;
      out.xMax[k] = r[o + X_MAX]!;
      out.yMin[k] = r[o + Y_MIN]!;
      out.yMax[k] = r[o + Y_MAX]!;
      moments.push({
        n: r[o + N]!,
        w0: r[o + W0]!,
        wx: r[o + WX]!,
        wy: r[o + WY]!,
        wxx: r[o + WXX]!,
        wyy: r[o + WYY]!,
        wxy: r[o + WXY]!,
        ux: r[o + UX]!,
        uy: r[o + UY]!,
      });
    }
    for (let k = 0; k < count; k++) offsets[k + 1] = offsets[k]! + offsets[k + 1]!;
    const pixels = new Int32Array(offsets[count]!);
    const cursor = offsets.slice(0, count);
    const runs = this.#runs;
    for (let r = 0; r < 3 * this.#nRuns; r += 3) {
      const id = finalId[parent[runs[r + 2]!]!]!;
      if (id === 0) continue;
      const start = runs[r]!;
      const end = start + runs[r + 1]!;
      let c = cursor[id - 1]!;
      for (let i = start; i < end; i++) pixels[c++] = i;
      cursor[id - 1] = c;
    }
    const { xMin, xMax, yMin, yMax } = out;
    return {
      footprints: {
        width: this.#width,
        height: this.#height,
        count,
        offsets,
        pixels,
        xMin,
        xMax,
        yMin,
        yMax,
      },
      flux: out.flux,
      variance: out.variance,
      peak: out.peak,
      saturated: out.saturated,
      moments,
      refX: out.refX,
      refY: out.refY,
    };
  }
}

/** Adds record `b` into record `a` (offsets into `r`), moving b's moments to a's reference. */
function mergeInto(r: Float64Array, a: number, b: number): void {
  const dx = r[b + REF_X]! - r[a + REF_X]!;
  const dy = r[b + REF_Y]! - r[a + REF_Y]!;
  const w0 = r[b + W0]!;
  const wx = r[b + WX]!;
  const wy = r[b + WY]!;
  r[a + N] = r[a + N]! + r[b + N]!;
  r[a + FLUX] = r[a + FLUX]! + r[b + FLUX]!;
  r[a + VAR] = r[a + VAR]! + r[b + VAR]!;
  if (r[b + PEAK]! > r[a + PEAK]!) r[a + PEAK] = r[b + PEAK]!;
  r[a + W0] = r[a + W0]! + w0;
  r[a + WX] = r[a + WX]! + (wx + dx * w0);
  r[a + WY] = r[a + WY]! + (wy + dy * w0);
  r[a + WXX] = r[a + WXX]! + (r[b + WXX]! + 2 * dx * wx + dx * dx * w0);
  r[a + WYY] = r[a + WYY]! + (r[b + WYY]! + 2 * dy * wy + dy * dy * w0);
  r[a + WXY] = r[a + WXY]! + (r[b + WXY]! + dx * wy + dy * wx + dx * dy * w0);
  r[a + UX] = r[a + UX]! + (r[b + UX]! + dx * r[b + N]!);
  r[a + UY] = r[a + UY]! + (r[b + UY]! + dy * r[b + N]!);
  if (r[b + X_MIN]! < r[a + X_MIN]!) r[a + X_MIN] = r[b + X_MIN]!;
  if (r[b + X_MAX]! > r[a + X_MAX]!) r[a + X_MAX] = r[b + X_MAX]!;
  if (r[b + Y_MIN]! < r[a + Y_MIN]!) r[a + Y_MIN] = r[b + Y_MIN]!;
  if (r[b + Y_MAX]! > r[a + Y_MAX]!) r[a + Y_MAX] = r[b + Y_MAX]!;
  if (r[b + SAT]! > 0) r[a + SAT] = 1;
}
