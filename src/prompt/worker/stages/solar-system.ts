import type { DiaSourceRecord, SsObjectInput } from '../../../apdb/apdb-records.js';
import type { SsPrediction } from '../../../apdb/associate.js';
import type { SkyCircle } from '../../../apdb/sky-region.js';
import type { SsSourceInput } from '../../../alerts/schema/ss-source-schema.js';
import { collections, DATASET_TYPES } from '../../../registry/dataset-types.js';
import type { Repo } from '../../../registry/repo.js';
import {
  eclipticOfIcrs,
  galacticOfIcrs,
  hgMagnitude,
  mjdTtOfTai,
  predictMovers,
  readMoverCatalog,
  separationDeg,
  skyMotion,
  type MoverPrediction,
} from '../../../science/ephemeris/index.js';

/**
 * Solar-system association's inputs and outputs in the worker: the known movers' predicted
 * places during a visit-detector (from the night's known-movers catalog, dataset `ssObjects`,
 * copied into the handler-local repo on first use), and, for each DIA source association
 * matched to one, its `ssSource` record (lsst.v11_0) and the APDB's ssObject row.
 *
 * Units of the ssSource fields (the alert schema states none): angles and coordinates degrees
 * (ecliptic J2000, galactic), rates degrees per day (`ephRateRa` is dα/dt · cos δ), offsets of
 * the source from its prediction arcseconds (along and across the direction of motion),
 * ranges AU, range rates AU per day, `helio_*` and `topo_*` the object's heliocentric and
 * geocentric position (AU) and velocity (AU per day) in the J2000 ecliptic frame.
 */

/** The night's known-movers catalog, or undefined when neither repo holds one. */
async function catalogBytes(
  local: Repo,
  central: Repo,
  instrument: string,
  dayObs: number,
  signal: AbortSignal,
): Promise<Uint8Array | undefined> {
  const type = DATASET_TYPES.ssObjects.name;
  const dataId = { instrument, day_obs: dayObs };
  const run = [collections.ssObjects(instrument)];
  const here = await local.registry.findDataset(type, dataId, run);
  if (here) return local.get(here, { signal });
  const there = await central.registry.findDataset(type, dataId, run);
  if (!there) return undefined;
  await local.transfer(central, [there], { signal });
  return local.get(there, { signal });
}

/**
 * The known movers predicted inside `region` at the visit's midpoint (MJD TAI), by id; empty
 * when the night has no catalog. A malformed catalog throws PROMPTLY_E_EPHEMERIS_INVALID.
 */
export async function knownMoverPredictions(options: {
  readonly local: Repo;
  readonly central: Repo;
  readonly instrument: string;
  readonly dayObs: number;
  readonly midpointMjdTai: number;
  readonly region: SkyCircle;
  readonly signal: AbortSignal;
}): Promise<MoverPrediction[]> {
  const bytes = await catalogBytes(
    options.local,
    options.central,
    options.instrument,
    options.dayObs,
    options.signal,
  );
  if (!bytes) return [];
  const { region } = options;
  return predictMovers(readMoverCatalog(bytes), mjdTtOfTai(options.midpointMjdTai), {
    raDeg: region.ra,
    decDeg: region.dec,
    radiusDeg: region.radiusDeg,
  });
}

/** Association's view of the predictions. */
export function ssPredictionsOf(predictions: readonly MoverPrediction[]): SsPrediction[] {
  return predictions.map((p) => ({
    ssObjectId: p.mover.ssObjectId,
    ra: p.ephemeris.raDeg,
    dec: p.ephemeris.decDeg,
  }));
}

/** The APDB rows of the movers association matched (designation; the orbit stays in the catalog). */
export function ssObjectsOf(
  sources: readonly DiaSourceRecord[],
  predictions: readonly MoverPrediction[],
): SsObjectInput[] {
  const byId = new Map(predictions.map((p) => [p.mover.ssObjectId, p]));
  const ids = new Set<number>();
  for (const s of sources)
    if (s.ssObjectId !== null && byId.has(s.ssObjectId)) ids.add(s.ssObjectId);
  return [...ids]
    .sort((a, b) => a - b)
    .map((id) => ({ ssObjectId: id, designation: byId.get(id)!.mover.designation }));
}

/** The ssSource record of a DIA source association matched to a predicted mover. */
export function ssSourceOf(source: DiaSourceRecord, prediction: MoverPrediction): SsSourceInput {
  const { mover, ephemeris: e } = prediction;
  const motion = skyMotion(mover.elements, e.mjdTt);
  const ecl = eclipticOfIcrs(source.ra, source.dec);
  const gal = galacticOfIcrs(source.ra, source.dec);
  const cosDec = Math.cos((e.decDeg * Math.PI) / 180);
  let dRa = source.ra - e.raDeg;
  if (dRa > 180) dRa -= 360;
  if (dRa < -180) dRa += 360;
  const offRa = dRa * cosDec * 3600;
  const offDec = (source.dec - e.decDeg) * 3600;
  const pa = (motion.paDeg * Math.PI) / 180;
  // along: towards the direction of motion (east = +RA); across: 90° east of it
  const along = offRa * Math.sin(pa) + offDec * Math.cos(pa);
  const across = offRa * Math.cos(pa) - offDec * Math.sin(pa);
  const [hx, hy, hz] = e.helio.position;
  const [hvx, hvy, hvz] = e.helio.velocity;
  const [tx, ty, tz] = e.geo.position;
  const [tvx, tvy, tvz] = e.geo.velocity;
  const rangeRate = (p: readonly number[], v: readonly number[]) =>
    (p[0]! * v[0]! + p[1]! * v[1]! + p[2]! * v[2]!) / Math.hypot(p[0]!, p[1]!, p[2]!);
  return {
    diaSourceId: source.diaSourceId,
    ssObjectId: mover.ssObjectId,
    designation: mover.designation,
    eclLambda: ecl.lonDeg,
    eclBeta: ecl.latDeg,
    galLon: gal.lonDeg,
    galLat: gal.latDeg,
    elongation: e.elongationDeg,
    phaseAngle: e.phaseAngleDeg,
    topoRange: e.deltaAu,
    topoRangeRate: rangeRate(e.geo.position, e.geo.velocity),
    helioRange: e.rAu,
    helioRangeRate: rangeRate(e.helio.position, e.helio.velocity),
    ephRa: e.raDeg,
    ephDec: e.decDeg,
    ephVmag: hgMagnitude(mover.hMag, mover.g, e.rAu, e.deltaAu, e.phaseAngleDeg),
    ephRate: motion.rateDegPerDay,
    ephRateRa: motion.rateRaCosDecDegPerDay,
    ephRateDec: motion.rateDecDegPerDay,
    ephOffset: separationDeg(source.ra, source.dec, e.raDeg, e.decDeg) * 3600,
    ephOffsetRa: offRa,
    ephOffsetDec: offDec,
    ephOffsetAlongTrack: along,
    ephOffsetCrossTrack: across,
    helio_x: hx,
    helio_y: hy,
    helio_z: hz,
    helio_vx: hvx,
    helio_vy: hvy,
    helio_vz: hvz,
    helio_vtot: Math.hypot(hvx, hvy, hvz),
    topo_x: tx,
    topo_y: ty,
    topo_z: tz,
    topo_vx: tvx,
    topo_vy: tvy,
    topo_vz: tvz,
    topo_vtot: Math.hypot(tvx, tvy, tvz),
    diaDistanceRank: 1,
  };
}
