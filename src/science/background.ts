import { PromptlyError } from '../core/errors.js';
import type { Image } from './image.js';
import type { DetectionWorkspace } from './detection-workspace.js';
import { interpolateMesh } from './mesh-spline.js';
import { medianInPlace } from './robust-stats.js';
import type { RowSource } from './row-source.js';

/** Options for {@link estimateBackground}. */
export interface BackgroundOptions {
  /** Mesh cell size, pixels (square cells; the last row/column may be partial). Default 64. */
  readonly meshSize?: number;
  /** Median-filter size over the mesh, in cells (odd). 1 disables. Default 3 (3×3). */
  readonly filterSize?: number;
}

/** The coarse mesh behind a background model. */
export interface BackgroundMesh {
  readonly nx: number;
  readonly ny: number;
  readonly meshSize: number;
  /** Median-filtered background level per cell, `nx × ny`, row-major, image units. */
  readonly level: Float32Array;
  /** Median-filtered background RMS per cell, image units. */
  readonly rms: Float32Array;
}

/** Result of {@link estimateBackground}. */
export interface BackgroundResult {
  /** Full-resolution background level, image units. */
  readonly background: Image;
  /** Full-resolution background RMS (1σ noise per pixel), image units. */
  readonly rms: Image;
  readonly mesh: BackgroundMesh;
  /** Median of the mesh levels (SExtractor's global background). */
  readonly globalLevel: number;
  /** Median of the mesh RMS values (SExtractor's global RMS). */
  readonly globalRms: number;
}

/**
 * SExtractor-style background: per mesh cell, the values are clipped once at ±2σ about the mean
 * (setting a ±5σ working range), then iteratively at ±3σ about the median until σ converges;
 * the level is the mode estimate 2.5·median − 1.5·mean when the clipped distribution is nearly
 * symmetric (|mean − median| < 0.3σ), else the median (crowded cell), as SExtractor's
 * `backguess` does; the RMS is the clipped σ. As there, the clipping runs on a histogram of
 * the ±5σ range (up to 4096 bins, ≈ σ/400 each for a 64² cell), so a cell costs O(pixels). Cells with under half their pixels finite take
 * the mean of the nearest good cells. Level and RMS meshes are median-filtered (3×3 default,
 * shrinking at the borders), then spline-interpolated to full size. NaN pixels are ignored.
 * With a `workspace`, the full-size `background` and `rms` images are views of its buffers,
 * valid until the next `estimateBackground` with it; nothing full-frame is allocated.
 */
export function estimateBackground(
  image: Image,
  options: BackgroundOptions = {},
  workspace?: DetectionWorkspace,
): BackgroundResult {
  const { width, height } = image;
  const { mesh, globalLevel, globalRms } = estimateBackgroundMesh(image, options);
  const { nx, ny, meshSize } = mesh;
  const size = width * height;
  const bgOut = workspace?.plane('background', size);
  const rmsOut = workspace?.plane('rms', size);
  return {
    background: {
      width,
      height,
      data: interpolateMesh(mesh.level, nx, ny, meshSize, width, height, bgOut),
    },
    rms: {
      width,
      height,
      data: interpolateMesh(mesh.rms, nx, ny, meshSize, width, height, rmsOut),
    },
    mesh,
    globalLevel,
    globalRms,
  };
}

/**
 * The coarse part of {@link estimateBackground}: the filtered mesh and the global level and
 * RMS, without the full-resolution maps (for a caller that needs only the global noise, it
 * saves two full-frame interpolations and their arrays).
 */
export function estimateBackgroundMesh(
  image: Image,
  options: BackgroundOptions = {},
): Pick<BackgroundResult, 'mesh' | 'globalLevel' | 'globalRms'> {
  // the image's own rows serve as bands: nothing is copied
  return meshFromBands(image.width, image.height, options, (y0) => ({
    data: image.data,
    base: y0 * image.width,
  }));
}

/**
 * {@link estimateBackgroundMesh} over rows read in ascending order (e.g. streamed from a
 * file): one band of `meshSize` rows is held at a time, so the image is never whole in
 * memory. Same results.
 */
