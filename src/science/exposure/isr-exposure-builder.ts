import { PromptlyError, throwIfAborted } from '../../core/errors.js';
import { estimateBackground, type BackgroundMesh } from '../background.js';
import { IsrFrame, type AmpIsrStats } from '../isr-frame.js';
import { parseSection, type Section } from '../section.js';
import { exposureFrom } from './exposure.js';
import { interpolateMasked } from './interpolate.js';
import { calibrate, markBorder, markBox, sized } from './isr-steps.js';
import type {
  IsrExposureAmpLayout,
  IsrExposureInput,
  IsrExposureOptions,
  IsrExposureResult,
  IsrExposureStats,
  IsrSnap,
  IsrSnapLayout,
} from './isr-exposure-types.js';
import { maskBits } from './mask-planes.js';
import { maskSaturation, SCRATCH_BIT } from './saturation.js';
import { markSnapCosmicRays } from './snap-cosmic-rays.js';
import { markLaplacianCosmicRays } from './laplacian-cosmic-rays.js';

function geometry(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_IMAGE_GEOMETRY', message);
}

function option(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_SCIENCE_OPTION_INVALID', message);
}

/** Input of an {@link IsrExposureBuilder}: an {@link IsrExposureInput} without its snaps. */
export type IsrExposureBuilderInput = Omit<IsrExposureInput, 'snaps'>;

/**
 * `runIsrExposure` a snap at a time, so a caller can read, correct and drop each raw
 * before reading the next: `addSnap` runs the per-snap steps (overscan, crosstalk, linearity,
 * gain and assembly straight into one detector frame, SAT, bias, dark and flat) and keeps only
 * that float frame; `finish` runs the rest once. The first snap is assembled in
 * `buffers.image`, when given, and the snaps are summed into it in place.
 */
export class IsrExposureBuilder {
  readonly #input: IsrExposureBuilderInput;
  readonly #o: IsrExposureOptions;
  readonly #snaps: Float32Array[] = [];
  readonly #snapAmps: AmpIsrStats[][] = [];
  #first: readonly IsrExposureAmpLayout[] | undefined;
  #detSecs: Section[] = [];
  #width = 0;
  #height = 0;
  #mask: Uint32Array | undefined;
  #darkTimeSum = 0;
  #done = false;

  constructor(input: IsrExposureBuilderInput) {
    this.#input = input;
    this.#o = input.options ?? {};
    const edgePx = this.#o.edgePx ?? 0;
    if (!Number.isInteger(edgePx) || edgePx < 0) throw option('edgePx must be an integer ≥ 0');
  }

  /**
   * Corrects one snap (same amplifiers as the first) into `frame` (detector-sized; default:
   * `buffers.image` for the first snap, else a new array), which the builder keeps until
   * `finish`. The snap's raw pixels are not referenced afterwards.
   */
  addSnap(snap: IsrSnap, frame?: Float32Array): void {
    const f = this.#frame(snap.amps, frame);
    snap.amps.forEach((amp, k) => f.place(k, amp.pixels));
    this.#take(f, snap.amps, snap.darkTimeS ?? 0);
  }

  /**
   * {@link IsrExposureBuilder.addSnap} with the raw pixels read one amplifier at a time:
   * `pixels(k)` gives amp k's, which are placed in the frame and dropped before amp k + 1 is
   * read, so only one amp's raw pixels are held at once.
   */
  async addSnapByAmp(
    snap: IsrSnapLayout,
    pixels: (k: number) => Promise<Float32Array | Int32Array>,
    frame?: Float32Array,
  ): Promise<void> {
    const f = this.#frame(snap.amps, frame);
    for (let k = 0; k < snap.amps.length; k++) f.place(k, await pixels(k));
    this.#take(f, snap.amps, snap.darkTimeS ?? 0);
  }

