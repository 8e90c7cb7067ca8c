import avsc from 'avsc';
import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../core/errors.js';
import { AlertCodec } from './alert-codec.js';
import {
  encodeAlertContainer,
  readAlertContainer,
  readAlertContainerHeader,
} from './alert-container.js';
import { sampleAlert } from './sample-alerts.js';

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    return isPromptlyError(err) ? err.code : `not a PromptlyError: ${String(err)}`;
  }
  return undefined;
}

describe('alert container files', () => {
  it('read back every alert in order, with deflate and without compression', async () => {
    const alerts = await Promise.all([1, 2, 3].map((s) => sampleAlert(s)));
    const codec = new AlertCodec();
    for (const compression of ['deflate', 'null'] as const) {
      const bytes = await encodeAlertContainer(alerts, { codec: compression, blockBytes: 4096 });
      expect(Buffer.from(bytes.subarray(0, 4)).toString('latin1')).toBe('Obj\x01');
      const back = await readAlertContainer(bytes);
      expect(back.map((a) => a.diaSourceId)).toEqual(alerts.map((a) => a.diaSourceId));
      back.forEach((a, i) =>
        expect(
          Buffer.from(codec.encodeBody(a)).equals(Buffer.from(codec.encodeBody(alerts[i]!))),
        ).toBe(true),
      );
      expect(readAlertContainerHeader(bytes).codec).toBe(compression);
    }
  });

  it('hold no alerts when given none, and read back as empty', async () => {
    expect(await readAlertContainer(await encodeAlertContainer([]))).toEqual([]);
  });

  it('are byte-identical for the same alerts and sync marker', async () => {
    const alerts = [await sampleAlert(4)];
    const syncMarker = new Uint8Array(16).fill(7);
    const a = await encodeAlertContainer(alerts, {
      syncMarker,
      metadata: { 'promptly.visit': '1' },
    });
    const b = await encodeAlertContainer(alerts, {
      syncMarker,
      metadata: { 'promptly.visit': '1' },
    });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(readAlertContainerHeader(a).metadata).toEqual({ 'promptly.visit': '1' });
  });

  it('report a truncated file, trailing bytes or garbage as PROMPTLY_E_ALERT_MALFORMED', async () => {
    const bytes = await encodeAlertContainer([await sampleAlert(5), await sampleAlert(6)], {
      codec: 'null',
      blockBytes: 4096,
    });
    const cases = [
      bytes.subarray(0, bytes.length - 7),
      bytes.subarray(0, 40),
      Uint8Array.of(...bytes, 1, 2, 3),
      new TextEncoder().encode('not an avro file at all'),
      new Uint8Array(0),
    ];
    for (const c of cases)
      expect(await codeOf(readAlertContainer(c))).toBe('PROMPTLY_E_ALERT_MALFORMED');
    const flipped = Uint8Array.from(bytes);
    const at = flipped.length - 3; // inside the last sync marker
    flipped[at] = flipped[at]! ^ 0xff;
    expect(await codeOf(readAlertContainer(flipped))).toBe('PROMPTLY_E_ALERT_MALFORMED');
  });

  it('refuse a file of another schema with PROMPTLY_E_ALERT_SCHEMA_UNKNOWN', async () => {
    const other = avsc.Type.forSchema({
      type: 'record',
      name: 'other',
      fields: [{ name: 'a', type: 'int' }],
    });
    const encoder = new avsc.streams.BlockEncoder(other);
    const chunks: Buffer[] = [];
    encoder.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise((r) => encoder.on('end', r));
    encoder.end({ a: 1 });
    await done;
    expect(await codeOf(readAlertContainer(Buffer.concat(chunks)))).toBe(
      'PROMPTLY_E_ALERT_SCHEMA_UNKNOWN',
    );
  });

  it('refuse an alert that does not fit the schema with PROMPTLY_E_ALERT_INVALID', async () => {
    const alert = await sampleAlert(7);
    const wrong = { ...alert, diaSourceId: 'x' } as unknown as typeof alert;
    expect(await codeOf(encodeAlertContainer([wrong]))).toBe('PROMPTLY_E_ALERT_INVALID');
    expect(await codeOf(encodeAlertContainer([alert], { blockBytes: 10 }))).toBe(
      'PROMPTLY_E_ALERT_INVALID',
    );
  });
});
