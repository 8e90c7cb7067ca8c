import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { AlertCodec, AlertPublisher, encodeAlertContainer, type Alert } from '../alerts/index.js';
import { sampleAlert } from '../alerts/sample-alerts.js';
import { createMemoryBus } from '../bus/memory/memory-bus.js';
import { alertJson, alertLine, registerAlertsCommands, tailAlerts } from './alerts-command.js';

const dir = mkdtempSync(join(tmpdir(), 'promptly-alerts-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

async function dump(args: string[]): Promise<string[]> {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(
      ...String(chunk)
        .split('\n')
        .filter((l) => l !== ''),
    );
    return true;
  });
  const program = new Command().exitOverride();
  registerAlertsCommands(program);
  await program.parseAsync(['node', 'promptly', 'alerts', 'dump', ...args]);
  vi.restoreAllMocks();
  return lines;
}

describe('promptly alerts dump', () => {
  it("prints a container file's alerts as JSON, one per line, cutouts as their length", async () => {
    const alerts = [await sampleAlert(1), await sampleAlert(2)];
    const file = join(dir, 'visit.avro');
    writeFileSync(file, await encodeAlertContainer(alerts));
    const lines = await dump([file]);
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0]!) as Record<string, unknown> & { diaSource: { ra: number } };
    expect(first['diaSourceId']).toBe(alerts[0]!.diaSourceId);
    expect(first['cutoutScience']).toEqual({ bytes: alerts[0]!.cutoutScience!.length });
    expect(first.diaSource.ra).toBe(alerts[0]!.diaSource.ra);
    expect(first['mpc_orbits']).toBeNull();
  });

  it('prints cutouts as base64 that decodes to the FITS bytes when asked', async () => {
    const alert = await sampleAlert(3);
    const file = join(dir, 'one.avro');
    writeFileSync(file, await encodeAlertContainer([alert]));
    const [line] = await dump([file, '--cutouts', 'base64']);
    const parsed = JSON.parse(line!) as { cutoutDifference: { base64: string } };
    const bytes = Buffer.from(parsed.cutoutDifference.base64, 'base64');
    expect(bytes.equals(Buffer.from(alert.cutoutDifference!))).toBe(true);
  });

  it('reads a single Confluent-framed alert too', async () => {
    const alert = await sampleAlert(4);
    const file = join(dir, 'framed.bin');
    writeFileSync(file, new AlertCodec().encode(alert));
    const lines = await dump([file]);
    expect(JSON.parse(lines[0]!)).toMatchObject({ diaSourceId: alert.diaSourceId });
  });

  it('fails with PROMPTLY_E_ALERT_MALFORMED on a file that is no alert', async () => {
    const file = join(dir, 'junk.txt');
    writeFileSync(file, 'hello');
    await expect(dump([file])).rejects.toMatchObject({ code: 'PROMPTLY_E_ALERT_MALFORMED' });
  });
});

describe('promptly alerts tail', () => {
  it('prints one line per alert published on the instrument, replaying the newest kept with --last', async () => {
    const bus = createMemoryBus();
    try {
      const publisher = new AlertPublisher({ bus, instrument: 'LATISS' });
      await publisher.start();
      const alerts: Alert[] = [await sampleAlert(5), await sampleAlert(6), await sampleAlert(7)];
      await publisher.publishAll(alerts.slice(0, 2));
      await bus.publish('alerts.LATISS', new Uint8Array([9, 9, 9]));
      const lines: string[] = [];
      const warnings: string[] = [];
      let listening!: () => void;
      const ready = new Promise<void>((r) => (listening = r));
      const tail = tailAlerts(bus, {
        instrument: 'LATISS',
        last: 2,
        count: 2,
        write: (l) => lines.push(l),
        warn: (l) => warnings.push(l),
        onListening: listening,
      });
      await ready;
      await publisher.publish(alerts[2]!);
      expect(await tail).toBe(2);
      expect(lines).toEqual([alertLine(alerts[1]!), alertLine(alerts[2]!)]);
      expect(warnings).toEqual([expect.stringMatching(/^PROMPTLY_E_ALERT_MALFORMED/)]);
    } finally {
      await bus.close();
    }
  });

  it('follows live when no ALERTS stream exists yet', async () => {
    const bus = createMemoryBus();
    try {
      const lines: string[] = [];
      const tail = tailAlerts(bus, {
        instrument: 'LATISS',
        count: 1,
        write: (l) => lines.push(l),
        warn: () => {},
      });
      await new Promise((r) => setTimeout(r, 20));
      const alert = await sampleAlert(8);
      await bus.publish('alerts.LATISS', new AlertCodec().encode(alert));
      expect(await tail).toBe(1);
      expect(lines[0]).toContain(`diaSourceId=${alert.diaSourceId}`);
    } finally {
      await bus.close();
    }
  });

  it('shows the fields a reader scans for', async () => {
    const line = alertLine(await sampleAlert(9));
    expect(line).toMatch(
      /^diaSourceId=\d+ diaObjectId=\d+ visit=\d+ detector=\d+ ra=150\.1\d+ dec=-30\.\d+ band=r /,
    );
    expect(line).toMatch(/prv=10 forced=10 cutouts=3$/);
    expect(alertJson(await sampleAlert(9))).toContain('"cutoutTemplate":{"bytes":');
  });
});