  #frame(amps: readonly IsrExposureAmpLayout[], frame: Float32Array | undefined): IsrFrame {
    if (this.#done) throw option('addSnap after finish');
    const o = this.#o;
    throwIfAborted(o.signal);
    if (this.#first === undefined) {
      this.#first = amps;
      this.#detSecs = amps.map((a) =>
        typeof a.detSec === 'string' ? parseSection(a.detSec) : a.detSec,
      );
    } else if (amps.length !== this.#first.length) {
      throw geometry('snaps differ in their amplifiers');
    }
    const into = frame ?? (this.#snaps.length === 0 ? this.#input.buffers?.image : undefined);
    return new IsrFrame(amps, into, {
      ...(o.overscan ? { overscan: o.overscan } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(this.#input.crosstalk ? { crosstalk: this.#input.crosstalk } : {}),
    });
  }

  /** SAT, bias, dark and flat on an assembled snap, which is kept until `finish`. */
  #take(frame: IsrFrame, amps: readonly IsrExposureAmpLayout[], darkTimeS: number): void {
    const o = this.#o;
    const input = this.#input;
    const ampStats = frame.finish();
    const { width, height, data } = frame;
    if (this.#mask === undefined) {
      this.#width = width;
      this.#height = height;
      this.#mask = sized(
        input.buffers?.mask,
        width * height,
        'mask',
        (n) => new Uint32Array(n),
      ).fill(0);
      for (const [what, img] of [
        ['bias', input.bias],
        ['dark', input.dark],
        ['flat', input.flat],
      ] as const) {
        if (img && (img.width !== width || img.height !== height)) {
          throw geometry(`${what} is ${img.width}×${img.height}, detector is ${width}×${height}`);
        }
      }
    } else if (width !== this.#width || height !== this.#height) {
      throw geometry('snaps assemble to different detector sizes');
    }
    const mask = this.#mask;
    const regions = amps.map((a, k) => ({
      box: this.#detSecs[k]!.box,
      level: a.saturationAdu === undefined ? NaN : a.saturationAdu * (a.gain ?? 1),
    }));
    maskSaturation(data, width, height, mask, regions, o.saturation);
    this.#darkTimeSum += darkTimeS;
    calibrate(data, mask, input.bias?.data, input.dark?.data, darkTimeS, input.flat?.data);
    this.#snaps.push(data);
    this.#snapAmps.push(ampStats);
  }

