import type { DetectorGeometry } from './amp-layout.js';

/**
 * Pixel buffers one renderer reuses from raw to raw: the detector image in electrons and the
 * 16 amplifier arrays it is read out into, one set per detector size. Reuse matters: on these
 * machines the first touch of a freshly allocated array costs more than rendering into it, and
 * fresh arrays per raw make the resident size follow the garbage collector, not the work.
 * Not for concurrent renders: one render at a time per instance (a render thread owns one).
 */
export class RenderBuffers {
  readonly #electrons = new Map<number, Float32Array>();
  readonly #amps = new Map<string, Int32Array[]>();

  /** The image buffer of `pixels` pixels (contents are whatever the last render left). */
  electrons(pixels: number): Float32Array {
    let b = this.#electrons.get(pixels);
    if (!b) {
      b = new Float32Array(pixels);
      this.#electrons.set(pixels, b);
    }
    return b;
  }

  /** The amplifier buffers of a detector geometry, one per amp of its raw size. */
  amps(geometry: DetectorGeometry): readonly Int32Array[] {
    const key = geometry.amps.map((a) => `${a.rawWidth}x${a.rawHeight}`).join(',');
    let b = this.#amps.get(key);
    if (!b) {
      b = geometry.amps.map((a) => new Int32Array(a.rawWidth * a.rawHeight));
      this.#amps.set(key, b);
    }
    return b;
  }
}
