import { forcedPsfFluxes } from '../../science/dia/index.js';
import { skyToPix } from '../../wcs/index.js';
import type { DiaObjectPositions } from './dia-object-table.js';
import type { Difference } from './subtract-task.js';

/**
 * Forced photometry of the APDB's objects on one detector: PSF flux on the difference and on
 * the science image at each preloaded object's position (through the science WCS), for the
 * objects whose position falls on the image. Fluxes e⁻, NaN where the fit had no pixels.
 */
export interface DiaForced {
  readonly length: number;
  readonly diaObjectId: Float64Array;
  readonly ra: Float64Array;
  readonly dec: Float64Array;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly psfFlux: Float64Array;
  readonly psfFluxErr: Float64Array;
  readonly scienceFlux: Float64Array;
  readonly scienceFluxErr: Float64Array;
}

/** The forced-photometry columns, in one place (FITS names are snake case). */
export const DIA_FORCED_COLUMNS = [
  'diaObjectId',
  'ra',
  'dec',
  'x',
  'y',
  'psfFlux',
  'psfFluxErr',
  'scienceFlux',
  'scienceFluxErr',
] as const satisfies readonly (keyof DiaForced)[];

/**
 * Forced photometry of `objects` on the difference `diff` (see {@link DiaForced}), with the PSF
 * the DIA sources were measured with: a Gaussian of `psfSigmaPx` (default the difference's
 * assumed σ), fluxes scaled by `apertureCorrection` (default 1).
 */
export function forcedPhotometry(
  diff: Difference,
  objects: DiaObjectPositions,
  psf: { readonly psfSigmaPx?: number; readonly apertureCorrection?: number } = {},
): DiaForced {
  const apertureCorrection = psf.apertureCorrection ?? 1;
  const { width, height } = diff.image;
  const pix = skyToPix(diff.wcs, objects.ra, objects.dec, { onDivergence: 'nan' });
  const keep: number[] = [];
  for (let k = 0; k < objects.length; k++) {
    const x = pix.x[k]!;
    const y = pix.y[k]!;
    if (x >= -0.5 && y >= -0.5 && x < width - 0.5 && y < height - 0.5) keep.push(k);
  }
  const pick = (a: Float64Array) => Float64Array.from(keep, (k) => a[k]!);
  const x = pick(pix.x);
  const y = pick(pix.y);
  const sigma = (s: number) => Math.min(50, Math.max(0.3, s));
  const onDiff = forcedPsfFluxes(
    diff.image,
    diff.variance,
    x,
    y,
    sigma(psf.psfSigmaPx ?? diff.psfSigmaPx),
  );
  const onScience = forcedPsfFluxes(
    diff.science,
    diff.scienceVariance,
    x,
    y,
    sigma(diff.sciencePsfSigmaPx),
  );
  return {
    length: keep.length,
    diaObjectId: pick(objects.diaObjectId),
    ra: pick(objects.ra),
    dec: pick(objects.dec),
    x,
    y,
    psfFlux: onDiff.flux.map((f) => f * apertureCorrection),
    psfFluxErr: onDiff.fluxErr.map((e) => e * apertureCorrection),
    scienceFlux: onScience.flux,
    scienceFluxErr: onScience.fluxErr,
  };
}
