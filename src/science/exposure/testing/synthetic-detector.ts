import type { Box } from '../../image.js';
import { makeGauss, makeRng } from '../../testing/synth.js';
import type { IsrSnap } from '../isr-exposure.js';
import { moffatPsf } from '../psf.js';

/**
 * A synthetic two-amplifier detector for ISR tests: a Moffat star field on a flat sky, read
 * out in two snaps with independent photon and read noise, cosmic rays in one snap only,
 * saturation with charge bleeding along columns, defects, and a flat. Everything the ISR
 * should recover is returned as truth.
 */
export interface DetectorSpec {
  readonly width: number;
  readonly height: number;
  readonly seed: number;
  readonly snaps: number;
  /** Sky per snap, e⁻ per pixel before the flat (photons arriving). */
  readonly skyE: number;
  readonly gain: number;
  readonly readNoiseE: number;
  /** Full well, e⁻: charge above it bleeds up and down the column. */
  readonly fullWellE: number;
  readonly fwhmPx: number;
  /** Stars per snap with flux (e⁻ per snap) log-uniform in [fluxMin, fluxMax]. */
  readonly nStars: number;
  readonly fluxMin: number;
  readonly fluxMax: number;
  /** Extra stars bright enough to saturate, flux per snap. */
  readonly saturatingFluxes?: readonly number[];
  readonly nCosmicRays: number;
  /** Flat = 1 + flatSlope·(x/width − 0.5). Default 0 (flat of ones). */
  readonly flatSlope?: number;
  /** Hot column x (raw 60000 ADU) and a dead box (raw = overscan level), detector pixels. */
  readonly defects?: { readonly hotColumn: number; readonly deadBox: Box };
}

export interface SyntheticDetector {
  readonly snaps: IsrSnap[];
  readonly flat: { width: number; height: number; data: Float32Array };
  /** Expected sum over snaps, e⁻ after the flat (sky + stars, no noise, no CR, no clipping). */
  readonly truth: Float32Array;
  /** Injected cosmic-ray pixels: detector index → snap. */
  readonly crPixels: Map<number, number>;
  /** Pixels at ≥ full well in some snap after bleeding (true saturation). */
  readonly saturated: Uint8Array;
  /** Star positions and fluxes (e⁻ per snap). */
  readonly stars: { x: number; y: number; flux: number }[];
  readonly defectBoxes: Box[];
  readonly saturationAdu: number;
}

const OVERSCAN = 32;
const BIAS_ADU = 1000;

export function makeSyntheticDetector(spec: DetectorSpec): SyntheticDetector {
  const { width: W, height: H } = spec;
  const rng = makeRng(spec.seed);
  const gauss = makeGauss(rng);
  const psf = moffatPsf({ fwhmPx: spec.fwhmPx });
  const scene = new Float32Array(W * H).fill(spec.skyE);
  const stars: { x: number; y: number; flux: number }[] = [];
  const r = 12;
  const fluxes = [
    ...Array.from({ length: spec.nStars }, () =>
      Math.exp(Math.log(spec.fluxMin) + rng() * Math.log(spec.fluxMax / spec.fluxMin)),
    ),
    ...(spec.saturatingFluxes ?? []),
  ];
  const k = new Float64Array((2 * r + 1) ** 2);
  for (const flux of fluxes) {
    const x = 20 + rng() * (W - 40);
    const y = 20 + rng() * (H - 40);
    stars.push({ x, y, flux });
    const cx = Math.round(x);
    const cy = Math.round(y);
    psf.kernelImage({ radiusPx: r, dx: x - cx, dy: y - cy }, k);
    for (let j = -r; j <= r; j++) {
      for (let i = -r; i <= r; i++) {
        const px = cx + i;
        const py = cy + j;
        if (px < 0 || py < 0 || px >= W || py >= H) continue;
        scene[py * W + px] = scene[py * W + px]! + flux * k[(j + r) * (2 * r + 1) + i + r]!;
      }
    }
  }
  const slope = spec.flatSlope ?? 0;
  const flat = new Float32Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) flat[y * W + x] = 1 + slope * (x / W - 0.5);
  const truth = new Float32Array(W * H);
  for (let i = 0; i < truth.length; i++) truth[i] = scene[i]! * spec.snaps;

  // cosmic rays: single pixels and short tracks, each in one snap
  const crPixels = new Map<number, number>();
  const crCharge = new Map<number, number>();
  for (let c = 0; c < spec.nCosmicRays; c++) {
    const snap = Math.floor(rng() * spec.snaps);
    const len = rng() < 0.35 ? 0 : 1 + rng() * 19;
    const ang = rng() * 2 * Math.PI;
    const x0 = 2 + rng() * (W - 4);
    const y0 = 2 + rng() * (H - 4);
    const steps = Math.max(1, Math.ceil(len));
    for (let s = 0; s <= steps; s++) {
      const px = Math.round(x0 + (len * Math.cos(ang) * s) / steps);
      const py = Math.round(y0 + (len * Math.sin(ang) * s) / steps);
      if (px < 0 || py < 0 || px >= W || py >= H) continue;
      const i = py * W + px;
      if (crPixels.has(i) && crPixels.get(i) !== snap) continue;
      crPixels.set(i, snap);
      crCharge.set(snap * W * H + i, 800 + rng() * 5200);
    }
  }

  const saturated = new Uint8Array(W * H);
  const defectBoxes: Box[] = spec.defects
    ? [{ x0: spec.defects.hotColumn, y0: 0, width: 1, height: H }, spec.defects.deadBox]
    : [];
  const snaps: IsrSnap[] = [];
  const e = new Float32Array(W * H);
  for (let s = 0; s < spec.snaps; s++) {
    for (let i = 0; i < e.length; i++) {
      const mu = scene[i]! * flat[i]!;
      e[i] = mu + Math.sqrt(mu) * gauss() + (crCharge.get(s * W * H + i) ?? 0);
    }
    bleed(e, W, H, spec.fullWellE);
    for (let i = 0; i < e.length; i++) if (e[i]! >= spec.fullWellE) saturated[i] = 1;
    snaps.push({ amps: [0, 1].map((side) => makeAmp(e, W, H, side, spec, gauss, defectBoxes)) });
  }
  return {
    snaps,
    flat: { width: W, height: H, data: flat },
    truth,
    crPixels,
    saturated,
    stars,
    defectBoxes,
    saturationAdu: (0.98 * spec.fullWellE) / spec.gain,
  };
}

