import { describe, expect, it } from 'vitest';
import { alertAvroType } from './alert-codec.js';
import { readAlertContainerHeader, encodeAlertContainer } from './alert-container.js';
import { ALERT_SCHEMA } from './alert-schema.js';
import { sampleAlert } from './sample-alerts.js';
import { rubinFieldLines, schemaFieldLines } from './testing/schema-field-lines.js';

describe('the alert schema', () => {
  it('lists every lsst.v11_0 field, with its name, type, default and order, and no other', () => {
    expect(schemaFieldLines(ALERT_SCHEMA)).toEqual(rubinFieldLines());
  });

  it('is written by avsc with the same fields, types and defaults as Rubin lists', () => {
    const written = alertAvroType().schema({ exportAttrs: true });
    expect(schemaFieldLines(written)).toEqual(rubinFieldLines());
  });

  it('is carried in alert container files with the same fields, types and defaults', async () => {
    const bytes = await encodeAlertContainer([await sampleAlert(1)]);
    const header = readAlertContainerHeader(bytes);
    // the header ends with the 16-byte sync marker, random bytes that may hold a '}'
    const text = Buffer.from(bytes.subarray(0, header.headerBytes - 16)).toString('latin1');
    const start = text.indexOf('{');
    const schemaJson = text.slice(start, text.lastIndexOf('}') + 1);
    expect(schemaFieldLines(JSON.parse(schemaJson))).toEqual(rubinFieldLines());
  });

  it('covers the records Rubin names: alert, diaSource, diaForcedSource, diaObject, ssSource, mpc_orbits', () => {
    const records = new Set(rubinFieldLines().map((l) => l.slice(0, l.indexOf('.'))));
    expect([...records]).toEqual([
      'alert',
      'diaSource',
      'diaForcedSource',
      'diaObject',
      'ssSource',
      'mpc_orbits',
    ]);
    expect(rubinFieldLines().length).toBe(298);
  });
});
