import { PromptlyError } from '../core/errors.js';
import { getInstrument, type Detector } from '../core/instruments.js';
import {
  createWcs,
  footprint,
  makeSipPolynomial,
  type CelestialWcs,
  type SkyArrays,
} from '../wcs/index.js';
import { detectorGeometry, type DetectorGeometry, type GeometryOptions } from './amp-layout.js';
import { ccdVendorOf } from './camera-sensors.js';

/** Real LSST CCD imaging area at full size, pixels (8 × 509 by 2 × 2000). */
export const FULL_DETECTOR_PX = { width: 4072, height: 4000 } as const;
/** Pixel pitch of LSST sensors, mm (10 µm). */
export const PIXEL_SIZE_MM = 0.01;
/** Raft pitch on the LSSTCam focal plane, mm. */
export const RAFT_PITCH_MM = 127;
/** CCD pitch within a raft, mm. */
export const CCD_PITCH_MM = 42.25;
/**
 * Radial distortion about the boresight, per pixel²: a true offset r becomes r(1 + k r²).
 * About 6 px at the edge of LSSTCam's field (r ≈ 31 500 px); exactly a third-order SIP.
 */
export const RADIAL_DISTORTION_PER_PX2 = 2e-13;
/**
 * Radius of the Simonyi telescope's corrected field on the focal plane at full size, mm
 * (1.75° at 0.2″ per 10 µm pixel): the unit of the optics' field-dependent PSF terms.
 */
export const FIELD_RADIUS_MM = 315;

/** Where a detector sits on the focal plane. */
export interface DetectorPlacement {
  readonly detector: Detector;
  /** Centre of the imaging area on the focal plane, mm (x, y), boresight at (0, 0). */
  readonly centerMm: readonly [number, number];
  /** Rotation of the detector's pixel axes from the focal-plane axes, degrees, CCW. */
  readonly orientationDeg: number;
  /** Readout geometry (16 amps; half-height for wavefront sensors). */
  readonly geometry: DetectorGeometry;
}

/** A camera's focal plane at some scale: every detector's placement, and its pixel scale. */
export interface FocalPlane {
  readonly instrument: string;
  /** Sky angle of one pixel at the boresight, arcseconds. */
  readonly pixelScaleArcsec: number;
  /** Linear size relative to the real camera (positions in mm shrink with it). */
  readonly linearScale: number;
  readonly detectors: readonly DetectorPlacement[];
  /** The placement of detector `id`; PROMPTLY_E_DETECTOR_UNKNOWN when there is none. */
  placement(id: number): DetectorPlacement;
}

/** Boresight and camera rotation of a visit. */
export interface Pointing {
  /** Boresight right ascension, degrees ICRS. */
  readonly ra: number;
  /** Boresight declination, degrees ICRS. */
  readonly dec: number;
  /** Sky rotation angle (ROTPA), degrees: north is this far CCW from focal-plane +y. */
  readonly rotationDeg: number;
}

/** Corner-raft sensors in the raft frame (before the raft's rotation), mm; WF are half-height. */
const CORNER_LAYOUT: Record<string, readonly [number, number]> = {
  SG0: [-21.125, 21.125],
  SG1: [21.125, -21.125],
  SW0: [21.125, 10.5],
  SW1: [21.125, 31.75],
};
const CORNER_ROTATION: Record<string, number> = { R00: 0, R04: 90, R44: 180, R40: 270 };

function rotate(x: number, y: number, deg: number): [number, number] {
  const r = (deg * Math.PI) / 180;
  const c = Math.cos(r);
  const s = Math.sin(r);
  return [c * x - s * y, s * x + c * y];
}

/** Full-size placement of an LSSTCam/ComCam detector, mm and degrees. */
function fullSizePlacement(d: Detector): { center: [number, number]; orientation: number } {
  const rr = Number(d.raft[1]);
  const rc = Number(d.raft[2]);
  const raftX = Number.isFinite(rc) ? (rc - 2) * RAFT_PITCH_MM : 0;
  const raftY = Number.isFinite(rr) ? (rr - 2) * RAFT_PITCH_MM : 0;
  const corner = CORNER_LAYOUT[d.sensor];
  if (corner) {
    const rot = CORNER_ROTATION[d.raft] ?? 0;
    const [x, y] = rotate(corner[0], corner[1], rot);
    return { center: [raftX + x, raftY + y], orientation: rot };
  }
  const sr = Number(d.sensor[1]);
  const sc = Number(d.sensor[2]);
  return {
    center: [raftX + (sc - 1) * CCD_PITCH_MM, raftY + (sr - 1) * CCD_PITCH_MM],
    orientation: 0,
  };
}

/**
 * The focal plane of `instrument` (LSSTCam: 21 science rafts of 3×3 CCDs and 4 corner rafts
 * with 2 guide and 2 half-size wavefront sensors each; LSSTComCam: one raft; LATISS: one CCD
 * at the centre), with detectors of `geometry` (default: LSST scaled by `scale`). Positions
 * shrink by `geometry.width / 4072` so a miniature camera stays gap-free and non-overlapping;
 * the pixel scale (0.2″, LATISS 0.1″) does not change.
 */
