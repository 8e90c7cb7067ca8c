import { PromptlyError } from '../core/errors.js';
import { apertureRow, type ApertureAccumulator } from './aperture.js';
import type { BackgroundRows, BandedDetections } from './banded-detect.js';
import type { RowSource } from './row-source.js';
import {
  emptySourceCatalog,
  SOURCE_FLAGS,
  type MeasureOptions,
  type SourceCatalog,
} from './measure.js';
import { sourceShape } from './source-shape.js';

/**
 * Measures banded detections the way {@link measureSources} measures whole-image ones:
 * isophotal sums and shapes come with the detections; the aperture fluxes and the
 * non-finite flag need the pixels around each source, taken in one more ascending pass over
 * `source` (a fresh pass: row 0 first), with the background re-made per row. Only
 * the rows near a source are touched. Options as {@link measureSources} (`saturation` was
 * applied at detection).
 */
export function measureRows(
  source: RowSource,
  background: BackgroundRows,
  detections: BandedDetections,
  options: Omit<MeasureOptions, 'saturation'> = {},
): SourceCatalog {
  const radius = options.apertureRadiusPx ?? 5;
  const gain = options.gain;
  if (!(radius > 0) || (gain !== undefined && !(gain > 0))) {
    throw new PromptlyError(
      'PROMPTLY_E_SCIENCE_OPTION_INVALID',
      'aperture radius and gain must be > 0',
    );
  }
  const { width, height } = source;
  const fp = detections.footprints;
  if (fp.width !== width || fp.height !== height) {
    throw new PromptlyError(
      'PROMPTLY_E_IMAGE_GEOMETRY',
      'detections differ in size from the image',
    );
  }
  const n = fp.count;
  const cat = emptySourceCatalog(n);
  const poisson = (f: number): number => (gain !== undefined && f > 0 ? f / gain : 0);
  // rows each source needs: its aperture and its bounding box grown by one
  const first = new Int32Array(n);
  const last = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const m = detections.moments[k]!;
    const shape = sourceShape(m);
    const cx = shape.mx + detections.refX[k]!;
    const cy = shape.my + detections.refY[k]!;
    cat.x[k] = cx;
    cat.y[k] = cy;
    cat.a[k] = shape.a;
    cat.b[k] = shape.b;
    cat.theta[k] = shape.theta;
    const flux = detections.flux[k]!;
    cat.flux[k] = flux;
    cat.fluxErr[k] = Math.sqrt(detections.variance[k]! + poisson(flux));
    cat.peak[k] = detections.peak[k]!;
    cat.npix[k] = m.n;
    let flags = detections.saturated[k] ? SOURCE_FLAGS.SATURATED : 0;
    const apY0 = Math.floor(cy - radius + 0.5);
    const apY1 = Math.ceil(cy + radius - 0.5);
    const apX0 = Math.floor(cx - radius + 0.5);
    const apX1 = Math.ceil(cx + radius - 0.5);
    if (apX0 < 0 || apY0 < 0 || apX1 > width - 1 || apY1 > height - 1) {
      flags |= SOURCE_FLAGS.APERTURE_TRUNCATED;
    }
    if (fp.xMin[k] === 0 || fp.yMin[k] === 0) flags |= SOURCE_FLAGS.EDGE;
    if (fp.xMax[k] === width - 1 || fp.yMax[k] === height - 1) flags |= SOURCE_FLAGS.EDGE;
    cat.flags[k] = flags;
    first[k] = Math.max(0, Math.min(apY0, fp.yMin[k]! - 1));
    last[k] = Math.min(height - 1, Math.max(apY1, fp.yMax[k]! + 1));
  }
  const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => first[a]! - first[b]!);
  const sums: ApertureAccumulator[] = Array.from({ length: n }, () => ({
    sum: 0,
    variance: 0,
    area: 0,
    hasNonFinite: false,
  }));
  const bgRows = background.level;
  const rmsRows = background.rms;
  const bg = new Float32Array(width);
  const rms = new Float32Array(width);
  const sub = new Float32Array(width);
  const active: number[] = [];
  const pass: AperturePass = { width, radius, cat, fp, sums, bg, rms, sub, bgRows, rmsRows };
  let nextSource = 0;
  for (let y = 0; y < height && (nextSource < n || active.length > 0); y++) {
    while (nextSource < n && first[order[nextSource]!]! <= y) active.push(order[nextSource++]!);
    // the source must still be read in order even where no source needs the row
    const raw = source.row(y);
    if (active.length > 0) measureRow(pass, y, raw, active);
    dropFinished(active, last, y);
  }
  for (let k = 0; k < n; k++) {
    const ap = sums[k]!;
    cat.apFlux[k] = ap.sum;
    cat.apFluxErr[k] = Math.sqrt(ap.variance + poisson(ap.sum));
    if (ap.hasNonFinite) cat.flags[k] = cat.flags[k]! | SOURCE_FLAGS.NON_FINITE;
  }
  return cat;
}

