import { medianInPlace } from '../robust-stats.js';

/** An image plane with variance and optional mask, `width × height`, row-major. */
export interface MaskedPlanes {
  readonly data: Float32Array;
  readonly variance: Float32Array;
  /** Mask bits; a stamp touching any set bit is not used. */
  readonly mask?: Uint32Array | undefined;
}

/** Options of {@link selectStamps}. */
export interface StampSelectionOptions {
  /** Most stamps to return. */
  readonly maxStamps: number;
  /** The detector is cut into `gridCells²` cells, each giving up to maxStamps / cells² stamps. */
  readonly gridCells: number;
  /** Minimum peak S/N in the selection image (peak above background over sqrt(variance)). */
  readonly snrMin: number;
  /** Peaks at or above this value (image units, background included) are saturated. */
  readonly saturation: number;
  /** Stamp centres stay this far (pixels) from every edge: fit half-size + kernel half-width. */
  readonly marginPx: number;
  /** No other peak brighter than 10 % of a star's may lie within this radius, pixels. */
  readonly isolationPx: number;
}

/** A chosen stamp centre (integer pixels) and its peak S/N in the selection image. */
export interface StampCentre {
  readonly x: number;
  readonly y: number;
  readonly snr: number;
}

/** Median and robust σ (1.4826·MAD) of every 97th finite pixel, image units. */
export function sampledLevel(data: Float32Array): { level: number; sigma: number } {
  const step = 97;
  const sample = new Float64Array(Math.ceil(data.length / step));
  let n = 0;
  for (let i = 0; i < data.length; i += step) {
    const v = data[i]!;
    if (v === v) sample[n++] = v;
  }
  const level = medianInPlace(sample, n);
  for (let i = 0; i < n; i++) sample[i] = Math.abs(sample[i]! - level);
  return { level, sigma: 1.4826 * medianInPlace(sample, n) };
}

/**
 * Bright, isolated, unsaturated, unmasked stars for the kernel fit: 3×3 local maxima of
 * `select` above `snrMin`, seen in `other` too at S/N ≥ snrMin / 3 (a transient or a variable is
 * not a matching star), spread over the detector by a grid, brightest first per cell.
 */
export function selectStamps(
  select: MaskedPlanes,
  other: MaskedPlanes,
  width: number,
  height: number,
  options: StampSelectionOptions,
): StampCentre[] {
  const bgS = sampledLevel(select.data);
  const bgO = sampledLevel(other.data);
  const m = options.marginPx;
  const peaks: Array<{ x: number; y: number; peak: number; snr: number }> = [];
  const floor = bgS.level + 5 * bgS.sigma;
  const d = select.data;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const v = d[i]!;
      if (!(v > floor)) continue;
      if (
        v < d[i - 1]! ||
        v < d[i + 1]! ||
        v < d[i - width]! ||
        v < d[i + width]! ||
        v < d[i - width - 1]! ||
        v < d[i - width + 1]! ||
        v < d[i + width - 1]! ||
        v < d[i + width + 1]!
      ) {
        continue;
      }
      peaks.push({
        x,
        y,
        peak: v - bgS.level,
        snr: (v - bgS.level) / Math.sqrt(select.variance[i]!),
      });
    }
  }
  // isolation through a hash grid of the peaks
  const cell = Math.max(1, options.isolationPx);
  const gw = Math.ceil(width / cell);
  const buckets = new Map<number, number[]>();
  peaks.forEach((p, idx) => {
    const key = Math.floor(p.y / cell) * gw + Math.floor(p.x / cell);
    const list = buckets.get(key);
    if (list === undefined) buckets.set(key, [idx]);
    else list.push(idx);
  });
  const r2 = options.isolationPx * options.isolationPx;
  const good: Array<{ x: number; y: number; snr: number }> = [];
  for (const p of peaks) {
    if (p.snr < options.snrMin || p.peak + bgS.level >= options.saturation) continue;
    if (p.x < m || p.y < m || p.x >= width - m || p.y >= height - m) continue;
    if (!isolated(p, peaks, buckets, cell, gw, r2)) continue;
    const i = p.y * width + p.x;
    const o = other.data[i]!;
    if (!((o - bgO.level) / Math.sqrt(other.variance[i]!) >= options.snrMin / 3)) continue;
    if (o >= options.saturation) continue;
    if (!clean(select, p.x, p.y, m, width) || !clean(other, p.x, p.y, m, width)) continue;
    good.push({ x: p.x, y: p.y, snr: p.snr });
  }
  const g = options.gridCells;
  const perCell = Math.max(1, Math.ceil(options.maxStamps / (g * g)));
  const cells: Array<Array<{ x: number; y: number; snr: number }>> = Array.from(
    { length: g * g },
    () => [],
  );
  for (const s of good) {
    const cx = Math.min(g - 1, Math.floor((s.x * g) / width));
    const cy = Math.min(g - 1, Math.floor((s.y * g) / height));
    cells[cy * g + cx]!.push(s);
  }
  const out: StampCentre[] = [];
  for (const list of cells) {
    list.sort((a, b) => b.snr - a.snr);
    out.push(...list.slice(0, perCell));
  }
  out.sort((a, b) => b.snr - a.snr);
  return out.slice(0, options.maxStamps);
}

