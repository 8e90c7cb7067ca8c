/** Columns dilated together: 16 × 4 bytes, one cache line of a row. */
const STRIP = 16;

/**
 * OR-dilation of a bit mask by a (2r + 1)² box: out[x, y] = OR of src over |dx|, |dy| ≤ r.
 * Separable, van Herk / Gil-Werman per line (block prefix and suffix ORs), so O(1) per pixel
 * whatever r. `out` must not alias `src`; returns `out`. An all-zero mask is a copy.
 */
export function dilateMaskOr(
  src: Uint32Array,
  width: number,
  height: number,
  r: number,
  out: Uint32Array,
): Uint32Array {
  let any = 0;
  for (let i = 0; i < src.length; i++) any |= src[i]!;
  if (any === 0 || r <= 0) {
    out.set(src);
    return out;
  }
  const len = Math.max(width, height);
  const line = new Uint32Array(len);
  const pre = new Uint32Array(len);
  const suf = new Uint32Array(len);
  const res = new Uint32Array(len);
  for (let y = 0; y < height; y++) {
    line.set(src.subarray(y * width, (y + 1) * width));
    dilateLine(line, width, r, pre, suf, res);
    out.set(res.subarray(0, width), y * width);
  }
  // columns in strips of STRIP: each row's few neighbouring values share a cache line, so
  // gathering a strip reads memory in order rather than one line per value
  const strip = new Uint32Array(STRIP * height);
  for (let x0 = 0; x0 < width; x0 += STRIP) {
    const cols = Math.min(STRIP, width - x0);
    for (let y = 0; y < height; y++) {
      const o = y * width + x0;
      for (let k = 0; k < cols; k++) strip[k * height + y] = out[o + k]!;
    }
    for (let k = 0; k < cols; k++) {
      const col = strip.subarray(k * height, (k + 1) * height);
      dilateLine(col, height, r, pre, suf, res);
      col.set(res.subarray(0, height));
    }
    for (let y = 0; y < height; y++) {
      const o = y * width + x0;
      for (let k = 0; k < cols; k++) out[o + k] = strip[k * height + y]!;
    }
  }
  return out;
}

function dilateLine(
  a: Uint32Array,
  n: number,
  r: number,
  pre: Uint32Array,
  suf: Uint32Array,
  out: Uint32Array,
): void {
  const w = 2 * r + 1;
  for (let i = 0, k = 0; i < n; i++, k = k + 1 === w ? 0 : k + 1) {
    pre[i] = k === 0 ? a[i]! : pre[i - 1]! | a[i]!;
  }
  const lastBlock = n - 1 - ((n - 1) % w);
  for (let i = n - 1, k = n - 1 - lastBlock; i >= 0; i--, k = k === 0 ? w - 1 : k - 1) {
    suf[i] = i === n - 1 || k === w - 1 ? a[i]! : suf[i + 1]! | a[i]!;
  }
  // inside, [i − r, i + r] is w long and spans at most two blocks: the suffix of the first OR
  // the prefix of the second (one block: both are the whole block); clipped ends, directly
  const inLo = Math.min(r, n);
  const inHi = Math.max(inLo, n - r);
  for (let i = 0; i < inLo; i++) out[i] = rangeOr(a, 0, Math.min(n - 1, i + r));
  for (let i = inLo; i < inHi; i++) out[i] = suf[i - r]! | pre[i + r]!;
  for (let i = inHi; i < n; i++) out[i] = rangeOr(a, Math.max(0, i - r), n - 1);
}

function rangeOr(a: Uint32Array, lo: number, hi: number): number {
  let v = 0;
  for (let i = lo; i <= hi; i++) v |= a[i]!;
  return v;
}