export function estimateBackgroundMeshRows(
  source: RowSource,
  options: BackgroundOptions = {},
): Pick<BackgroundResult, 'mesh' | 'globalLevel' | 'globalRms'> {
  const { width, height } = source;
  // allocated at the first band, after the options are checked; no later band is taller
  let band: Float32Array | undefined;
  return meshFromBands(width, height, options, (y0, y1) => {
    band ??= new Float32Array((y1 - y0) * width);
    for (let y = y0; y < y1; y++) band.set(source.row(y).subarray(0, width), (y - y0) * width);
    return { data: band, base: 0 };
  });
}

/**
 * The mesh estimate proper. `band(y0, y1)` gives rows y0..y1−1 (ascending calls): pixel
 * (x, y) at `data[base + (y − y0)·width + x]`.
 */
function meshFromBands(
  width: number,
  height: number,
  options: BackgroundOptions,
  band: (y0: number, y1: number) => { data: Float32Array; base: number },
): Pick<BackgroundResult, 'mesh' | 'globalLevel' | 'globalRms'> {
  const meshSize = options.meshSize ?? 64;
  const filterSize = options.filterSize ?? 3;
  if (!Number.isInteger(meshSize) || meshSize < 2) {
    throw new PromptlyError('PROMPTLY_E_SCIENCE_OPTION_INVALID', `meshSize must be an integer ≥ 2`);
  }
  if (!Number.isInteger(filterSize) || filterSize < 1 || filterSize % 2 === 0) {
    throw new PromptlyError('PROMPTLY_E_SCIENCE_OPTION_INVALID', `filterSize must be odd and ≥ 1`);
  }
  const nx = Math.ceil(width / meshSize);
  const ny = Math.ceil(height / meshSize);
  const level = new Float32Array(nx * ny);
  const rms = new Float32Array(nx * ny);
  const good = new Uint8Array(nx * ny);
  const scratch = new Float32Array(meshSize * meshSize);
  const cellScratch = makeCellScratch();
  const moments = new Float64Array(3);
  for (let j = 0; j < ny; j++) {
    const y0 = j * meshSize;
    const y1 = Math.min(height, y0 + meshSize);
    const { data, base } = band(y0, y1);
    for (let i = 0; i < nx; i++) {
      const x0 = i * meshSize;
      const x1 = Math.min(width, x0 + meshSize);
      const n = gatherCell(data, base, width, x0, x1, y1 - y0, scratch, moments);
      if (n < 0.5 * (x1 - x0) * (y1 - y0) || n < 3) continue;
      const est = cellEstimate(scratch, n, moments[0]!, moments[1]!, moments[2]!, cellScratch);
      level[j * nx + i] = est.level;
      rms[j * nx + i] = est.rms;
      good[j * nx + i] = 1;
    }
  }
  fillBadCells(level, rms, good, nx, ny);
  const fLevel = filterSize > 1 ? medianFilter(level, nx, ny, filterSize) : level;
  const fRms = filterSize > 1 ? medianFilter(rms, nx, ny, filterSize) : rms;
  const globalLevel = medianInPlace(Float64Array.from(fLevel), fLevel.length);
  const globalRms = medianInPlace(Float64Array.from(fRms), fRms.length);
  return { mesh: { nx, ny, meshSize, level: fLevel, rms: fRms }, globalLevel, globalRms };
}

/**
 * Copies the finite values of columns x0..x1−1 of `rows` band rows (pixel (x, r) at
 * `data[base + r·width + x]`) into `out` and returns their count; `moments` receives the
 * first value (ref), Σ(v − ref) and Σ(v − ref)² (about the first value, which keeps the sums
 * well conditioned). Its own function so it is optimised whole, not by on-stack replacement.
 */
