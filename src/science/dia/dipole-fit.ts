import type { Image } from '../image.js';
import { nelderMead } from './nelder-mead.js';
import { pixelProfile, windowAbout } from './pixel-gaussian.js';
import { forEachWeighted } from './weighted-pixels.js';

/**
 * A dipole: a positive and a negative PSF close together, as a source that moved or a
 * misregistered star leaves on a difference image.
 */
export interface DipoleFit {
  /** Positive and negative lobes' centres, 0-based pixels. */
  readonly xPos: number;
  readonly yPos: number;
  readonly xNeg: number;
  readonly yNeg: number;
  /** Fluxes of the lobes (both ≥ 0 for a dipole), image units. */
  readonly fluxPos: number;
  readonly fluxNeg: number;
  /** (fluxPos + fluxNeg) / 2 and fluxPos − fluxNeg. */
  readonly meanFlux: number;
  readonly fluxDiff: number;
  /** Separation of the lobes, pixels, and angle from negative to positive lobe, radians. */
  readonly lengthPx: number;
  readonly angleRad: number;
  readonly chi2: number;
  readonly ndata: number;
}

/**
 * Fits a dipole model — +F₊·PSF(x₊, y₊) − F₋·PSF(x₋, y₋), pixel-integrated Gaussians of σ —
 * to the pixels around a positive and a negative detection: the four positions by
 * Nelder–Mead on χ² with the two fluxes solved linearly (2 × 2 normal equations) at each step,
 * starting from the detections' centroids. Lobes may not move more than 2 px from them.
 */
export function fitDipole(
  image: Image,
  variance: Image,
  pos: { x: number; y: number },
  neg: { x: number; y: number },
  sigmaPx: number,
): DipoleFit | undefined {
  if (!(sigmaPx >= 0.3 && sigmaPx <= 50))
    throw new RangeError(`sigmaPx must be in [0.3, 50], got ${sigmaPx}`);
  if (![pos.x, pos.y, neg.x, neg.y].every(Number.isFinite)) return undefined;
  const cx = (pos.x + neg.x) / 2;
  const cy = (pos.y + neg.y) / 2;
  const radius = Math.hypot(pos.x - neg.x, pos.y - neg.y) / 2 + 3 * sigmaPx + 2;
  const win = windowAbout(cx, cy, radius, image.width, image.height);
  if (!win) return undefined;
  const nx = win.x1 - win.x0 + 1;
  const ny = win.y1 - win.y0 + 1;
  const ax = new Float64Array(nx);
  const ay = new Float64Array(ny);
  const bx = new Float64Array(nx);
  const by = new Float64Array(ny);
  const solve = (q: ArrayLike<number>) => {
    pixelProfile(q[0]!, sigmaPx, win.x0, nx, ax);
    pixelProfile(q[1]!, sigmaPx, win.y0, ny, ay);
    pixelProfile(q[2]!, sigmaPx, win.x0, nx, bx);
    pixelProfile(q[3]!, sigmaPx, win.y0, ny, by);
    let saa = 0;
    let sab = 0;
    let sbb = 0;
    let sad = 0;
    let sbd = 0;
    let sdd = 0;
    const n = forEachWeighted(image, variance, win, (i, j, d, w) => {
      const a = ax[i]! * ay[j]!;
      const b = -bx[i]! * by[j]!;
      saa += w * a * a;
      sab += w * a * b;
      sbb += w * b * b;
      sad += w * a * d;
      sbd += w * b * d;
      sdd += w * d * d;
    });
    const det = saa * sbb - sab * sab;
    if (!(det > 0) || n < 8) return undefined;
    const fp = (sad * sbb - sbd * sab) / det;
    const fn = (sbd * saa - sad * sab) / det;
    const chi2 =
      sdd - 2 * (fp * sad + fn * sbd) + fp * fp * saa + 2 * fp * fn * sab + fn * fn * sbb;
    return { fp, fn, chi2: Math.max(0, chi2), n };
  };
  const start = [pos.x, pos.y, neg.x, neg.y];
  const cost = (q: Float64Array) => {
    for (let k = 0; k < 4; k++) if (Math.abs(q[k]! - start[k]!) > 2) return Infinity;
    return solve(q)?.chi2 ?? Infinity;
  };
  // restarted once from its result: one simplex can collapse early along the valley where
  // separation trades against the lobes' fluxes
  let result = nelderMead(cost, start, [0.3, 0.3, 0.3, 0.3], {
    tolerance: 1e-6,
    maxEvaluations: 600,
  });
  result = nelderMead(cost, result.best, [0.1, 0.1, 0.1, 0.1], {
    tolerance: 1e-6,
    maxEvaluations: 600,
  });
  const q = result.best;
  const fit = solve(q);
  if (!fit) return undefined;
  const [xPos, yPos, xNeg, yNeg] = [q[0]!, q[1]!, q[2]!, q[3]!];
  return {
    xPos,
    yPos,
    xNeg,
    yNeg,
    fluxPos: fit.fp,
    fluxNeg: fit.fn,
    meanFlux: (fit.fp + fit.fn) / 2,
    fluxDiff: fit.fp - fit.fn,
    lengthPx: Math.hypot(xPos - xNeg, yPos - yNeg),
    angleRad: Math.atan2(yPos - yNeg, xPos - xNeg),
    chi2: fit.chi2,
    ndata: fit.n,
  };
}
