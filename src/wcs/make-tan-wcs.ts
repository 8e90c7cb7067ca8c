import { PromptlyError } from '../core/errors.js';
import { createWcs, type CelestialWcs } from './celestial-wcs.js';
import type { Sip } from './sip-polynomial.js';

/** What {@link makeTanWcs} needs to describe an ideal gnomonic camera. */
export interface TanWcsSpec {
  /** [ra, dec] of the reference pixel, degrees. */
  readonly crval: readonly [number, number];
  /** Reference pixel, 0-based [x, y] (written to the header as CRPIXi = value + 1). */
  readonly crpix: readonly [number, number];
  /** Pixel scale at the reference point, arcseconds per pixel, > 0. */
  readonly scaleArcsecPerPx: number;
  /**
   * Rotation ρ in degrees, the CROTA2 convention (Calabretta & Greisen 2002, eq. 188).
   * Displayed with x right and y up: without flip north is ρ counter-clockwise from +y
   * and east 90° further (east left when ρ = 0); with `flipX`, north is ρ clockwise from
   * +y and east is on the right.
   */
  readonly rotationDeg: number;
  /** Mirror the x axis (ra increasing with x). Default false. */
  readonly flipX?: boolean;
  /** Default 'ICRS'. */
  readonly radesys?: string;
  readonly equinox?: number;
  /** Optional SIP distortion (A/B over offsets from the reference pixel). */
  readonly sip?: Sip;
}

/**
 * A TAN (or TAN-SIP) WCS with a CD matrix from a scale and a rotation:
 * CD = [[c1 cos ρ, −c2 sin ρ], [c1 sin ρ, c2 cos ρ]] with c1 = ∓scale (− unless
 * `flipX`), c2 = +scale, in degrees per pixel.
 */
export function makeTanWcs(spec: TanWcsSpec): CelestialWcs {
  const s = spec.scaleArcsecPerPx / 3600;
  const c1 = spec.flipX === true ? s : -s;
  const c2 = s;
  const rho = (spec.rotationDeg * Math.PI) / 180;
  const cos = Math.cos(rho);
  const sin = Math.sin(rho);
  if (!(spec.scaleArcsecPerPx > 0) || !Number.isFinite(spec.scaleArcsecPerPx)) {
    throw new PromptlyError(
      'PROMPTLY_E_WCS_INVALID',
      `scaleArcsecPerPx must be a finite number > 0, got ${spec.scaleArcsecPerPx}`,
    );
  }
  if (!Number.isFinite(spec.rotationDeg)) {
    throw new PromptlyError(
      'PROMPTLY_E_WCS_INVALID',
      `rotationDeg must be finite, got ${spec.rotationDeg}`,
    );
  }
  return createWcs({
    crpix: [spec.crpix[0] + 1, spec.crpix[1] + 1],
    crval: spec.crval,
    linear: { kind: 'cd', cd: [c1 * cos, -c2 * sin, c1 * sin, c2 * cos] },
    radesys: spec.radesys,
    equinox: spec.equinox,
    sip: spec.sip,
  });
}
