/**
 * The inverse H-transform of HCOMPRESS_1 (cfitsio's hinv64 and hsmooth64), in float64 with
 * explicit floor and parity helpers in place of 64-bit integer bit operations, exact while
 * coefficients stay below 2^53.
 */

/** Smallest k with 2^k ≥ n. */
export function ceilLog2(n: number): number {
  let k = 0;
  while (2 ** k < n) k++;
  return k;
}

/** Two's-complement `x & bit` for an integer-valued double and a power of two `bit`. */
function bitOf(x: number, bit: number): number {
  const q = Math.floor(x / bit);
  return q - 2 * Math.floor(q / 2) === 0 ? 0 : bit;
}

/** (x + (x >= 0 ? prnd : nrnd)) & -bit, for a power of two `bit`. */
function roundTo(x: number, prnd: number, nrnd: number, bit: number): number {
  return Math.floor((x + (x >= 0 ? prnd : nrnd)) / bit) * bit;
}

function unshuffle(a: Float64Array, off: number, n: number, n2: number, tmp: Float64Array): void {
  const nhalf = (n + 1) >> 1;
  for (let i = nhalf, p = off + n2 * nhalf, t = 0; i < n; i++, p += n2) tmp[t++] = a[p] as number;
  for (
    let i = nhalf - 1, p2 = off + n2 * (nhalf - 1), p1 = off + 2 * n2 * (nhalf - 1);
    i >= 0;
    i--
  ) {
    a[p1] = a[p2] as number;
    p2 -= n2;
    p1 -= 2 * n2;
  }
  for (let i = 1, p1 = off + n2, t = 0; i < n; i += 2, p1 += 2 * n2) a[p1] = tmp[t++] as number;
}

function hsmooth(a: Float64Array, nxtop: number, nytop: number, ny: number, scale: number): void {
  const smax = Math.floor(scale / 2);
  if (smax <= 0) return;
  const ny2 = ny * 2;
  const clampDiv = (s: number, d: number): number => {
    const q = s >= 0 ? Math.floor(s / d) : Math.floor((s + d - 1) / d);
    return Math.max(Math.min(q, smax), -smax);
  };
  for (let i = 2; i < nxtop - 2; i += 2) {
    let s00 = ny * i;
    let s10 = s00 + ny;
    for (let j = 0; j < nytop; j += 2) {
      const hm = a[s00 - ny2] as number;
      const h0 = a[s00] as number;
      const hp = a[s00 + ny2] as number;
      let diff = hp - hm;
      const dmax = Math.max(Math.min(hp - h0, h0 - hm), 0) * 4;
      const dmin = Math.min(Math.max(hp - h0, h0 - hm), 0) * 4;
      if (dmin < dmax) {
        diff = Math.max(Math.min(diff, dmax), dmin);
        a[s10] = (a[s10] as number) + clampDiv(diff - (a[s10] as number) * 8, 8);
      }
      s00 += 2;
      s10 += 2;
    }
  }
  for (let i = 0; i < nxtop; i += 2) {
    let s00 = ny * i + 2;
    for (let j = 2; j < nytop - 2; j += 2) {
      const hm = a[s00 - 2] as number;
      const h0 = a[s00] as number;
      const hp = a[s00 + 2] as number;
      let diff = hp - hm;
      const dmax = Math.max(Math.min(hp - h0, h0 - hm), 0) * 4;
      const dmin = Math.min(Math.max(hp - h0, h0 - hm), 0) * 4;
      if (dmin < dmax) {
        diff = Math.max(Math.min(diff, dmax), dmin);
        a[s00 + 1] = (a[s00 + 1] as number) + clampDiv(diff - (a[s00 + 1] as number) * 8, 8);
      }
      s00 += 2;
    }
  }
  for (let i = 2; i < nxtop - 2; i += 2) {
    let s00 = ny * i + 2;
    let s10 = s00 + ny;
    for (let j = 2; j < nytop - 2; j += 2) {
      const hmm = a[s00 - ny2 - 2] as number;
      const hpm = a[s00 + ny2 - 2] as number;
      const hmp = a[s00 - ny2 + 2] as number;
      const hpp = a[s00 + ny2 + 2] as number;
      const h0 = a[s00] as number;
      let diff = hpp + hmm - hmp - hpm;
      const hx2 = (a[s10] as number) * 2;
      const hy2 = (a[s00 + 1] as number) * 2;
      let m1 = Math.min(Math.max(hpp - h0, 0) - hx2 - hy2, Math.max(h0 - hpm, 0) + hx2 - hy2);
      let m2 = Math.min(Math.max(h0 - hmp, 0) - hx2 + hy2, Math.max(hmm - h0, 0) + hx2 + hy2);
      const dmax = Math.min(m1, m2) * 16;
      m1 = Math.max(Math.min(hpp - h0, 0) - hx2 - hy2, Math.min(h0 - hpm, 0) + hx2 - hy2);
      m2 = Math.max(Math.min(h0 - hmp, 0) - hx2 + hy2, Math.min(hmm - h0, 0) + hx2 + hy2);
      const dmin = Math.max(m1, m2) * 16;
      if (dmin < dmax) {
        diff = Math.max(Math.min(diff, dmax), dmin);
        a[s10 + 1] = (a[s10 + 1] as number) + clampDiv(diff - (a[s10 + 1] as number) * 64, 64);
      }
      s00 += 2;
      s10 += 2;
    }
  }
}

