/**
 * 8-connected components of a binary mask: two-pass union-find with raster scan, no recursion,
 * so a single blob covering the whole image is fine.
 */

/** Footprints of detected sources, pixel lists in compressed-row form. */
export interface FootprintSet {
  readonly width: number;
  readonly height: number;
  /** Number of footprints; ids run 1..count in order of first pixel in raster order. */
  readonly count: number;
  /** Per-pixel footprint id (0 = none), `width × height`: a segmentation map. */
  readonly labels: Int32Array;
  /** Footprint k (0-based, id k+1) owns `pixels[offsets[k] .. offsets[k+1])`. */
  readonly offsets: Int32Array;
  /** Flat pixel indices `y * width + x`, raster order within a footprint. */
  readonly pixels: Int32Array;
  /** Inclusive bounding boxes, 0-based, per footprint. */
  readonly xMin: Int32Array;
  readonly xMax: Int32Array;
  readonly yMin: Int32Array;
  readonly yMax: Int32Array;
}

/**
 * Labels the 8-connected components of `mask` (non-zero = set) and keeps those of at least
 * `minArea` pixels. `labels` (optional, `width × height`) is reused as the segmentation map.
 */
export function labelComponents(
  mask: Uint8Array,
  width: number,
  height: number,
  minArea: number,
  labels: Int32Array = new Int32Array(width * height),
): FootprintSet {
  let parent = new Int32Array(1024);
  let next = 1;
  const find = (l: number): number => {
    while (parent[l]! !== l) {
      const p = parent[parent[l]!]!;
      parent[l] = p;
      l = p;
    }
    return l;
  };
  const union = (a: number, b: number): number => {
    let ra = find(a);
    let rb = find(b);
    if (ra === rb) return ra;
    // the smaller label stays root: parent[l] ≤ l lets one ascending sweep flatten everything
    if (rb < ra) [ra, rb] = [rb, ra];
    parent[rb] = ra;
    return ra;
  };

  for (let y = 0; y < height; y++) {
    const row = y * width;
    const up = row - width;
    for (let x = 0; x < width; x++) {
      const i = row + x;
      if (mask[i] === 0) {
        labels[i] = 0;
        continue;
      }
      const n = y > 0 ? labels[up + x]! : 0;
      let l = 0;
      if (n > 0) {
        // W, NW and NE all touch N, so they already share its component
        l = n;
      } else {
        const w = x > 0 ? labels[i - 1]! : 0;
        const nw = y > 0 && x > 0 ? labels[up + x - 1]! : 0;
        const ne = y > 0 && x < width - 1 ? labels[up + x + 1]! : 0;
        const left = w > 0 ? w : nw;
        if (ne > 0) l = left > 0 ? union(ne, left) : ne;
        else l = left;
      }
      if (l === 0) {
        if (next >= parent.length) {
          const grown = new Int32Array(parent.length * 2);
          grown.set(parent);
          parent = grown;
        }
        l = next++;
        parent[l] = l;
      }
      labels[i] = l;
    }
  }

  // flatten: parent[l] ≤ l, so ascending order resolves every chain
  for (let l = 1; l < next; l++) parent[l] = parent[parent[l]!]!;
  const area = new Int32Array(next);
  const total = width * height;
  for (let i = 0; i < total; i++) {
    const l = labels[i]!;
    if (l > 0) area[parent[l]!]!++;
  }
  const finalId = new Int32Array(next);
  let count = 0;
  for (let l = 1; l < next; l++) {
    if (parent[l] === l && area[l]! >= minArea) finalId[l] = ++count;
  }
  const sizes = new Int32Array(count + 1);
  for (let i = 0; i < total; i++) {
    const l = labels[i]!;
    if (l === 0) continue;
    const id = finalId[parent[l]!]!;
    labels[i] = id;
    if (id > 0) sizes[id]!++;
  }
  const offsets = new Int32Array(count + 1);
  for (let k = 0; k < count; k++) offsets[k + 1] = offsets[k]! + sizes[k + 1]!;
  const pixels = new Int32Array(offsets[count]!);
  const cursor = offsets.slice(0, count);
  const xMin = new Int32Array(count).fill(width);
  const xMax = new Int32Array(count).fill(-1);
  const yMin = new Int32Array(count).fill(height);
  const yMax = new Int32Array(count).fill(-1);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const id = labels[row + x]!;
      if (id === 0) continue;
      const k = id - 1;
      pixels[cursor[k]!++] = row + x;
      if (x < xMin[k]!) xMin[k] = x;
      if (x > xMax[k]!) xMax[k] = x;
      if (y < yMin[k]!) yMin[k] = y;
      yMax[k] = y;
    }
  }
  return { width, height, count, labels, offsets, pixels, xMin, xMax, yMin, yMax };
}
