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
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) line[y] = out[y * width + x]!;
    dilateLine(line, height, r, pre, suf, res);
    for (let y = 0; y < height; y++) out[y * width + x] = res[y]!;
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
  for (let i = 0; i < n; i++) pre[i] = i % w === 0 ? a[i]! : pre[i - 1]! | a[i]!;
  for (let i = n - 1; i >= 0; i--)
    suf[i] = i === n - 1 || (i + 1) % w === 0 ? a[i]! : suf[i + 1]! | a[i]!;
  for (let i = 0; i < n; i++) {
    const lo = Math.max(0, i - r);
    const hi = Math.min(n - 1, i + r);
    // [lo, hi] spans at most two blocks: suffix of the first OR prefix of the second
    out[i] = Math.floor(lo / w) === Math.floor(hi / w) ? rangeOr(a, lo, hi) : suf[lo]! | pre[hi]!;
  }
}

function rangeOr(a: Uint32Array, lo: number, hi: number): number {
  let v = 0;
  for (let i = lo; i <= hi; i++) v |= a[i]!;
  return v;
}
