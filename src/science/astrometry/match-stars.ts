/**
 * Matching detected stars to reference stars placed on the detector by a guess WCS that may
 * be arcseconds off (the telescope's reported pointing): the offset is found by a vote — every
 * pair of a bright detection and a bright reference within `searchPx` votes for its (dx, dy)
 * in 1-pixel bins and for the zero point it implies (reference magnitude + 2.5 log10 of the
 * detection's flux, in `zeroPointBinMag` bins), and the fullest 3 × 3 × 3 neighbourhood wins —
 * then each detection takes the nearest reference within `tolerancePx` of its shifted position,
 * one to one, nearest first. True pairs agree on the offset *and* on the zero point, chance
 * pairs on neither, so a handful of stars among hundreds of catalog entries (a small detector
 * in a crowded field) still wins the vote. A rotation error small over the detector
 * (arcsec-level rotator errors) only widens the peak.
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
  /** Zero-point bin of the vote, magnitudes, (0, 10]; default 0.2. */
  readonly zeroPointBinMag?: number;
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
  /** Zero point the winning pairs imply (reference mag + 2.5 log10 flux), NaN if none. */
  readonly zeroPointMag: number;
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
  const zpBin = options.zeroPointBinMag ?? 0.2;
  if (!(zpBin > 0 && zpBin <= 10))
    throw new RangeError(`zeroPointBinMag must be in (0, 10], got ${zpBin}`);
  const side = 2 * search + 1;
  // every (detection, reference) pair within the search box, with the zero point it implies
  const pairDx: number[] = [];
  const pairDy: number[] = [];
  const pairZp: number[] = [];
  let zMin = Infinity;
  for (const d of det) {
    if (!(detections.brightness[d]! > 0)) continue;
    const magOffset = 2.5 * Math.log10(detections.brightness[d]!);
    for (const r of ref) {
      const dx = detections.x[d]! - references.x[r]!;
      const dy = detections.y[d]! - references.y[r]!;
      if (Math.abs(Math.round(dx)) > search || Math.abs(Math.round(dy)) > search) continue;
      const zp = references.brightness[r]! + magOffset;
      if (!Number.isFinite(zp)) continue;
      pairDx.push(dx);
      pairDy.push(dy);
      pairZp.push(zp);
      zMin = Math.min(zMin, zp);
    }
  }
  // sparse 3-D histogram: offset bins × zero-point bins
  const key = (i: number, j: number, z: number) => (z * side + j) * side + i;
  const votes = new Map<number, number>();
  for (let p = 0; p < pairDx.length; p++) {
    const k = key(
      Math.round(pairDx[p]!) + search,
      Math.round(pairDy[p]!) + search,
      Math.floor((pairZp[p]! - zMin) / zpBin) + 1,
    );
    votes.set(k, (votes.get(k) ?? 0) + 1);
  }
  let best = -1;
  let bx = 0;
  let by = 0;
  let bz = 0;
  // only bins next to a filled one can win; visit those, in key order so ties are stable
  for (const k of [...votes.keys()].sort((a, b) => a - b)) {
    const i0 = k % side;
    const j0 = Math.floor(k / side) % side;
    const z0 = Math.floor(k / (side * side));
    let sum = 0;
    for (let c = -1; c <= 1; c++)
      for (let b = -1; b <= 1; b++)
        for (let a = -1; a <= 1; a++) {
          const ii = i0 + a;
          const jj = j0 + b;
          if (ii < 0 || jj < 0 || ii >= side || jj >= side) continue;
          sum += votes.get(key(ii, jj, z0 + c)) ?? 0;
        }
    if (sum > best) {
      best = sum;
      bx = i0 - search;
      by = j0 - search;
      bz = z0;
    }
  }
  const zpCentre = zMin + (bz - 0.5) * zpBin;
  // refine the offset: mean of the pairs within 2 px and 1.5 bins of the vote's peak
  let sx = 0;
  let sy = 0;
  let n = 0;
  const zps: number[] = [];
  for (let p = 0; p < pairDx.length; p++) {
    if (Math.hypot(pairDx[p]! - bx, pairDy[p]! - by) > 2) continue;
    if (!(Math.abs(pairZp[p]! - zpCentre) <= 1.5 * zpBin)) continue;
    sx += pairDx[p]!;
    sy += pairDy[p]!;
    zps.push(pairZp[p]!);
    n++;
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
    votes: Math.max(0, best),
    zeroPointMag: zps.length > 0 ? zps.sort((a, b) => a - b)[zps.length >> 1]! : NaN,
  };
}
