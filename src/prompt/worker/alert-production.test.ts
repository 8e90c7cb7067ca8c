import { afterEach, describe, expect, it } from 'vitest';
import { readAlertContainer } from '../../alerts/alert-container.js';
import { ALERT_SOURCE_HEADER } from '../../alerts/alert-publisher.js';
import { alertSubjects } from '../../alerts/alert-subjects.js';
import type { Alert } from '../../alerts/alert-schema.js';
import { AlertCodec } from '../../alerts/alert-codec.js';
import { FitsFile, readImage } from '../../fits/index.js';
import type { NextVisit } from '../../core/next-visit.js';
import { unpackDiaId } from '../../apdb/dia-ids.js';
import { dayObsOf, taiSecondsToUtcMs } from '../../core/time.js';
import { collections } from '../../registry/dataset-types.js';
import { plantedDiaTask } from '../testing/planted-dia-task.js';
import {
  ephemerisAt,
  mjdTtOfUtcMs,
  moverCatalogBytes,
  orbitThrough,
  type KnownMover,
  type OrbitalElements,
} from '../../science/ephemeris/index.js';
import { makeTanWcs, pixToSky } from '../../wcs/index.js';
import { startPromptFixture, type PromptFixture } from '../testing/prompt-fixture.js';

const PLANTED = `
pipelines:
  Planted:
    description: planted DIA sources
    tasks:
      - task: plantedDia
selection:
  - when: {}
    pipelines: [Planted]
`;

/** Every alert of the visit-detector, from its exported container file. */
async function exportedAlerts(f: PromptFixture, visit: NextVisit): Promise<Alert[]> {
  const dayObs = dayObsOf(taiSecondsToUtcMs(visit.startTime));
  const refs = await f.backends.central.registry.queryDatasets('alerts', {
    collections: [collections.centralOutput('LATISS', dayObs)],
  });
  const ref = refs.find((r) => r.dataId.group === visit.groupId);
  if (!ref) throw new Error(`no alerts dataset for ${visit.groupId}`);
  return readAlertContainer(await f.backends.central.get(ref));
}

/**
 * A main-belt orbit whose astrometric place (light time applied) at `mjdTt` is (ra, dec):
 * `orbitThrough` sets the geometric place, so the light-time shift is taken out in two passes.
 */
function orbitSeenAt(ra: number, dec: number, mjdTt: number): OrbitalElements {
  let aimRa = ra;
  let aimDec = dec;
  let el: OrbitalElements | undefined;
  for (let pass = 0; pass < 3; pass++) {
    el = orbitThrough({
      raDeg: aimRa,
      decDeg: aimDec,
      mjdTt,
      aAu: 2.7,
      e: 0.1,
      eccentricAnomalyRad: 0.4,
      extraInclinationDeg: 4,
      ascending: true,
    })!;
    const seen = ephemerisAt(el, mjdTt);
    aimRa += ra - seen.raDeg;
    aimDec += dec - seen.decDeg;
  }
  return el!;
}

/** Processes one visit of detector 0 (one snap) and returns its outcome. */
async function runVisit(f: PromptFixture, visit: NextVisit) {
  await f.service.fanout.accept(visit);
  await f.writeRaw(visit, 0, 0);
  return { visit, ...(await f.outcome(visit.groupId, 0, 30_000)) };
}