function gatherCell(
  data: Float32Array,
  base: number,
  width: number,
  x0: number,
  x1: number,
  rows: number,
  out: Float32Array,
  moments: Float64Array,
): number {
  let n = 0;
  let ref = NaN;
  let s = 0;
  let ss = 0;
  for (let r = 0; r < rows; r++) {
    const row = base + r * width;
    for (let x = x0; x < x1; x++) {
      const v = data[row + x]!;
      if (v === v && v !== Infinity && v !== -Infinity) {
        if (n === 0) ref = v;
        out[n++] = v;
        const d = v - ref;
        s += d;
        ss += d * d;
      }
    }
  }
  moments[0] = ref;
  moments[1] = s;
  moments[2] = ss;
  return n;
}

/** Histogram bins per cell at most (SExtractor's QUANTIF_NMAXLEVELS). */
const MAX_BINS = 4096;
/** Bins per pixel: about 4 values per bin within ±σ (SExtractor's quantisation rule). */
const BINS_PER_PIXEL = (Math.sqrt(2 / Math.PI) * 5) / 4;

/** Reusable buffers for {@link cellEstimate}. */
interface CellScratch {
  readonly hist: Int32Array;
  /** cum[i] = Σ hist[0..i) ; s1/s2 the same for hist·(i+½) and hist·(i+½)². */
  readonly cum: Float64Array;
  readonly s1: Float64Array;
  readonly s2: Float64Array;
}

function makeCellScratch(): CellScratch {
  return {
    hist: new Int32Array(MAX_BINS),
    cum: new Float64Array(MAX_BINS + 1),
    s1: new Float64Array(MAX_BINS + 1),
    s2: new Float64Array(MAX_BINS + 1),
  };
}

/**
 * Clipped mode (level) and σ (rms) of one cell's values `v[0..n)`, in O(n + bins): a ±2σ cut about the mean fixes a ±5σ histogram (bin width ≈ 0.0025σ for a 64²
 * cell); the ±3σ clipping about the (interpolated) median then runs on prefix sums of the
 * histogram. `s` and `ss` are Σ(v − ref) and Σ(v − ref)² with `ref` = v[0], summed in order.
 */
function cellEstimate(
  v: Float32Array,
  n: number,
  ref: number,
  s: number,
  ss: number,
  sc: CellScratch,
): { level: number; rms: number } {
  const mean0 = s / n + ref;
  const sig0 = Math.sqrt(Math.max(0, ss / n - (s / n) ** 2));
  if (sig0 === 0) return { level: mean0, rms: 0 };
  const lo0 = mean0 - 2 * sig0;
  const hi0 = mean0 + 2 * sig0;
  s = 0;
  ss = 0;
  let c = 0;
  for (let k = 0; k < n; k++) {
    const x = v[k]!;
    if (x < lo0 || x > hi0) continue;
    const d = x - mean0;
    s += d;
    ss += d * d;
    c++;
  }
  const mean1 = s / c + mean0;
  const sig1 = Math.sqrt(Math.max(0, ss / c - (s / c) ** 2));
  if (!(sig1 > 0)) return { level: mean1, rms: 0 };
  const nb = Math.min(MAX_BINS, Math.floor(BINS_PER_PIXEL * c + 1));
  const qzero = mean1 - 5 * sig1;
  const qscale = (10 * sig1) / nb;
  const { hist, cum, s1, s2 } = sc;
  hist.fill(0, 0, nb);
  for (let k = 0; k < n; k++) {
    // t ≥ 0, so truncation is the floor; values below the range fail the first test
    const t = (v[k]! - qzero) / qscale;
    if (t >= 0 && t < nb) hist[t | 0]!++;
  }
  for (let i = 0; i < nb; i++) {
    const h = hist[i]!;
    const x = i + 0.5;
    cum[i + 1] = cum[i]! + h;
    s1[i + 1] = s1[i]! + h * x;
    s2[i + 1] = s2[i]! + h * x * x;
  }
  // all quantities below are in bin units until the end
  let lo = 0;
  let hi = nb - 1;
  let mean = 0;
  let sig = 10 * nb;
  let prev = 1;
  let med = 0;
  for (let iter = 0; iter < 100 && sig >= 0.1 && Math.abs(sig / prev - 1) > 1e-4; iter++) {
    prev = sig;
    const total = cum[hi + 1]! - cum[lo]!;
    if (total <= 0) break;
    mean = (s1[hi + 1]! - s1[lo]!) / total;
    sig = Math.sqrt(Math.max(0, (s2[hi + 1]! - s2[lo]!) / total - mean * mean));
    med = interpolatedMedian(hist, cum, lo, hi, cum[lo]! + total / 2);
    lo = Math.max(0, Math.floor(med - 3 * sig));
    hi = Math.min(nb - 1, Math.floor(med + 3 * sig));
  }
  const rms = sig * qscale;
  if (!(sig > 0)) return { level: qzero + mean * qscale, rms: 0 };
  const mode = Math.abs(mean - med) / sig < 0.3 ? 2.5 * med - 1.5 * mean : med;
  return { level: qzero + mode * qscale, rms };
}

