import type { FocalPlane } from './focal-plane.js';
import { fieldPositionMap } from './focal-plane.js';
import { Prng } from './prng.js';
import { MOFFAT_BETA, moffatPsf, type MoffatPsf } from './psf.js';

/** Optics' PSF FWHM at the field centre, arcseconds (added in quadrature to the seeing). */
export const OPTICS_FWHM_CENTRE_ARCSEC = 0.08;
/** Growth of the optics' FWHM to the field's edge, arcseconds per (r / field radius)². */
export const OPTICS_FWHM_EDGE_ARCSEC = 0.32;
/** Optics' ellipticity (1 − b/a) at the field's edge, growing as (r / field radius)², tangential. */
export const OPTICS_ELLIPTICITY_EDGE = 0.06;
/** σ of ln(seeing) from snap to snap (a small change of the turbulence within a visit). */
export const SNAP_SEEING_SIGMA = 0.012;
/** The snap's seeing factor is kept within 1 ± this. */
export const SNAP_SEEING_MAX = 0.03;
/** σ of the atmosphere's and tracking's ellipticity per snap (1 − b/a), and its cap. */
export const ATMOSPHERE_ELLIPTICITY_SIGMA = 0.015;
export const ATMOSPHERE_ELLIPTICITY_MAX = 0.04;

/** The PSF of one snap at one place, as the truth records it. */
export interface PsfTruth {
  /** FWHM (geometric mean of the axes), arcseconds. */
  readonly fwhmArcsec: number;
  /** 1 − b/a. */
  readonly ellipticity: number;
  /** Major axis, degrees CCW from the detector's pixel +x. */
  readonly positionAngleDeg: number;
}

/** What makes one snap's PSF across a detector. */
export interface PsfFieldInput {
  readonly seed: number;
  readonly visitIndex: number;
  readonly snap: number;
  /** The visit's delivered seeing FWHM (airmass and wavelength terms in), arcseconds. */
  readonly seeingArcsec: number;
  readonly focalPlane: FocalPlane;
  readonly detector: number;
}

/** One snap's PSF over one detector: a Moffat at every pixel position. */
export interface PsfField {
  /** This snap's seeing ÷ the visit's. */
  readonly seeingFactor: number;
  /** The PSF centred at 0-based detector pixel (x, y). */
  at(x: number, y: number): MoffatPsf;
  /** The PSF at (x, y) in truth units (arcseconds, 1 − b/a, degrees). */
  truthAt(x: number, y: number): PsfTruth;
}

/**
 * The PSF of snap `snap` of a visit over a detector: the atmosphere's Moffat (the visit's
 * seeing × a per-snap factor exp(N(0, {@link SNAP_SEEING_SIGMA})) within ±3 %) convolved, in
 * quadrature of FWHM, with the optics' term 0.08″ + 0.32″·ρ² (ρ = field radius fraction);
 * ellipticity from the optics (0.06·ρ², major axis tangential to the field) plus a per-snap
 * atmospheric/tracking term (σ 0.015, random direction), added as spin-2 vectors.
 * Deterministic in (seed, visit, snap); cheap enough to evaluate per source.
 */
export function psfField(input: PsfFieldInput): PsfField {
  const fp = input.focalPlane;
  const scale = fp.pixelScaleArcsec;
  const rng = new Prng(input.seed).fork(0x95f, input.visitIndex, input.snap);
  const seeingFactor = Math.min(
    1 + SNAP_SEEING_MAX,
    Math.max(1 - SNAP_SEEING_MAX, Math.exp(SNAP_SEEING_SIGMA * rng.gaussian())),
  );
  const atmFwhm = input.seeingArcsec * seeingFactor;
  const eAtm = Math.min(
    ATMOSPHERE_ELLIPTICITY_MAX,
    Math.abs(ATMOSPHERE_ELLIPTICITY_SIGMA * rng.gaussian()),
  );
  const thetaAtm = rng.uniform(0, Math.PI);
  const orientation = (fp.placement(input.detector).orientationDeg * Math.PI) / 180;
  const field = fieldPositionMap(fp, input.detector);
  const truthAt = (x: number, y: number): PsfTruth => {
    const [u, v] = field(x, y);
    const rho2 = u * u + v * v;
    const optics = OPTICS_FWHM_CENTRE_ARCSEC + OPTICS_FWHM_EDGE_ARCSEC * rho2;
    const fwhmArcsec = Math.sqrt(atmFwhm * atmFwhm + optics * optics);
    // Spin-2 sum: tangential optics (major axis ⟂ radius) + atmosphere, in the pixel frame.
    const eOpt = OPTICS_ELLIPTICITY_EDGE * rho2;
    const thetaOpt = Math.atan2(v, u) + Math.PI / 2 - orientation;
    const e1 = eOpt * Math.cos(2 * thetaOpt) + eAtm * Math.cos(2 * thetaAtm);
    const e2 = eOpt * Math.sin(2 * thetaOpt) + eAtm * Math.sin(2 * thetaAtm);
    const ellipticity = Math.hypot(e1, e2);
    const pa = ((Math.atan2(e2, e1) / 2) * 180) / Math.PI;
    return { fwhmArcsec, ellipticity, positionAngleDeg: ((pa % 180) + 180) % 180 };
  };
  return {
    seeingFactor,
    truthAt,
    at(x, y) {
      const t = truthAt(x, y);
      return moffatPsf(t.fwhmArcsec / scale, MOFFAT_BETA, 1 - t.ellipticity, t.positionAngleDeg);
    },
  };
}