describe('Alert Production in the worker', () => {
  let f: PromptFixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  it('associates DIA sources, writes them to the APDB once and publishes one alert each, with history and cutouts', async () => {
    f = await startPromptFixture({ pipelinesYaml: PLANTED, tasks: [plantedDiaTask] });
    const published: Alert[] = [];
    const sub = await f.backends.bus.subscribe(alertSubjects.alerts('LATISS'));
    const codec = new AlertCodec();
    void (async () => {
      for await (const m of sub) {
        expect(m.headers?.[ALERT_SOURCE_HEADER]).toBeDefined();
        published.push(codec.decode(m.data));
      }
    })();

    const first = await runVisit(f, f.nextVisit());
    expect(first.kind).toBe('processed');
    expect(first.alerts).toBe(3);
    expect(first.outputs).toEqual(expect.arrayContaining(['diaSrc', 'alerts']));
    expect(first.marks.alertsPublishedMs).toBeGreaterThanOrEqual(first.marks.pipelineEndMs ?? 0);
    const alerts1 = await exportedAlerts(f, first.visit);
    expect(alerts1).toHaveLength(3);
    const visit1 = unpackDiaId(alerts1[0]!.diaSourceId).visit;
    // new objects take their first source's id; fluxes in nJy at zero point 31.4 are e⁻
    for (const a of alerts1) {
      expect(a.diaSource.diaObjectId).toBe(a.diaSource.diaSourceId);
      expect(a.diaObject?.diaObjectId).toBe(a.diaSource.diaObjectId);
      expect(a.prvDiaSources ?? []).toHaveLength(0);
      expect(a.diaSource.apFlux).toBeCloseTo(1000 * (unpackDiaId(a.diaSourceId).index + 1), 1);
      // the diaSrc's reliability column travels into the alert (a float: 0.25 is exact)
      expect(a.diaSource.reliability).toBe((unpackDiaId(a.diaSourceId).index + 1) / 4);
    }
    // the difference cutout is a 30×30 FITS image with the planted star at its centre pixel
    const cut = alerts1[0]!.cutoutDifference!;
    const file = FitsFile.fromBytes(new Uint8Array(cut));
    const hdu = await file.hdu(0);
    const image = await readImage(file.source, hdu);
    expect(image.shape).toEqual([30, 30]);
    expect(image.pixels[15 * 30 + 15]).toBe(1000);
    expect(hdu.header.get('CTYPE1')).toBe('RA---TAN');

    // the first visit found an empty APDB at next_visit: nothing to forced-photometer
    expect(await f.backends.apdb.written(visit1, 0)).toMatchObject({ diaForcedSources: 0 });

    // a second visit of the same field: its APDB region is read at next_visit, before any raw
    const next = f.nextVisit();
    await f.service.fanout.accept(next);
    await expect
      .poll(() =>
        f!.statusEvents.find((e) => e.activity === 'apdb.preloaded' && e.group === next.groupId),
      )
      .toMatchObject({ detail: { diaObjects: 3 } });
    await f.writeRaw(next, 0, 0);
    const second = { visit: next, ...(await f.outcome(next.groupId, 0, 30_000)) };
    expect(second.kind).toBe('processed');
    // every source joins the object the first one started, and each object is
    // forced-photometered once
    const visit2 = unpackDiaId((await exportedAlerts(f, next))[0]!.diaSourceId).visit;
    expect(await f.backends.apdb.written(visit2, 0)).toMatchObject({ diaForcedSources: 3 });
    const alerts2 = await exportedAlerts(f, second.visit);
    expect(unpackDiaId(alerts2[0]!.diaSourceId).visit).not.toBe(visit1);
    for (const a of alerts2) {
      const before = alerts1.find((b) => b.diaSource.x === a.diaSource.x)!;
      expect(a.diaSource.diaObjectId).toBe(before.diaSource.diaObjectId);
      expect(a.prvDiaSources?.map((p) => p.diaSourceId)).toEqual([before.diaSourceId]);
      expect(a.diaObject?.nDiaSources).toBe(2);
    }
    const rows = await f.backends.apdb.visitDetectorSources(visit1, 0);
    expect(rows).toHaveLength(3);
    // and into the APDB's diaSource rows
    expect(rows.map((r) => r.reliability).sort()).toEqual([0.25, 0.5, 0.75]);
    await expect.poll(() => published.length).toBe(6);
    await sub.close();
  });

  it("associates a known mover's DIA source with its ssObject: no new DIA object, an alert with ssSource", async () => {
    f = await startPromptFixture({ pipelinesYaml: PLANTED, tasks: [plantedDiaTask] });
    const visit = f.nextVisit();
    // the planted task's second source (pixel 90, 90 of a 0.2″ TAN image on the boresight)
    const wcs = makeTanWcs({
      crval: visit.position,
      crpix: [99.5, 99.5],
      scaleArcsecPerPx: 0.2,
      rotationDeg: 0,
    });
    const target = pixToSky(wcs, Float64Array.of(90), Float64Array.of(90));
    const mjdTt = mjdTtOfUtcMs(taiSecondsToUtcMs(visit.startTime));
    const known: KnownMover = {
      ssObjectId: 4_242,
      designation: '2026 PR7',
      elements: orbitSeenAt(target.ra[0]!, target.dec[0]!, mjdTt),
      hMag: 17,
      g: 0.15,
    };
    // a second known mover a degree away: predicted, but not on this detector
    const elsewhere: KnownMover = {
      ...known,
      ssObjectId: 4_243,
      designation: '2026 PR8',
      elements: orbitSeenAt(target.ra[0]! + 1, target.dec[0]!, mjdTt),
    };
    const dayObs = dayObsOf(taiSecondsToUtcMs(visit.startTime));
    await f.backends.central.put(
      'ssObjects',
      { instrument: 'LATISS', day_obs: dayObs },
      collections.ssObjects('LATISS'),
      moverCatalogBytes([known, elsewhere]),
    );

    const outcome = await runVisit(f, visit);
    expect(outcome.kind).toBe('processed');
    const alerts = await exportedAlerts(f, visit);
    expect(alerts).toHaveLength(3);
    const mover = alerts.find((a) => a.diaSource.ssObjectId !== null);
    expect(mover?.diaSource.x).toBe(90);
    expect(mover?.diaSource.ssObjectId).toBe(4_242);
    expect(mover?.diaSource.diaObjectId).toBeNull();
    expect(mover?.diaObject).toBeNull();
    const ss = mover?.ssSource;
    expect(ss?.ssObjectId).toBe(4_242);
    expect(ss?.designation).toBe('2026 PR7');
    expect(ss?.diaSourceId).toBe(mover?.diaSourceId);
    // the raw's clock runs on from the visit's start by seconds: 0.01″/s of main-belt motion
    expect(ss?.ephOffset).toBeLessThan(1);
    expect(ss?.topoRange).toBeGreaterThan(1);
    expect(ss?.helioRange).toBeGreaterThan(2.4);
    expect(ss?.ephRate).toBeGreaterThan(0.01);
    expect(ss?.ephRate).toBeLessThan(1);
    for (const a of alerts.filter((x) => x !== mover)) {
      expect(a.ssSource).toBeNull();
      expect(a.diaSource.diaObjectId).toBe(a.diaSource.diaSourceId);
    }
    const stored = await f.backends.apdb.visitDetectorSources(
      unpackDiaId(mover!.diaSourceId).visit,
      0,
    );
    expect(stored.filter((s) => s.ssObjectId === 4_242)).toHaveLength(1);
    expect(await f.backends.apdb.ssObjects([4_242, 4_243])).toEqual([
      expect.objectContaining({ ssObjectId: 4_242, designation: '2026 PR7' }),
    ]);
  });

  it('records failed, never a second write, when the slot dies between the APDB write and its outcome', async () => {
    f = await startPromptFixture({ pipelinesYaml: PLANTED, tasks: [plantedDiaTask] });
    const apdb = f.backends.apdb;
    const store = apdb.store.bind(apdb);
    let stores = 0;
    apdb.store = async (write, options) => {
      stores++;
      const receipt = await store(write, options);
      // the slot dies right after the APDB committed: no alerts, no outcome, no ack
      if (stores === 1) throw new Error('worker slot killed after the APDB write');
      return receipt;
    };
    const visit = f.nextVisit();
    const outcome = await runVisit(f, visit);
    expect(outcome.kind).toBe('failed');
    expect(outcome.code).toBe('PROMPTLY_E_APDB_ALREADY_WRITTEN');
    expect(outcome.deliveries).toBe(2);
    expect(stores).toBe(1); // the redelivery never tried to write
    const crashed = f.statusEvents.filter(
      (e) => e.activity === 'slot.crashed' && e.group === visit.groupId,
    );
    expect(crashed).toHaveLength(1);
    // the redelivery asked the APDB before computing, and wrote nothing
    expect(f.statusEvents.some((e) => e.activity === 'alerts.published')).toBe(false);
    const visitId = Number(/visit (\d+)/.exec(outcome.reason ?? '')?.[1]);
    expect(await apdb.visitDetectorSources(visitId, 0)).toHaveLength(3);
    expect(await apdb.written(visitId, 0)).toMatchObject({ diaSources: 3, diaObjects: 3 });
  });
});
