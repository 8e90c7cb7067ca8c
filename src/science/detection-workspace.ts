/**
 * Reusable buffers for background estimation, detection and labelling. On these machines the
 * first write to a fresh 64 MB array (one 4k² float32 plane) costs 30–50 ms of page faults,
 * more than the arithmetic done on it; a workspace kept across detectors pays that once.
 */

/** Full-frame planes a workspace holds, one buffer each. */
export type WorkspacePlane = 'background' | 'rms' | 'subtracted' | 'detection';

/**
 * A pool of scratch buffers for {@link estimateBackground}, {@link detectSources} and
 * {@link labelComponents}. Pass the same workspace to successive calls (one per thread: it is
 * not safe to share between concurrent calls) and every full-frame array is reused.
 *
 * Results computed with a workspace are views into its buffers: the `background` and `rms`
 * images of a background result stay valid until the next `estimateBackground` with this
 * workspace, `subtracted`, `detection` and the footprints' `labels` until the next
 * `detectSources`. Copy what must outlive that. A buffer grows to the largest size asked for
 * and is kept until {@link DetectionWorkspace.release}; smaller requests get a view of it.
 */
export class DetectionWorkspace {
  readonly #planes = new Map<WorkspacePlane, Float32Array>();
  #labels: Int32Array | undefined;
  #parent: Int32Array = new Int32Array(1024);
  #area: Int32Array = new Int32Array(1024);
  #rows: Float32Array | undefined;
  #mask: Uint8Array | undefined;

  /** A float32 view of `length` values of the named plane; contents are stale, not zeroed. */
  plane(name: WorkspacePlane, length: number): Float32Array {
    let buf = this.#planes.get(name);
    if (buf === undefined || buf.length < length) {
      buf = new Float32Array(length);
      this.#planes.set(name, buf);
    }
    return buf.length === length ? buf : buf.subarray(0, length);
  }

  /** The segmentation-map buffer, `length` int32 values; contents are stale. */
  labels(length: number): Int32Array {
    if (this.#labels === undefined || this.#labels.length < length) {
      this.#labels = new Int32Array(length);
    }
    return this.#labels.length === length ? this.#labels : this.#labels.subarray(0, length);
  }

  /** A float32 buffer of at least `length` values for row rings (a few image rows). */
  rows(length: number): Float32Array {
    if (this.#rows === undefined || this.#rows.length < length)
      this.#rows = new Float32Array(length);
    return this.#rows;
  }

  /** A byte buffer of at least `length` values for one thresholded row. */
  rowMask(length: number): Uint8Array {
    if (this.#mask === undefined || this.#mask.length < length) this.#mask = new Uint8Array(length);
    return this.#mask;
  }

  /** Union-find parent table with room for `length` provisional labels (contents kept on growth). */
  parent(length: number): Int32Array {
    if (this.#parent.length < length) this.#parent = grow(this.#parent, length);
    return this.#parent;
  }

  /** Per-provisional-label pixel counts with room for `length` labels (contents kept on growth). */
  area(length: number): Int32Array {
    if (this.#area.length < length) this.#area = grow(this.#area, length);
    return this.#area;
  }

  /** Bytes currently held (what keeping this workspace costs). */
  get byteLength(): number {
    let n = this.#parent.byteLength + this.#area.byteLength;
    for (const b of this.#planes.values()) n += b.byteLength;
    n += this.#labels?.byteLength ?? 0;
    n += this.#rows?.byteLength ?? 0;
    n += this.#mask?.byteLength ?? 0;
    return n;
  }

  /** Drops every buffer (results still referencing them keep theirs alive). */
  release(): void {
    this.#planes.clear();
    this.#labels = undefined;
    this.#rows = undefined;
    this.#mask = undefined;
    this.#parent = new Int32Array(1024);
    this.#area = new Int32Array(1024);
  }
}

function grow(a: Int32Array, length: number): Int32Array {
  let size = a.length;
  while (size < length) size *= 2;
  const g = new Int32Array(size);
  g.set(a);
  return g;
}