/**
 * Position (bin units, bin b spans [b, b+1)) where the cumulative count reaches `target`,
 * linear within a bin. When `target` falls exactly on a run of empty bins (gappy, quantised
 * data), the midpoint of the gap is returned so symmetric data give a symmetric median.
 */
function interpolatedMedian(
  hist: Int32Array,
  cum: Float64Array,
  lo: number,
  hi: number,
  target: number,
): number {
  // first bin whose cumulative end reaches target
  let a = lo;
  let b = hi;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (cum[m + 1]! >= target) b = m;
    else a = m + 1;
  }
  const first = a;
  const lower = first + (hist[first]! > 0 ? (target - cum[first]!) / hist[first]! : 0);
  // last bin whose cumulative start is still ≤ target
  a = first;
  b = hi;
  while (a < b) {
    const m = (a + b + 1) >>> 1;
    if (cum[m]! <= target) a = m;
    else b = m - 1;
  }
  const upper = a + (hist[a]! > 0 ? (target - cum[a]!) / hist[a]! : 0);
  return 0.5 * (lower + upper);
}

/** Replaces bad cells with the mean of the nearest good cells (SExtractor's rule). */
function fillBadCells(
  level: Float32Array,
  rms: Float32Array,
  good: Uint8Array,
  nx: number,
  ny: number,
): void {
  const src = Float32Array.from(level);
  const srcRms = Float32Array.from(rms);
  let anyGood = false;
  for (const g of good) if (g) anyGood = true;
  for (let p = 0; p < nx * ny; p++) {
    if (good[p]) continue;
    if (!anyGood) {
      level[p] = NaN;
      rms[p] = NaN;
      continue;
    }
    const px = p % nx;
    const py = (p - px) / nx;
    let best = Infinity;
    let sum = 0;
    let sumRms = 0;
    let count = 0;
    for (let q = 0; q < nx * ny; q++) {
      if (!good[q]) continue;
      const qx = q % nx;
      const qy = (q - qx) / nx;
      const d2 = (qx - px) * (qx - px) + (qy - py) * (qy - py);
      if (d2 < best) {
        best = d2;
        sum = src[q]!;
        sumRms = srcRms[q]!;
        count = 1;
      } else if (d2 === best) {
        sum += src[q]!;
        sumRms += srcRms[q]!;
        count++;
      }
    }
    level[p] = sum / count;
    rms[p] = sumRms / count;
  }
}

/** Median filter of an `nx × ny` mesh; the window shrinks symmetrically at the borders. */
function medianFilter(mesh: Float32Array, nx: number, ny: number, size: number): Float32Array {
  const half = size >> 1;
  const out = new Float32Array(nx * ny);
  const window = new Float64Array(size * size);
  for (let j = 0; j < ny; j++) {
    const hy = Math.min(half, j, ny - 1 - j);
    for (let i = 0; i < nx; i++) {
      const hx = Math.min(half, i, nx - 1 - i);
      let n = 0;
      for (let y = j - hy; y <= j + hy; y++) {
        for (let x = i - hx; x <= i + hx; x++) window[n++] = mesh[y * nx + x]!;
      }
      out[j * nx + i] = medianInPlace(window, n);
    }
  }
  return out;
}