function isolated(
  p: { x: number; y: number; peak: number },
  peaks: ReadonlyArray<{ x: number; y: number; peak: number }>,
  buckets: Map<number, number[]>,
  cell: number,
  gw: number,
  r2: number,
): boolean {
  const bx = Math.floor(p.x / cell);
  const by = Math.floor(p.y / cell);
  for (let yy = by - 1; yy <= by + 1; yy++) {
    for (let xx = bx - 1; xx <= bx + 1; xx++) {
      if (xx < 0 || yy < 0 || xx >= gw) continue;
      for (const j of buckets.get(yy * gw + xx) ?? []) {
        const q = peaks[j]!;
        if (q === p) continue;
        const dd = (q.x - p.x) ** 2 + (q.y - p.y) ** 2;
        if (dd < r2 && q.peak > 0.1 * p.peak) return false;
      }
    }
  }
  return true;
}

function clean(planes: MaskedPlanes, cx: number, cy: number, half: number, width: number): boolean {
  for (let y = cy - half; y <= cy + half; y++) {
    for (let x = cx - half; x <= cx + half; x++) {
      const i = y * width + x;
      const v = planes.data[i]!;
      if (v !== v || (planes.mask !== undefined && planes.mask[i] !== 0)) return false;
    }
  }
  return true;
}

/**
 * Gaussian σ (pixels) of the star at (cx, cy) by adaptive second moments: weight
 * exp(−r²/2σ_w²), σ_w² ← 2·(weighted per-axis moment), which converges to σ_w = σ for a
 * Gaussian star. `level` is the background. NaN when it does not converge.
 */
export function adaptiveSigma(
  data: Float32Array,
  width: number,
  cx: number,
  cy: number,
  level: number,
  radius: number,
): number {
  let sw = 2;
  for (let it = 0; it < 30; it++) {
    let s0 = 0;
    let s2 = 0;
    const inv = 1 / (2 * sw * sw);
    for (let dy = -radius; dy <= radius; dy++) {
      for (let dx = -radius; dx <= radius; dx++) {
        const r2 = dx * dx + dy * dy;
        const v = (data[(cy + dy) * width + cx + dx]! - level) * Math.exp(-r2 * inv);
        s0 += v;
        s2 += v * r2;
      }
    }
    if (!(s0 > 0)) return NaN;
    const next = Math.sqrt(Math.max(0.01, s2 / s0)); // per-axis moment m = s2/(2 s0), σ_w² = 2m
    if (Math.abs(next - sw) < 1e-4) return next;
    sw = next;
  }
  return sw;
}
