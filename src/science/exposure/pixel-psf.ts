import { lanczos3Weights } from '../warp/index.js';
import {
  GAUSSIAN_FWHM_PER_SIGMA,
  gaussianPsf,
  invalidPsf,
  kernelBuffer,
  moffatPsf,
  normalizeKernel,
  type KernelRequest,
  type Psf,
  type PsfCardSource,
  type PsfFits,
  type PsfImage,
  type PsfReader,
} from './psf.js';

/** A PSF given as a pixel image (odd sides, centred on the middle pixel, unit sum). */
export interface PixelPsf extends Psf {
  readonly kind: 'PIXEL';
  /** The kernel as given, normalised to unit sum. */
  readonly kernel: PsfImage;
}

/**
 * A pixelized PSF from a kernel image whose middle pixel holds the source centre. The FWHM
 * is `fwhmPx` when given, else from the kernel's second moments as if it were Gaussian
 * (2.3548·√((Ixx + Iyy)/2)). Kernels asked for with a sub-pixel offset are shifted with
 * Lanczos-3 weights corrected to keep the centroid exact, and renormalised; pixels beyond the
 * stored kernel are 0.
 */
export function pixelPsf(kernel: PsfImage, fwhmPx?: number): PixelPsf {
  const { width, height, pixels } = kernel;
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width % 2 !== 1 ||
    height % 2 !== 1 ||
    pixels.length !== width * height
  ) {
    throw invalidPsf(`a pixel PSF needs odd integer sides and width·height pixels`);
  }
  let sum = 0;
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i]!;
    if (!Number.isFinite(v)) throw invalidPsf('a pixel PSF must hold finite values only');
    sum += v;
  }
  if (!(sum > 0)) throw invalidPsf('a pixel PSF must have a positive sum');
  const norm = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) norm[i] = pixels[i]! / sum;
  const stored: PsfImage = { width, height, pixels: norm };
  const fwhm = fwhmPx ?? momentFwhm(stored);
  if (!(fwhm > 0) || !Number.isFinite(fwhm)) throw invalidPsf(`pixel PSF FWHM ${fwhm} is not > 0`);
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const wx = new Float64Array(6);
  const wy = new Float64Array(6);
  const at = (x: number, y: number): number =>
    x < 0 || y < 0 || x >= width || y >= height ? 0 : norm[y * width + x]!;
  return Object.freeze({
    kind: 'PIXEL' as const,
    fwhmPx: fwhm,
    kernel: stored,
    kernelImage(req: KernelRequest, out?: Float64Array): Float64Array {
      const r = req.radiusPx;
      const k = kernelBuffer(r, out);
      const side = 2 * r + 1;
      const dx = req.dx ?? 0;
      const dy = req.dy ?? 0;
      if (!(Math.abs(dx) <= 0.5) || !(Math.abs(dy) <= 0.5)) {
        throw invalidPsf(`sub-pixel offsets must be in [-0.5, 0.5], got (${dx}, ${dy})`);
      }
      // output pixel (i, j) samples the stored kernel at (cx + i − r − dx, cy + j − r − dy)
      const fx = -dx - Math.floor(-dx);
      const fy = -dy - Math.floor(-dy);
      shiftWeights(fx, wx);
      shiftWeights(fy, wy);
      const ox = Math.floor(-dx);
      const oy = Math.floor(-dy);
      for (let j = 0; j < side; j++) {
        const sy = cy + j - r + oy;
        for (let i = 0; i < side; i++) {
          const sx = cx + i - r + ox;
          let acc = 0;
          for (let b = 0; b < 6; b++) {
            const wyb = wy[b]!;
            if (wyb === 0) continue;
            for (let a = 0; a < 6; a++) acc += wyb * wx[a]! * at(sx - 2 + a, sy - 2 + b);
          }
          k[j * side + i] = acc;
        }
      }
      return normalizeKernel(k);
    },
    toFits: (): PsfFits => ({
      cards: [
        ['PSFMODEL', 'PIXEL', 'PSF model family'],
        ['PSFFWHM', fwhm, '[pixel] PSF FWHM'],
        ['PSFHDU', 1, 'PSF kernel is PSF image extension number 1'],
      ],
      images: [stored],
    }),
  });
}

/**
 * Lanczos-3 weights corrected to reproduce linear functions: plain Lanczos-3 has a first
 * moment of up to ~0.02 px (at quarter-pixel shifts), which would move a shifted kernel's
 * centroid. Each weight is scaled by (1 + κ·d), κ chosen so Σ w·d = 0, then renormalised.
 */
function shiftWeights(frac: number, out: Float64Array): void {
  lanczos3Weights(frac, out);
  let m1 = 0;
  let m2 = 0;
  for (let a = 0; a < 6; a++) {
    const d = frac - (a - 2);
    m1 += out[a]! * d;
    m2 += out[a]! * d * d;
  }
  if (m2 === 0) return;
  const kappa = -m1 / m2;
  let sum = 0;
  for (let a = 0; a < 6; a++) {
    out[a] = out[a]! * (1 + kappa * (frac - (a - 2)));
    sum += out[a]!;
  }
  for (let a = 0; a < 6; a++) out[a] = out[a]! / sum;
}

function momentFwhm(k: PsfImage): number {
  const cx = (k.width - 1) / 2;
  const cy = (k.height - 1) / 2;
  let sxx = 0;
  let syy = 0;
  for (let y = 0; y < k.height; y++) {
    for (let x = 0; x < k.width; x++) {
      const v = k.pixels[y * k.width + x]!;
      sxx += v * (x - cx) * (x - cx);
      syy += v * (y - cy) * (y - cy);
    }
  }
  return GAUSSIAN_FWHM_PER_SIGMA * Math.sqrt(Math.max(0, (sxx + syy) / 2));
}

function num(cards: PsfCardSource, key: string, fallback?: number): number {
  const v = cards.get(key);
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw invalidPsf(`PSF card ${key} must be a finite number, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** Readers for the models defined here: GAUSSIAN, MOFFAT, PIXEL. Pass more to the FITS reader. */
export const BUILTIN_PSF_READERS: readonly PsfReader[] = Object.freeze([
  {
    kind: 'GAUSSIAN',
    read: (c: PsfCardSource) =>
      gaussianPsf({
        fwhmPx: num(c, 'PSFFWHM'),
        ellipticity: num(c, 'PSFELLIP', 0),
        positionAngleDeg: num(c, 'PSFPA', 0),
      }),
  },
  {
    kind: 'MOFFAT',
    read: (c: PsfCardSource) =>
      moffatPsf({
        fwhmPx: num(c, 'PSFFWHM'),
        ellipticity: num(c, 'PSFELLIP', 0),
        positionAngleDeg: num(c, 'PSFPA', 0),
        beta: num(c, 'PSFBETA'),
      }),
  },
  {
    kind: 'PIXEL',
    read: (c: PsfCardSource, images: readonly PsfImage[]) => {
      const image = images[0];
      if (image === undefined) throw invalidPsf('PSFMODEL PIXEL needs a PSF image extension');
      return pixelPsf(image, num(c, 'PSFFWHM'));
    },
  },
]);