/**
 * Inverse H-transform of an nx × ny coefficient array (nx rows of ny, as cfitsio's hinv64),
 * in place; with `smooth`, coefficients are interpolated (hsmooth) at each level.
 */
export function hinv(
  a: Float64Array,
  nx: number,
  ny: number,
  smooth: boolean,
  scale: number,
): void {
  const nmax = Math.max(nx, ny);
  const log2n = ceilLog2(nmax);
  if (log2n === 0) return;
  const tmp = new Float64Array((nmax + 1) >> 1);
  let shift = 1;
  let bit0 = 2 ** (log2n - 1);
  let bit1 = bit0 * 2;
  const bit2 = bit0 * 4;
  let prnd0 = bit0 / 2;
  let prnd1 = bit1 / 2;
  const prnd2 = bit2 / 2;
  let nrnd0 = prnd0 - 1;
  let nrnd1 = prnd1 - 1;
  const nrnd2 = prnd2 - 1;
  a[0] = roundTo(a[0] as number, prnd2, nrnd2, bit2);
  let nxtop = 1;
  let nytop = 1;
  let nxf = nx;
  let nyf = ny;
  let c = 2 ** log2n;
  for (let k = log2n - 1; k >= 0; k--) {
    c /= 2;
    nxtop <<= 1;
    nytop <<= 1;
    if (nxf <= c) nxtop -= 1;
    else nxf -= c;
    if (nyf <= c) nytop -= 1;
    else nyf -= c;
    if (k === 0) {
      nrnd0 = 0;
      shift = 2;
    }
    const div = 2 ** shift;
    for (let i = 0; i < nxtop; i++) unshuffle(a, ny * i, nytop, 1, tmp);
    for (let j = 0; j < nytop; j++) unshuffle(a, j, nxtop, ny, tmp);
    if (smooth) hsmooth(a, nxtop, nytop, ny, scale);
    const oddx = nxtop % 2;
    const oddy = nytop % 2;
    let i = 0;
    for (; i < nxtop - oddx; i += 2) {
      let s00 = ny * i;
      let s10 = s00 + ny;
      for (let j = 0; j < nytop - oddy; j += 2) {
        let h0 = a[s00] as number;
        let hx = roundTo(a[s10] as number, prnd1, nrnd1, bit1);
        let hy = roundTo(a[s00 + 1] as number, prnd1, nrnd1, bit1);
        const hc = roundTo(a[s10 + 1] as number, prnd0, nrnd0, bit0);
        const lowbit0 = bitOf(hc, bit0);
        hx = hx >= 0 ? hx - lowbit0 : hx + lowbit0;
        hy = hy >= 0 ? hy - lowbit0 : hy + lowbit0;
        const parity = (bitOf(hc, bit1) + bitOf(hx, bit1) + bitOf(hy, bit1)) / bit1;
        const lowbit1 = parity % 2 === 1 ? bit1 : 0;
        h0 = h0 >= 0 ? h0 + lowbit0 - lowbit1 : h0 + (lowbit0 === 0 ? lowbit1 : lowbit0 - lowbit1);
        a[s10 + 1] = Math.floor((h0 + hx + hy + hc) / div);
        a[s10] = Math.floor((h0 + hx - hy - hc) / div);
        a[s00 + 1] = Math.floor((h0 - hx + hy - hc) / div);
        a[s00] = Math.floor((h0 - hx - hy + hc) / div);
        s00 += 2;
        s10 += 2;
      }
      if (oddy) {
        let h0 = a[s00] as number;
        const hx = roundTo(a[s10] as number, prnd1, nrnd1, bit1);
        const lowbit1 = bitOf(hx, bit1);
        h0 = h0 >= 0 ? h0 - lowbit1 : h0 + lowbit1;
        a[s10] = Math.floor((h0 + hx) / div);
        a[s00] = Math.floor((h0 - hx) / div);
      }
    }
    if (oddx) {
      let s00 = ny * i;
      for (let j = 0; j < nytop - oddy; j += 2) {
        let h0 = a[s00] as number;
        const hy = roundTo(a[s00 + 1] as number, prnd1, nrnd1, bit1);
        const lowbit1 = bitOf(hy, bit1);
        h0 = h0 >= 0 ? h0 - lowbit1 : h0 + lowbit1;
        a[s00 + 1] = Math.floor((h0 + hy) / div);
        a[s00] = Math.floor((h0 - hy) / div);
        s00 += 2;
      }
      if (oddy) a[s00] = Math.floor((a[s00] as number) / div);
    }
    bit1 = bit0;
    bit0 = bit0 / 2;
    prnd1 = prnd0;
    prnd0 = Math.floor(prnd0 / 2);
    nrnd1 = nrnd0;
    nrnd0 = prnd0 - 1;
  }
}
