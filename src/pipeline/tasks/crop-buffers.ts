/**
 * Pixel buffers that template crops are decoded into, one per plane, reused from patch to
 * patch: a subtraction reads, warps and drops the patches one at a time, and a buffer grown
 * to the largest crop so far is touched again rather than fresh memory for every crop (on a
 * loaded machine the first touch of a new page costs more than decoding into it).
 */
export class CropBuffers {
  readonly #float32 = new Map<string, Float32Array>();
  readonly #int32 = new Map<string, Int32Array>();

  /** The first `n` values of the float buffer `plane`, grown when short. */
  float32(plane: string, n: number): Float32Array {
    let b = this.#float32.get(plane);
    if (b === undefined || b.length < n) {
      b = new Float32Array(n);
      this.#float32.set(plane, b);
    }
    return b.subarray(0, n);
  }

  /** The first `n` values of the integer buffer `plane`, grown when short. */
  int32(plane: string, n: number): Int32Array {
    let b = this.#int32.get(plane);
    if (b === undefined || b.length < n) {
      b = new Int32Array(n);
      this.#int32.set(plane, b);
    }
    return b.subarray(0, n);
  }
}
