import type { DetectionWorkspace } from './detection-workspace.js';
import { unionRoots } from './union-find.js';

/**
 * 8-connected components of a binary mask: two-pass union-find with raster scan, no recursion,
 * so a single blob covering the whole image is fine.
 */

/** Footprints of detected sources, pixel lists in compressed-row form. */
export interface FootprintList {
  readonly width: number;
  readonly height: number;
  /** Number of footprints; ids run 1..count in order of first pixel in raster order. */
  readonly count: number;
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

/** A {@link FootprintList} with its segmentation map. */
export interface FootprintSet extends FootprintList {
  /** Per-pixel footprint id (0 = none), `width × height`: a segmentation map. */
  readonly labels: Int32Array;
}

/**
 * Labels the 8-connected components of `mask` (non-zero = set) and keeps those of at least
 * `minArea` pixels. `labels` (optional, `width × height`) is reused as the segmentation map;
 * `workspace` (optional) lends its union-find tables.
 */
export function labelComponents(
  mask: Uint8Array,
  width: number,
  height: number,
  minArea: number,
  labels: Int32Array = new Int32Array(width * height),
  workspace?: DetectionWorkspace,
): FootprintSet {
  const labeler = new ComponentLabeler(width, height, labels, workspace);
  for (let y = 0; y < height; y++) labeler.scanRow(mask, y * width);
  return labeler.finish(minArea);
}

/**
 * Streaming form of {@link labelComponents}: rows are fed top to bottom as they are
 * thresholded (so no full-frame mask is needed), then {@link ComponentLabeler.finish} resolves
 * the union-find and builds the footprints. Same labels, same order.
 */
export class ComponentLabeler {
  readonly #width: number;
  readonly #height: number;
  readonly #labels: Int32Array;
  readonly #workspace: DetectionWorkspace | undefined;
  #parent: Int32Array;
  /** Pixels per provisional label. */
  #area: Int32Array;
  #next = 1;
  #y = 0;
  /** 1 for rows holding at least one set pixel, so `finish` can skip empty rows. */
  readonly #rowSet: Uint8Array;

  constructor(width: number, height: number, labels: Int32Array, workspace?: DetectionWorkspace) {
    this.#width = width;
    this.#height = height;
    this.#labels = labels;
    this.#workspace = workspace;
    this.#parent = workspace?.parent(1024) ?? new Int32Array(1024);
    this.#area = workspace?.area(1024) ?? new Int32Array(1024);
    this.#rowSet = new Uint8Array(height);
  }

  /** Joins two labels' components; returns the root (the smaller label stays root). */
  #union(a: number, b: number): number {
    return unionRoots(this.#parent, a, b);
  }

  #newLabel(): number {
    const l = this.#next++;
    if (l >= this.#parent.length) {
      const ws = this.#workspace;
      this.#parent = ws ? ws.parent(l + 1) : growInt32(this.#parent, l + 1);
      this.#area = ws ? ws.area(l + 1) : growInt32(this.#area, l + 1);
    }
    this.#parent[l] = l;
    this.#area[l] = 0;
    return l;
  }

  /** Labels the next row (top to bottom) from `mask[offset .. offset + width)`, non-zero = set. */
  scanRow(mask: Uint8Array, offset: number): void {
    const width = this.#width;
    const labels = this.#labels;
    const y = this.#y++;
    const row = y * width;
    const up = row - width;
    let any = 0;
    for (let x = 0; x < width; x++) {
      const i = row + x;
      if (mask[offset + x] === 0) {
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
        if (ne > 0) l = left > 0 ? this.#union(ne, left) : ne;
        else l = left;
      }
      if (l === 0) l = this.#newLabel();
      labels[i] = l;
      this.#area[l]!++;
      any = 1;
    }
    this.#rowSet[y] = any;
  }

  /** Resolves the labels of all scanned rows and keeps components of ≥ `minArea` pixels. */
  finish(minArea: number): FootprintSet {
    const width = this.#width;
    const height = this.#height;
    const labels = this.#labels;
    const parent = this.#parent;
    const area = this.#area;
    const next = this.#next;
    // flatten: parent[l] ≤ l, so ascending order resolves every chain; areas gather at roots
    for (let l = 1; l < next; l++) {
      const root = parent[parent[l]!]!;
      parent[l] = root;
      if (root !== l) area[root] = area[root]! + area[l]!;
    }
    const finalId = new Int32Array(next);
    let count = 0;
    for (let l = 1; l < next; l++) {
      if (parent[l] === l && area[l]! >= minArea) finalId[l] = ++count;
    }
    const offsets = new Int32Array(count + 1);
    for (let l = 1; l < next; l++) {
      const id = finalId[l]!;
      if (id > 0) offsets[id] = area[l]!;
    }
    for (let k = 0; k < count; k++) offsets[k + 1] = offsets[k]! + offsets[k + 1]!;
    const pixels = new Int32Array(offsets[count]!);
    const cursor = offsets.slice(0, count);
    const xMin = new Int32Array(count).fill(width);
    const xMax = new Int32Array(count).fill(-1);
    const yMin = new Int32Array(count).fill(height);
    const yMax = new Int32Array(count).fill(-1);
    const rowSet = this.#rowSet;
    for (let y = 0; y < this.#y; y++) {
      if (rowSet[y] === 0) continue;
      const row = y * width;
      for (let x = 0; x < width; x++) {
        const l = labels[row + x]!;
        if (l === 0) continue;
        const id = finalId[parent[l]!]!;
        labels[row + x] = id;
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
}

function growInt32(a: Int32Array, length: number): Int32Array {
  let size = a.length;
  while (size < length) size *= 2;
  const g = new Int32Array(size);
  g.set(a);
  return g;
}