export function focalPlane(instrumentName: string, options: GeometryOptions = {}): FocalPlane {
  const instrument = getInstrument(instrumentName);
  const geometries = new Map<string, DetectorGeometry>();
  const geometryOf = (vendor: 'ITL' | 'E2V', half: boolean): DetectorGeometry => {
    const key = `${vendor}${half ? '/2' : ''}`;
    let g = geometries.get(key);
    if (!g) {
      const full = detectorGeometry(options, vendor);
      g = half
        ? detectorGeometry(
            {
              ...options,
              ampWidth: full.ampWidth,
              ampHeight: Math.max(2, Math.round(full.ampHeight / 2)),
            },
            vendor,
          )
        : full;
      geometries.set(key, g);
    }
    return g;
  };
  const geometry = geometryOf('ITL', false);
  const linearScale = geometry.width / FULL_DETECTOR_PX.width;
  const detectors = instrument.detectors.map((detector): DetectorPlacement => {
    const full =
      instrument.name === 'LATISS'
        ? { center: [0, 0] as [number, number], orientation: 0 }
        : fullSizePlacement(detector);
    return {
      detector,
      centerMm: [full.center[0] * linearScale, full.center[1] * linearScale],
      orientationDeg: full.orientation,
      geometry: geometryOf(
        ccdVendorOf(instrument.name, detector),
        detector.purpose === 'wavefront',
      ),
    };
  });
  return {
    instrument: instrument.name,
    pixelScaleArcsec: instrument.name === 'LATISS' ? 0.1 : 0.2,
    linearScale,
    detectors,
    placement(id) {
      const p = detectors[id];
      if (!p || p.detector.id !== id) {
        throw new PromptlyError(
          'PROMPTLY_E_DETECTOR_UNKNOWN',
          `${instrument.name} has no detector ${id}`,
        );
      }
      return p;
    },
  };
}

/**
 * The TAN-SIP WCS of one detector for a pointing, in the detector's assembled pixel frame
 * (0-based pixel (x, y) = DETSEC column x+1, row y+1). The reference point is the boresight
 * (CRPIX usually off the chip), so the focal plane's radial distortion is exactly the SIP
 * terms A_3_0 = A_1_2 = B_2_1 = B_0_3 = k. North is `rotationDeg` CCW from focal-plane +y,
 * east to its left (a sky view, no mirror).
 */
export function detectorWcs(fp: FocalPlane, detector: number, pointing: Pointing): CelestialWcs {
  const p = fp.placement(detector);
  const g = p.geometry;
  const s = fp.pixelScaleArcsec / 3600;
  // Focal-plane pixel offsets → (ξ, η): rotate by the sky rotation, east to the left.
  const rho = (pointing.rotationDeg * Math.PI) / 180;
  const c = Math.cos(rho);
  const sn = Math.sin(rho);
  const fpCd = [-s * c, -s * sn, -s * sn, s * c] as const;
  // Detector pixel axes are the focal-plane axes rotated by the orientation.
  const phi = (p.orientationDeg * Math.PI) / 180;
  const cp = Math.cos(phi);
  const sp = Math.sin(phi);
  const cd: [number, number, number, number] = [
    fpCd[0] * cp + fpCd[1] * sp,
    -fpCd[0] * sp + fpCd[1] * cp,
    fpCd[2] * cp + fpCd[3] * sp,
    -fpCd[2] * sp + fpCd[3] * cp,
  ];
  // Boresight in detector pixels: centre + R(−φ)·(−centre / pixel size).
  const bx = -p.centerMm[0] / PIXEL_SIZE_MM;
  const by = -p.centerMm[1] / PIXEL_SIZE_MM;
  const [dx, dy] = rotate(bx, by, -p.orientationDeg);
  const crpix: [number, number] = [(g.width - 1) / 2 + dx + 1, (g.height - 1) / 2 + dy + 1];
  const k = RADIAL_DISTORTION_PER_PX2;
  return createWcs({
    crpix,
    crval: [pointing.ra, pointing.dec],
    linear: { kind: 'cd', cd },
    radesys: 'ICRS',
    sip: {
      a: makeSipPolynomial(3, [
        [3, 0, k],
        [1, 2, k],
      ]),
      b: makeSipPolynomial(3, [
        [2, 1, k],
        [0, 3, k],
      ]),
    },
  });
}

/** Sky corners of a detector for a pointing (astropy `calc_footprint` order), degrees. */
export function detectorFootprint(fp: FocalPlane, detector: number, pointing: Pointing): SkyArrays {
  const g = fp.placement(detector).geometry;
  return footprint(detectorWcs(fp, detector, pointing), g.width, g.height);
}

/**
 * Where a detector's pixels are in the field, as a fraction of the corrected field's radius
 * ({@link FIELD_RADIUS_MM}, scaled with the camera): 0-based detector pixel (x, y) → focal-plane
 * (u, v), boresight at (0, 0), axes those of the focal plane (before the sky rotation). A
 * miniature camera's corner detectors are at the field's edge like the real camera's.
 */
export function fieldPositionMap(
  fp: FocalPlane,
  detector: number,
): (x: number, y: number) => readonly [number, number] {
  const p = fp.placement(detector);
  const g = p.geometry;
  const unit = 1 / (FIELD_RADIUS_MM * fp.linearScale);
  const phi = (p.orientationDeg * Math.PI) / 180;
  const c = Math.cos(phi) * PIXEL_SIZE_MM * unit;
  const s = Math.sin(phi) * PIXEL_SIZE_MM * unit;
  const cx = (g.width - 1) / 2;
  const cy = (g.height - 1) / 2;
  const u0 = p.centerMm[0] * unit;
  const v0 = p.centerMm[1] * unit;
  return (x, y) => {
    const dx = x - cx;
    const dy = y - cy;
    return [u0 + c * dx - s * dy, v0 + s * dx + c * dy];
  };
}
