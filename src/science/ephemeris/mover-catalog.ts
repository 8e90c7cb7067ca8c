import { checkElements, invalidEphemeris, type OrbitalElements } from './orbital-elements.js';
import { ephemerisAt, type Ephemeris } from './ephemeris.js';
import { earthHeliocentric } from './earth-position.js';

/**
 * The known-movers catalog: what the MPC's MPCORB file is to Rubin — the orbits of known
 * solar-system objects, from which the worker predicts where each is during a visit. Stored
 * as JSON (`{"format": "promptly.ssObjects/1", "movers": [...]}`, movers by id), dataset
 * `ssObjects`.
 */

/** One known mover: its id in the APDB, designation, elements and photometric parameters. */
export interface KnownMover {
  /** The APDB's ssObjectId, a non-negative safe integer. */
  readonly ssObjectId: number;
  /** Designation, 1–64 characters. */
  readonly designation: string;
  readonly elements: OrbitalElements;
  /** Absolute magnitude H, [−5, 35], and slope parameter G, [−1, 2]. */
  readonly hMag: number;
  readonly g: number;
}

export const MOVER_CATALOG_FORMAT = 'promptly.ssObjects/1';
/** Most movers one catalog holds. */
export const MAX_CATALOG_MOVERS = 1_000_000;

/** The catalog's bytes: movers by id, one JSON document. */
export function moverCatalogBytes(movers: readonly KnownMover[]): Uint8Array {
  const sorted = [...movers].sort((a, b) => a.ssObjectId - b.ssObjectId);
  sorted.forEach((m, i) => checkMover(m, `movers[${i}]`));
  return new TextEncoder().encode(
    JSON.stringify({ format: MOVER_CATALOG_FORMAT, movers: sorted }) + '\n',
  );
}

function checkMover(m: KnownMover, path: string): KnownMover {
  if (typeof m !== 'object' || m === null) throw invalidEphemeris(`${path} must be an object`);
  if (typeof m.ssObjectId !== 'number' || !Number.isSafeInteger(m.ssObjectId) || m.ssObjectId < 0)
    throw invalidEphemeris(`${path}.ssObjectId must be a non-negative safe integer`);
  if (typeof m.designation !== 'string' || m.designation.length < 1 || m.designation.length > 64)
    throw invalidEphemeris(`${path}.designation must be a string of 1–64 characters`);
  checkElements(m.elements, `${path}.elements`);
  if (typeof m.hMag !== 'number' || !(m.hMag >= -5 && m.hMag <= 35))
    throw invalidEphemeris(`${path}.hMag must be in [−5, 35]`);
  if (typeof m.g !== 'number' || !(m.g >= -1 && m.g <= 2))
    throw invalidEphemeris(`${path}.g must be in [−1, 2]`);
  return m;
}

/** Reads and checks a catalog (PROMPTLY_E_EPHEMERIS_INVALID naming the bad field). */
export function readMoverCatalog(bytes: Uint8Array): KnownMover[] {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw invalidEphemeris(`the known-movers catalog is not JSON: ${String(err)}`);
  }
  const d = doc as { format?: unknown; movers?: unknown };
  if (typeof d !== 'object' || d === null || d.format !== MOVER_CATALOG_FORMAT)
    throw invalidEphemeris(`the known-movers catalog is not of format ${MOVER_CATALOG_FORMAT}`);
  if (!Array.isArray(d.movers) || d.movers.length > MAX_CATALOG_MOVERS)
    throw invalidEphemeris(`movers must be an array of at most ${MAX_CATALOG_MOVERS}`);
  const seen = new Set<number>();
  return (d.movers as KnownMover[]).map((m, i) => {
    const checked = checkMover(m, `movers[${i}]`);
    if (seen.has(checked.ssObjectId))
      throw invalidEphemeris(`movers[${i}].ssObjectId ${checked.ssObjectId} appears twice`);
    seen.add(checked.ssObjectId);
    return checked;
  });
}

/** A known mover's predicted place. */
export interface MoverPrediction {
  readonly mover: KnownMover;
  readonly ephemeris: Ephemeris;
}

/**
 * The known movers whose predicted astrometric place at `mjdTt` lies within `radiusDeg` of
 * (raDeg, decDeg), ICRS degrees, by id.
 */
export function predictMovers(
  movers: readonly KnownMover[],
  mjdTt: number,
  region: { readonly raDeg: number; readonly decDeg: number; readonly radiusDeg: number },
): MoverPrediction[] {
  const earth = earthHeliocentric(mjdTt);
  const d2r = Math.PI / 180;
  const c = [
    Math.cos(region.decDeg * d2r) * Math.cos(region.raDeg * d2r),
    Math.cos(region.decDeg * d2r) * Math.sin(region.raDeg * d2r),
    Math.sin(region.decDeg * d2r),
  ];
  const cosRadius = Math.cos(region.radiusDeg * d2r);
  const out: MoverPrediction[] = [];
  for (const mover of movers) {
    const ephemeris = ephemerisAt(mover.elements, mjdTt, earth);
    const cd = Math.cos(ephemeris.decDeg * d2r);
    const dot =
      cd * Math.cos(ephemeris.raDeg * d2r) * c[0]! +
      cd * Math.sin(ephemeris.raDeg * d2r) * c[1]! +
      Math.sin(ephemeris.decDeg * d2r) * c[2]!;
    if (dot >= cosRadius) out.push({ mover, ephemeris });
  }
  return out.sort((a, b) => a.mover.ssObjectId - b.mover.ssObjectId);
}