/** What one row of the aperture pass works with. */
interface AperturePass {
  readonly width: number;
  readonly radius: number;
  readonly cat: SourceCatalog;
  readonly fp: BandedDetections['footprints'];
  readonly sums: readonly ApertureAccumulator[];
  readonly bg: Float32Array;
  readonly rms: Float32Array;
  readonly sub: Float32Array;
  readonly bgRows: BackgroundRows['level'];
  readonly rmsRows: BackgroundRows['rms'];
}

/**
 * Adds row `y` (input `raw`) to the apertures and non-finite checks of the `active` sources.
 * A function of its own so it is optimised as a whole rather than by on-stack replacement.
 */
function measureRow(p: AperturePass, y: number, raw: Float32Array, active: number[]): void {
  const { width, radius, cat, fp, sums, bg, rms, sub } = p;
  for (const k of active) {
    const cx = cat.x[k]!;
    const cy = cat.y[k]!;
    // only the columns this source needs: its aperture and its box grown by one
    const x0 = Math.max(0, Math.min(Math.floor(cx - radius + 0.5), fp.xMin[k]! - 1));
    const x1 = Math.min(width - 1, Math.max(Math.ceil(cx + radius - 0.5), fp.xMax[k]! + 1));
    p.bgRows.range(y, bg, x0, x1 + 1);
    p.rmsRows.range(y, rms, x0, x1 + 1);
    for (let x = x0; x <= x1; x++) sub[x] = raw[x]! - bg[x]!;
    if (y >= Math.floor(cy - radius + 0.5) && y <= Math.ceil(cy + radius - 0.5)) {
      apertureRow(sub, rms, 0, width, y, cx, cy, radius, sums[k]!);
    }
    if (
      y >= fp.yMin[k]! - 1 &&
      y <= fp.yMax[k]! + 1 &&
      !(cat.flags[k]! & SOURCE_FLAGS.NON_FINITE) &&
      hasNonFinite(sub, Math.max(0, fp.xMin[k]! - 1), Math.min(width - 1, fp.xMax[k]! + 1))
    ) {
      cat.flags[k] = cat.flags[k]! | SOURCE_FLAGS.NON_FINITE;
    }
  }
}

/** True when `row[x0..x1]` holds a NaN or ±∞. */
function hasNonFinite(row: Float32Array, x0: number, x1: number): boolean {
  for (let x = x0; x <= x1; x++) {
    const v = row[x]!;
    if (v !== v || v === Infinity || v === -Infinity) return true;
  }
  return false;
}

/** Removes, in place and in order, the sources whose last row is `y` or earlier. */
function dropFinished(active: number[], last: Int32Array, y: number): void {
  let j = 0;
  for (const k of active) if (last[k]! > y) active[j++] = k;
  active.length = j;
}