  /** Cosmic rays, the sum of the snaps, variance, defects, interpolation, background. */
  finish(): IsrExposureResult {
    if (this.#done) throw option('finish called twice');
    this.#done = true;
    const input = this.#input;
    const o = this.#o;
    const snaps = this.#snaps;
    const snapAmps = this.#snapAmps;
    const ns = snaps.length;
    const first = this.#first;
    const mask = this.#mask;
    if (ns === 0 || first === undefined || mask === undefined)
      throw geometry('ISR needs at least one snap');
    const crMethod = o.cosmicRays?.method ?? 'auto';
    if (crMethod === 'snaps' && ns < 2) throw option('cosmic rays by snaps need ≥ 2 snaps');
    const method = crMethod === 'auto' ? (ns >= 2 ? 'snaps' : 'laplacian') : crMethod;
    const width = this.#width;
    const height = this.#height;
    const detSecs = this.#detSecs;
    const edgePx = o.edgePx ?? 0;
    const darkTimeSum = this.#darkTimeSum;
    const n = width * height;
    const readNoiseE = first.map((a, k) => {
      if (a.readNoiseE !== undefined) return a.readNoiseE;
      let s = 0;
      for (const amps of snapAmps) s += amps[k]!.overscanNoise;
      return (s / ns) * (a.gain ?? 1);
    });

    // per-snap read (+ dark shot) variance, held in the variance buffer until the sum
    // the bias is not needed once every snap is corrected: its array can hold the variance
    const spare = input.consumeCalibs ? input.bias?.data : undefined;
    const variance = sized(
      input.buffers?.variance,
      n,
      'variance',
      (k) => spare ?? new Float32Array(k),
    );
    const flat = input.flat?.data;
    const dark = input.dark?.data;
    const darkTimeMean = darkTimeSum / ns;
    for (let k = 0; k < detSecs.length; k++) {
      const { x0, y0, width: bw, height: bh } = detSecs[k]!.box;
      const rn2 = readNoiseE[k]! * readNoiseE[k]!;
      for (let y = y0; y < y0 + bh; y++) {
        for (let i = y * width + x0; i < y * width + x0 + bw; i++) {
          const f = flat ? flat[i]! : 1;
          const d = dark ? Math.max(0, dark[i]!) * darkTimeMean : 0;
          variance[i] = f > 0 && f !== Infinity ? (rn2 + d) / (f * f) : rn2 + d;
        }
      }
    }

    // 3. defects, then cosmic rays (NaN in the snap where found) away from BAD and SAT
    const BAD = maskBits('BAD');
    const SAT = maskBits('SAT');
    const CR = maskBits('CR');
    for (const box of input.defects ?? []) markBox(mask, width, height, box, BAD);
    if (method === 'laplacian') {
      // L⁺ scratch (the image buffer holds the first snap); the dark is not needed any more
      const scratch = (input.consumeCalibs ? dark : undefined) ?? new Float32Array(n);
      for (const snap of snaps) {
        throwIfAborted(o.signal);
        markLaplacianCosmicRays(
          snap,
          width,
          height,
          mask,
          BAD | SAT,
          { base: variance, flat },
          scratch,
          o.cosmicRays,
        );
      }
    } else if (method === 'snaps') {
      throwIfAborted(o.signal);
      markSnapCosmicRays(
        snaps,
        width,
        height,
        mask,
        BAD | SAT,
        { base: variance, flat },
        o.cosmicRays,
      );
    }

    // 4. sum the snaps into the first one's frame, in place (each pixel is read before it is
    // written), repairing cosmic rays from the clean ones; variance of the sum
    const image = snaps[0]!;
    const interpSat = o.interpolateSaturated ?? true;
    const interpBits = BAD | SCRATCH_BIT | (interpSat ? SAT : 0);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      let good = 0;
      for (let s = 0; s < ns; s++) {
        const v = snaps[s]![i]!;
        if (v === v) {
          sum += v;
          good++;
        }
      }
      let bits = mask[i]!;
      const base = variance[i]!;
      if (good < ns && (bits & BAD) === 0) bits |= good === 0 ? CR | SCRATCH_BIT : CR;
      if (good === 0 || (bits & interpBits) !== 0) {
        image[i] = good === 0 ? NaN : (sum / good) * ns;
        variance[i] = ns * base; // the signal part follows interpolation
      } else {
        const mean = sum / good;
        image[i] = mean * ns;
        const f = flat ? flat[i]! : 1;
        variance[i] = ((ns * ns) / good) * (Math.max(mean, 0) / f + base);
      }
      mask[i] = bits;
    }
    snaps.length = 0;

    // 5. interpolate over BAD, SAT and unrepaired CR; their variance from the interpolated value
    throwIfAborted(o.signal);
    const interpolated = interpolateMasked(image, mask, width, height, interpBits, {
      maxSearchPx: o.interpolationMaxPx ?? 64,
    });
    // the BAD, SAT and CR counts ride on this pass over the mask (they are final here)
    let badPixels = 0;
    let saturatedPixels = 0;
    let crPixels = 0;
    for (let i = 0; i < n; i++) {
      const bits = mask[i]!;
      if (bits === 0) continue;
      if ((bits & BAD) !== 0) badPixels++;
      if ((bits & SAT) !== 0) saturatedPixels++;
      if ((bits & CR) !== 0) crPixels++;
      if ((bits & interpBits) === 0) continue;
      const v = image[i]!;
      const f = flat && flat[i]! > 0 ? flat[i]! : 1;
      if (v === v) variance[i] = variance[i]! + Math.max(v, 0) / f;
      else variance[i] = NaN;
      mask[i] = bits & ~SCRATCH_BIT;
    }
    if (edgePx > 0) markBorder(mask, width, height, edgePx, maskBits('EDGE'));

    // 6. background
    let background: BackgroundMesh | undefined;
    let bgLevel = 0;
    let bgRms = NaN;
    if (o.background !== false) {
      throwIfAborted(o.signal);
      const bg = estimateBackground({ width, height, data: image }, o.background ?? {});
      const b = bg.background.data;
      for (let i = 0; i < n; i++) image[i] = image[i]! - b[i]!;
      background = bg.mesh;
      bgLevel = bg.globalLevel;
      bgRms = bg.globalRms;
    }
    const stats: IsrExposureStats = {
      badPixels,
      saturatedPixels,
      crPixels,
      interpolatedPixels: interpolated,
      backgroundLevel: bgLevel,
      backgroundRms: bgRms,
      crMethod: method,
    };
    const meanRn = readNoiseE.reduce((a, b) => a + b, 0) / readNoiseE.length;
    const exposure = exposureFrom(
      width,
      height,
      { image, mask, variance },
      {
        wcs: input.wcs,
        psf: input.psf,
        unit: 'electron',
        metadata: {
          ...(input.metadata ?? {}),
          NSNAPS: ns,
          BGMEAN: bgLevel,
          ...(Number.isFinite(bgRms) ? { BGRMS: bgRms } : {}),
          RDNOISE: meanRn,
          CRMETHOD: stats.crMethod,
          NCRPIX: stats.crPixels,
          NSATPIX: stats.saturatedPixels,
          NBADPIX: stats.badPixels,
        },
      },
    );
    return { exposure, snapAmps, readNoiseE, stats, ...(background ? { background } : {}) };
  }
}