/** Amp `side` (0 = left, read out mirrored in x; 1 = right), with prescan and overscan. */
function makeAmp(
  e: Float32Array,
  W: number,
  H: number,
  side: number,
  spec: DetectorSpec,
  gauss: () => number,
  defects: readonly Box[],
): IsrSnap['amps'][number] {
  const dw = W / 2;
  const aw = 1 + dw + OVERSCAN;
  const px = new Float32Array(aw * H);
  const rnAdu = spec.readNoiseE / spec.gain;
  const hot = defects[0];
  const dead = defects[1];
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < aw; x++) {
      let v = BIAS_ADU + rnAdu * gauss();
      const c = x - 1;
      if (c >= 0 && c < dw) {
        const detX = side === 0 ? dw - 1 - c : dw + c;
        v += e[y * W + detX]! / spec.gain;
        if (hot && detX === hot.x0) v = 60000;
        if (
          dead &&
          detX >= dead.x0 &&
          detX < dead.x0 + dead.width &&
          y >= dead.y0 &&
          y < dead.y0 + dead.height
        ) {
          v = BIAS_ADU + rnAdu * gauss();
        }
      }
      px[y * aw + x] = v;
    }
  }
  return {
    pixels: px,
    width: aw,
    height: H,
    dataSec: `[2:${dw + 1},1:${H}]`,
    biasSec: `[${dw + 2}:${aw},1:${H}]`,
    detSec: side === 0 ? `[${dw}:1,1:${H}]` : `[${dw + 1}:${W},1:${H}]`,
    gain: spec.gain,
    saturationAdu: (0.98 * spec.fullWellE) / spec.gain,
  };
}

/** Charge above full well moves up and down its column, half each way (as a CCD blooms). */
function bleed(image: Float32Array, w: number, h: number, fullWell: number): void {
  for (let i = 0; i < image.length; i++) {
    const v = image[i]!;
    if (v <= fullWell) continue;
    image[i] = fullWell;
    const x = i % w;
    const y = (i - x) / w;
    let up = (v - fullWell) / 2;
    let down = up;
    for (let yy = y + 1; yy < h && up > 0; yy++) {
      const j = yy * w + x;
      const take = Math.min(Math.max(0, fullWell - image[j]!), up);
      image[j] = image[j]! + take;
      up -= take;
    }
    for (let yy = y - 1; yy >= 0 && down > 0; yy--) {
      const j = yy * w + x;
      const take = Math.min(Math.max(0, fullWell - image[j]!), down);
      image[j] = image[j]! + take;
      down -= take;
    }
  }
}
