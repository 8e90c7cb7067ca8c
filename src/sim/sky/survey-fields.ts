import { separationDeg } from './horizontal.js';
import { wrap180, wrap360 } from './sky-input.js';

/** A survey field: a fixed pointing of the tessellation, ICRS degrees. */
export interface Field {
  /** Stable id: ring × 2²⁰ + index in the ring. */
  readonly id: number;
  readonly raDeg: number;
  readonly decDeg: number;
}

/**
 * A tessellation of the sky into fields about `spacingDeg` apart: rings of constant
 * declination, each with as many fields as fit its circumference (alternate rings offset by
 * half a step), like the field grids of Rubin's scheduler. Fields are implicit, so a grid
 * as fine as LATISS's costs nothing until used.
 */
export class FieldGrid {
  readonly rings: number;
  readonly ringStepDeg: number;

  constructor(readonly spacingDeg: number) {
    this.rings = Math.max(2, Math.round(180 / spacingDeg));
    this.ringStepDeg = 180 / this.rings;
  }

  /** Declination of ring `j`, degrees. */
  ringDec(j: number): number {
    return -90 + (j + 0.5) * this.ringStepDeg;
  }

  /** Fields in ring `j`. */
  ringCount(j: number): number {
    return Math.max(
      1,
      Math.round((360 * Math.cos((this.ringDec(j) * Math.PI) / 180)) / this.spacingDeg),
    );
  }

  /** Field `k` of ring `j`. */
  field(j: number, k: number): Field {
    const n = this.ringCount(j);
    const kk = ((k % n) + n) % n;
    return {
      id: j * 1_048_576 + kk,
      raDeg: wrap360(((kk + (j % 2) * 0.5) * 360) / n),
      decDeg: this.ringDec(j),
    };
  }

  /** The field with id `id`. */
  byId(id: number): Field {
    return this.field(Math.floor(id / 1_048_576), id % 1_048_576);
  }

  /** Fields of ring `j` within `halfWidthDeg` of right ascension `raDeg` (the whole ring near a pole). */
  #ringNear(j: number, raDeg: number, halfWidthDeg: number): Field[] {
    const n = this.ringCount(j);
    const step = 360 / n;
    const centre = Math.round(wrap360(raDeg) / step - (j % 2) * 0.5);
    const half = Math.min(Math.floor(n / 2), Math.ceil(halfWidthDeg / step) + 1);
    const out: Field[] = [];
    for (let k = centre - half; k <= centre + half && out.length < n; k++)
      out.push(this.field(j, k));
    return out;
  }

  /** The field nearest to an ICRS direction. */
  nearest(raDeg: number, decDeg: number): Field {
    const j0 = Math.min(this.rings - 1, Math.max(0, Math.floor((decDeg + 90) / this.ringStepDeg)));
    let best: Field | undefined;
    let bestSep = Infinity;
    for (let j = Math.max(0, j0 - 1); j <= Math.min(this.rings - 1, j0 + 1); j++) {
      for (const f of this.#ringNear(j, raDeg, this.spacingDeg)) {
        const s = separationDeg(raDeg, decDeg, f.raDeg, f.decDeg);
        if (s < bestSep) {
          bestSep = s;
          best = f;
        }
      }
    }
    return best!;
  }

  /**
   * The `count` fields nearest to `centre` (itself included), in serpentine order — ring by
   * ring, alternately east- and westward — the way a blob of fields is slewed through.
   */
  blob(centre: Field, count: number): Field[] {
    const radius = this.spacingDeg * (Math.sqrt(count / Math.PI) * 1.6 + 1.5);
    const jc = Math.floor((centre.decDeg + 90) / this.ringStepDeg);
    const dj = Math.ceil(radius / this.ringStepDeg);
    const near: { f: Field; sep: number; j: number }[] = [];
    for (let j = Math.max(0, jc - dj); j <= Math.min(this.rings - 1, jc + dj); j++) {
      const cosDec = Math.max(0.05, Math.cos((this.ringDec(j) * Math.PI) / 180));
      for (const f of this.#ringNear(j, centre.raDeg, radius / cosDec)) {
        near.push({ f, sep: separationDeg(centre.raDeg, centre.decDeg, f.raDeg, f.decDeg), j });
      }
    }
    near.sort((a, b) => a.sep - b.sep || a.f.id - b.f.id);
    const chosen = near.slice(0, Math.max(1, count));
    const rings = [...new Set(chosen.map((c) => c.j))].sort((a, b) => a - b);
    const out: Field[] = [];
    rings.forEach((j, i) => {
      const row = chosen
        .filter((c) => c.j === j)
        .sort((a, b) => wrap180(a.f.raDeg - centre.raDeg) - wrap180(b.f.raDeg - centre.raDeg));
      if (i % 2 === 1) row.reverse();
      for (const c of row) out.push(c.f);
    });
    return out;
  }
}

/**
 * Field spacing of an instrument's survey grid, degrees: about its field of view (LSSTCam
 * 3.5°, LSSTComCam 0.68°, LATISS 0.11°), so neighbouring fields just touch.
 */
export function fieldSpacingDeg(instrument: string): number {
  if (instrument === 'LSSTComCam') return 0.68;
  if (instrument === 'LATISS') return 0.11;
  return 3.5;
}
