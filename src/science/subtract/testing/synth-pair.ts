import { erf, makeRng } from '../../testing/synth.js';
import type { MaskedExposure } from '../subtract.js';

/** A point source: position in 0-based pixels, total flux in image units. */
export interface PointSource {
  readonly x: number;
  readonly y: number;
  readonly flux: number;
}

/** What {@link makeImagePair} renders. */
export interface PairSpec {
  readonly width: number;
  readonly height: number;
  readonly seed: number;
  readonly nStars: number;
  readonly fluxMin: number;
  readonly fluxMax: number;
  /** Gaussian PSF σ, pixels; the science one may vary over the detector. */
  readonly templateSigmaPx: number;
  readonly scienceSigmaPx: number | ((x: number, y: number) => number);
  /** Sky level, image units; the science adds `scienceSkyOffset + scienceSkyGradX·x`. */
  readonly sky: number;
  readonly scienceSkyOffset?: number;
  readonly scienceSkyGradX?: number;
  /** Read-noise variance per pixel; Poisson variance is (sky + source)/gain. */
  readonly readVariance: number;
  readonly scienceGain: number;
  readonly templateGain: number;
  /** Sources in the science only. */
  readonly transients?: readonly PointSource[];
}

/**
 * A science/template pair on one pixel grid: pixel-integrated Gaussian stars (the same in both),
 * Gaussian noise with the known variance read + (sky + source)/gain (Poisson-like), and that
 * model variance as the variance plane. Stars keep 25 px from the edges.
 */
export function makeImagePair(spec: PairSpec): {
  science: MaskedExposure;
  template: MaskedExposure;
  stars: PointSource[];
} {
  const rng = makeRng(spec.seed);
  const { width: w, height: h } = spec;
  const stars: PointSource[] = [];
  for (let i = 0; i < spec.nStars; i++) {
    stars.push({
      x: 25 + rng() * (w - 51),
      y: 25 + rng() * (h - 51),
      flux: spec.fluxMin * Math.pow(spec.fluxMax / spec.fluxMin, rng()),
    });
  }
  const sciSigma = spec.scienceSigmaPx;
  const sigmaAt = typeof sciSigma === 'number' ? () => sciSigma : sciSigma;
  const sci = new Float32Array(w * h);
  const tpl = new Float32Array(w * h);
  for (const s of stars) {
    render(tpl, w, h, s, spec.templateSigmaPx);
    render(sci, w, h, s, sigmaAt(s.x, s.y));
  }
  for (const t of spec.transients ?? []) render(sci, w, h, t, sigmaAt(t.x, t.y));
  const sciVar = new Float32Array(w * h);
  const tplVar = new Float32Array(w * h);
  const noise = gaussPairs(makeRng(spec.seed + 1));
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const skyS = spec.sky + (spec.scienceSkyOffset ?? 0) + (spec.scienceSkyGradX ?? 0) * x;
      const vs = spec.readVariance + (skyS + sci[i]!) / spec.scienceGain;
      const vt = spec.readVariance + (spec.sky + tpl[i]!) / spec.templateGain;
      sciVar[i] = vs;
      tplVar[i] = vt;
      sci[i] = sci[i]! + skyS + Math.sqrt(vs) * noise();
      tpl[i] = tpl[i]! + spec.sky + Math.sqrt(vt) * noise();
    }
  }
  return {
    science: {
      image: { width: w, height: h, data: sci },
      variance: { width: w, height: h, data: sciVar },
    },
    template: {
      image: { width: w, height: h, data: tpl },
      variance: { width: w, height: h, data: tplVar },
    },
    stars,
  };
}

function render(out: Float32Array, w: number, h: number, s: PointSource, sigma: number): void {
  const r = Math.ceil(5 * sigma);
  const x0 = Math.max(0, Math.floor(s.x) - r);
  const x1 = Math.min(w - 1, Math.floor(s.x) + r);
  const y0 = Math.max(0, Math.floor(s.y) - r);
  const y1 = Math.min(h - 1, Math.floor(s.y) + r);
  const k = 1 / (Math.SQRT2 * sigma);
  const fx = new Float64Array(x1 - x0 + 1);
  const fy = new Float64Array(y1 - y0 + 1);
  for (let x = x0; x <= x1; x++)
    fx[x - x0] = 0.5 * (erf((x + 0.5 - s.x) * k) - erf((x - 0.5 - s.x) * k));
  for (let y = y0; y <= y1; y++)
    fy[y - y0] = 0.5 * (erf((y + 0.5 - s.y) * k) - erf((y - 0.5 - s.y) * k));
  for (let y = y0; y <= y1; y++) {
    const a = s.flux * fy[y - y0]!;
    for (let x = x0; x <= x1; x++) out[y * w + x] = out[y * w + x]! + a * fx[x - x0]!;
  }
}

/** Standard normal deviates, both Box–Muller outputs used. */
function gaussPairs(rng: () => number): () => number {
  let spare = NaN;
  return () => {
    if (spare === spare) {
      const v = spare;
      spare = NaN;
      return v;
    }
    const r = Math.sqrt(-2 * Math.log(Math.max(rng(), 1e-300)));
    const t = 2 * Math.PI * rng();
    spare = r * Math.sin(t);
    return r * Math.cos(t);
  };
}

/** Sum of `data` and of `variance` within radius r (pixels) of (x, y). */
export function apertureSums(
  data: Float32Array,
  variance: Float32Array,
  w: number,
  x: number,
  y: number,
  r: number,
): { sum: number; variance: number } {
  let sum = 0;
  let v = 0;
  for (let yy = Math.round(y) - Math.ceil(r); yy <= Math.round(y) + Math.ceil(r); yy++) {
    for (let xx = Math.round(x) - Math.ceil(r); xx <= Math.round(x) + Math.ceil(r); xx++) {
      if ((xx - x) ** 2 + (yy - y) ** 2 > r * r) continue;
      sum += data[yy * w + xx]!;
      v += variance[yy * w + xx]!;
    }
  }
  return { sum, variance: v };
}
