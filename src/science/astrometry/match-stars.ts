/**
 * Matching detected stars to reference stars placed on the detector by a guess WCS that may
 * be arcseconds off (the telescope's reported pointing): the offset is found by a vote — every
 * pair of a bright detection and a bright reference within `searchPx` votes for its (dx, dy)
 * in 1-pixel bins, and the fullest 3 × 3 neighbourhood wins — then each detection takes the
 * nearest reference within `tolerancePx` of its shifted position, one to one, nearest first.
 * A rotation error small over the detector (arcsec-level rotator errors) only widens the peak.
 */

export interface StarList {
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  /** Brightness order key: larger is brighter (flux), or magnitude with `magnitudes`. */
  readonly brightness: ArrayLike<number>;
}

export interface MatchOptions {
  /** Largest offset searched, pixels. */
  readonly searchPx: number;
  /** Largest distance of a match after the offset, pixels. Default 2. */
  readonly tolerancePx?: number;
  /** Brightest detections and references that vote. Default 150 and 300. */
  readonly voters?: number;
  readonly referenceVoters?: number;
}

export interface StarMatches {
  /** Index into the detections and into the references, pair by pair. */
  readonly detection: Int32Array;
  readonly reference: Int32Array;
  /** The offset found: reference position + offset = detection position, pixels. */
  readonly dx: number;
  readonly dy: number;
  /** Votes in the winning neighbourhood. */
  readonly votes: number;
}

function brightest(list: StarList, n: number, larger: boolean): number[] {
  const idx = Array.from({ length: list.x.length }, (_, k) => k).filter(
    (k) => Number.isFinite(list.brightness[k]) && Number.isFinite(list.x[k]),
  );
  idx.sort((a, b) =>
    larger ? list.brightness[b]! - list.brightness[a]! : list.brightness[a]! - list.brightness[b]!,
  );
  return idx.slice(0, n);
}

/**
 * Matches `detections` (brightness = flux) to `references` (brightness = magnitude, smaller is
 * brighter), both in detector pixels (references through the guess WCS).
 */
export function matchStars(
  detections: StarList,
  references: StarList,
  options: MatchOptions,
): StarMatches {
  const search = Math.max(1, Math.ceil(options.searchPx));
  const tol = options.tolerancePx ?? 2;
  const det = brightest(detections, options.voters ?? 150, true);
  const ref = brightest(references, options.referenceVoters ?? 300, false);
  const side = 2 * search + 1;
  const votes = new Int32Array(side * side);
  for (const d of det) {
    for (const r of ref) {
      const dx = Math.round(detections.x[d]! - references.x[r]!);
      const dy = Math.round(detections.y[d]! - references.y[r]!);
      if (Math.abs(dx) > search || Math.abs(dy) > search) continue;
      votes[(dy + search) * side + dx + search]!++;
    }
  }
  let best = -1;
  let bx = 0;
  let by = 0;
  for (let j = 0; j < side; j++)
    for (let i = 0; i < side; i++) {
      let s = 0;
      for (let b = -1; b <= 1; b++)
        for (let a = -1; a <= 1; a++) {
          const ii = i + a;
          const jj = j + b;
          if (ii >= 0 && jj >= 0 && ii < side && jj < side) s += votes[jj * side + ii]!;
        }
      if (s > best) {
        best = s;
        bx = i - search;
        by = j - search;
      }
    }
  // refine the offset: mean of the pairs within 2 px of the vote's peak
  let sx = 0;
  let sy = 0;
  let n = 0;
  for (const d of det)
    for (const r of ref) {
      const dx = detections.x[d]! - references.x[r]!;
      const dy = detections.y[d]! - references.y[r]!;
      if (Math.hypot(dx - bx, dy - by) <= 2) {
        sx += dx;
        sy += dy;
        n++;
      }
    }
  const dx = n > 0 ? sx / n : bx;
  const dy = n > 0 ? sy / n : by;
  // every detection to its nearest shifted reference, nearest pairs first, one to one
  const pairs: { d: number; r: number; dist: number }[] = [];
  const rx = Array.from(references.x, (v) => v + dx);
  const ry = Array.from(references.y, (v) => v + dy);
  // bucket references on a grid of `tol` cells
  const cell = Math.max(tol, 1);
  const grid = new Map<string, number[]>();
  for (let r = 0; r < rx.length; r++) {
    if (!Number.isFinite(rx[r]) || !Number.isFinite(ry[r])) continue;
    const key = `${Math.floor(rx[r]! / cell)},${Math.floor(ry[r]! / cell)}`;
    const list = grid.get(key);
    if (list) list.push(r);
    else grid.set(key, [r]);
  }
  for (let d = 0; d < detections.x.length; d++) {
    const x = detections.x[d]!;
    const y = detections.y[d]!;
    const gx = Math.floor(x / cell);
    const gy = Math.floor(y / cell);
    for (let b = -1; b <= 1; b++)
      for (let a = -1; a <= 1; a++)
        for (const r of grid.get(`${gx + a},${gy + b}`) ?? []) {
          const dist = Math.hypot(x - rx[r]!, y - ry[r]!);
          if (dist <= tol) pairs.push({ d, r, dist });
        }
  }
  pairs.sort((a, b) => a.dist - b.dist || a.d - b.d || a.r - b.r);
  const usedD = new Set<number>();
  const usedR = new Set<number>();
  const outD: number[] = [];
  const outR: number[] = [];
  for (const p of pairs) {
    if (usedD.has(p.d) || usedR.has(p.r)) continue;
    usedD.add(p.d);
    usedR.add(p.r);
    outD.push(p.d);
    outR.push(p.r);
  }
  return {
    detection: Int32Array.from(outD),
    reference: Int32Array.from(outR),
    dx,
    dy,
    votes: best,
  };
}
