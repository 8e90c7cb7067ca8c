import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../core/errors.js';
import { AlertCodec, DEFAULT_ALERT_SCHEMA_ID, alertAvroType } from './alert-codec.js';
import type { Alert } from './alert-schema.js';
import { frameConfluent, unframeConfluent } from './confluent-framing.js';
import { sampleAlert } from './sample-alerts.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isPromptlyError(err) ? err.code : `not a PromptlyError: ${String(err)}`;
  }
  return undefined;
}

describe('alert codec', () => {
  it('frames an alert as magic 0, the big-endian schema id, then the Avro body', async () => {
    const alert = await sampleAlert(3);
    const codec = new AlertCodec({ schemaId: 0x01020304 });
    const framed = codec.encode(alert);
    expect([...framed.subarray(0, 5)]).toEqual([0, 1, 2, 3, 4]);
    expect(Buffer.from(framed.subarray(5)).equals(alertAvroType().toBuffer(alert))).toBe(true);
    expect(Buffer.from(codec.encodeBody(alert)).equals(Buffer.from(framed.subarray(5)))).toBe(true);
  });

  it('decodes what it encodes: doubles exact, floats rounded to float32, bytes equal', async () => {
    const alert = await sampleAlert(4);
    const codec = new AlertCodec();
    const framed = codec.encode(alert);
    const back = codec.decode(framed);
    expect(Buffer.from(codec.encode(back)).equals(Buffer.from(framed))).toBe(true);
    expect(back.diaSource.ra).toBe(alert.diaSource.ra);
    expect(back.diaSource.midpointMjdTai).toBe(alert.diaSource.midpointMjdTai);
    expect(back.diaSource.raErr).toBe(Math.fround(2e-6));
    expect(back.diaSource.psfFlux).toBe(Math.fround(alert.diaSource.psfFlux!));
    expect(back.diaSource.band).toBe('r');
    expect(back.diaSource.trailFlux).toBeNull();
    expect(Buffer.from(back.cutoutScience!).equals(Buffer.from(alert.cutoutScience!))).toBe(true);
    expect(back.prvDiaSources).toHaveLength(10);
    expect(back.prvDiaForcedSources).toHaveLength(10);
    expect(back.diaObject?.r_psfFluxNdata).toBe(11);
    expect(back.mpc_orbits).toBeNull();
  });

  it('writes the default schema id 1100 unless told another', async () => {
    const framed = new AlertCodec().encode(await sampleAlert(5));
    expect(unframeConfluent(framed).schemaId).toBe(DEFAULT_ALERT_SCHEMA_ID);
    expect(DEFAULT_ALERT_SCHEMA_ID).toBe(1100);
  });

  it('accepts plain Uint8Array cutouts as well as Buffers', async () => {
    const alert = await sampleAlert(6);
    const plain: Alert = { ...alert, cutoutDifference: new Uint8Array([1, 2, 3]) };
    const back = new AlertCodec().decode(new AlertCodec().encode(plain));
    expect([...back.cutoutDifference!]).toEqual([1, 2, 3]);
  });

  it('refuses a schema id out of [0, 2^31 - 1] with PROMPTLY_E_ALERT_INVALID', () => {
    for (const id of [-1, 2 ** 31, 1.5, Number.NaN]) {
      expect(codeOf(() => new AlertCodec({ schemaId: id }))).toBe('PROMPTLY_E_ALERT_INVALID');
    }
  });

  it('refuses a framed alert of another schema id with PROMPTLY_E_ALERT_SCHEMA_UNKNOWN', async () => {
    const framed = new AlertCodec({ schemaId: 7 }).encode(await sampleAlert(7));
    expect(codeOf(() => new AlertCodec({ schemaId: 8 }).decode(framed))).toBe(
      'PROMPTLY_E_ALERT_SCHEMA_UNKNOWN',
    );
  });

  it('reports malformed input with PROMPTLY_E_ALERT_MALFORMED, never another error', async () => {
    const codec = new AlertCodec();
    const good = codec.encode(await sampleAlert(8));
    const bad: Uint8Array[] = [
      new Uint8Array(0),
      new Uint8Array([0, 0, 0]),
      Uint8Array.of(1, ...good.subarray(1)),
      frameConfluent(1100, new Uint8Array(0)),
      good.subarray(0, good.length - 1),
      Uint8Array.of(...good, 0),
      Uint8Array.of(0, 0x80, 0, 0, 0, ...good.subarray(5)),
    ];
    for (const bytes of bad)
      expect(codeOf(() => codec.decode(bytes))).toBe('PROMPTLY_E_ALERT_MALFORMED');
  });

  it('names the offending field when an alert does not fit the schema', async () => {
    const alert = await sampleAlert(9);
    const wrong = { ...alert, diaSource: { ...alert.diaSource, ra: 'east' } } as unknown as Alert;
    try {
      new AlertCodec().encode(wrong);
      expect.unreachable();
    } catch (err) {
      expect(isPromptlyError(err, 'PROMPTLY_E_ALERT_INVALID')).toBe(true);
      expect((err as Error).message).toContain('diaSource.ra');
    }
  });

  it('refuses longs beyond 2^53 rather than rounding them', async () => {
    const alert = await sampleAlert(10);
    expect(codeOf(() => new AlertCodec().encode({ ...alert, diaSourceId: 2 ** 60 }))).toBe(
      'PROMPTLY_E_ALERT_INVALID',
    );
  });
});
