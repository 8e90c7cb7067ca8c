import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BusMessage } from '../bus/bus.js';
import { createMemoryBus } from '../bus/memory/memory-bus.js';
import { isPromptlyError } from '../core/errors.js';
import { createFsObjectStore } from '../store/fs/fs-object-store.js';
import { AlertCodec } from './alert-codec.js';
import { ALERT_SOURCE_HEADER, AlertPublisher } from './alert-publisher.js';
import { ALERTS_STREAM } from './alert-subjects.js';
import { sampleAlert } from './sample-alerts.js';
import { alertFileKey, readVisitAlerts, writeVisitAlerts } from './visit-alert-files.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('AlertPublisher', () => {
  it('publishes framed alerts on alerts.<instrument> that a reader decodes, and keeps them in the ALERTS stream', async () => {
    const bus = createMemoryBus();
    cleanups.push(() => bus.close());
    const publisher = new AlertPublisher({
      bus,
      instrument: 'LATISS',
      schemaId: 42,
      maxInFlight: 2,
    });
    await publisher.start();
    const sub = await bus.subscribe('alerts.LATISS');
    const alerts = await Promise.all([1, 2, 3].map((s) => sampleAlert(s)));
    expect(await publisher.publishAll(alerts)).toBe(3);
    const got: BusMessage[] = [];
    for await (const m of sub) {
      got.push(m);
      if (got.length === 3) break;
    }
    const codec = new AlertCodec({ schemaId: 42 });
    expect(got.map((m) => codec.decode(m.data).diaSourceId)).toEqual(
      alerts.map((a) => a.diaSourceId),
    );
    expect(got[0]?.headers?.[ALERT_SOURCE_HEADER]).toBe(String(alerts[0]!.diaSourceId));
    expect((await bus.streamInfo(ALERTS_STREAM.name)).messages).toBe(3);
  });

  it('publishes nothing when one alert of a batch does not fit the schema', async () => {
    const bus = createMemoryBus();
    cleanups.push(() => bus.close());
    const publisher = new AlertPublisher({ bus, instrument: 'LATISS' });
    await publisher.start();
    const good = await sampleAlert(4);
    const bad = { ...good, diaSourceId: 'x' } as unknown as typeof good;
    const err = await publisher.publishAll([good, bad]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isPromptlyError(err, 'PROMPTLY_E_ALERT_INVALID')).toBe(true);
    expect((await bus.streamInfo(ALERTS_STREAM.name)).messages).toBe(0);
  });

  it('refuses maxInFlight out of [1, 1024]', () => {
    const bus = createMemoryBus();
    cleanups.push(() => bus.close());
    expect(() => new AlertPublisher({ bus, instrument: 'LATISS', maxInFlight: 0 })).toThrow(
      /maxInFlight/,
    );
  });
});

describe('visit alert files', () => {
  async function store() {
    const root = mkdtempSync(join(tmpdir(), 'promptly-alerts-'));
    const s = await createFsObjectStore({ root, bucket: 'repo', durable: false });
    cleanups.push(async () => {
      await s.close();
      rmSync(root, { recursive: true, force: true });
    });
    return s;
  }

  it('are written once per visit-detector under alerts/<instrument>/<visit>/ and read back per visit', async () => {
    const s = await store();
    const a = [await sampleAlert(1), await sampleAlert(2)];
    const b = [await sampleAlert(3)];
    const where = { instrument: 'LATISS', visit: 2026050100042 };
    const first = await writeVisitAlerts(s, { ...where, detector: 0 }, a);
    await writeVisitAlerts(s, { ...where, detector: 1 }, b);
    expect(first).toMatchObject({
      key: 'alerts/LATISS/2026050100042/2026050100042_000.avro',
      alerts: 2,
      created: true,
    });
    const ids: number[] = [];
    for await (const alert of readVisitAlerts(s, 'LATISS', where.visit))
      ids.push(alert.diaSourceId);
    expect(ids).toEqual([...a, ...b].map((x) => x.diaSourceId));
  });

  it('accept a rerun with the same alerts and refuse one with different alerts', async () => {
    const s = await store();
    const where = { instrument: 'LATISS', visit: 7, detector: 3 };
    const alerts = [await sampleAlert(5)];
    await writeVisitAlerts(s, where, alerts);
    expect((await writeVisitAlerts(s, where, alerts)).created).toBe(false);
    const err = await writeVisitAlerts(s, where, [await sampleAlert(6)]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isPromptlyError(err, 'PROMPTLY_E_STORE_EXISTS')).toBe(true);
  });

  it('refuse keys built from unsafe instrument names or ids', () => {
    expect(() => alertFileKey('../x', 1, 0)).toThrow(/instrument/);
    expect(() => alertFileKey('LATISS', -1, 0)).toThrow(/visit/);
    expect(() => alertFileKey('LATISS', 1, 10_000)).toThrow(/detector/);
  });
});
