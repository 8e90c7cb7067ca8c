import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envOverrides, loadConfig } from './config.js';

function tempFile(text: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'promptly-config-'));
  const file = path.join(dir, 'promptly.yaml');
  writeFileSync(file, text);
  return file;
}

describe('configuration', () => {
  it('fills defaults, resolves paths and freezes the result', () => {
    const config = loadConfig({ cwd: '/srv/pp' });
    expect(config.instrument).toBe('LSSTComCam');
    expect(config.worker.slots).toBe(18);
    expect(config.store).toMatchObject({ kind: 'fs', root: '/srv/pp/.promptly/store' });
    expect(Object.isFrozen(config.worker)).toBe(true);
  });

  it('lets env override the file and options override env', () => {
    const file = tempFile('instrument: LATISS\nworker:\n  imageTimeoutMs: 1000\n');
    const config = loadConfig({
      file,
      env: { PROMPTLY_WORKER__IMAGE_TIMEOUT_MS: '5000', PROMPTLY_SIM__SPEED: '3', HOME: '/x' },
      overrides: { sim: { speed: 7 } },
    });
    expect(config.instrument).toBe('LATISS');
    expect(config.worker.imageTimeoutMs).toBe(5000);
    expect(config.sim.speed).toBe(7);
    expect(config.worker.slots).toBe(2);
  });

  it('maps PROMPTLY_A__B_C to a.bC', () => {
    expect(envOverrides({ PROMPTLY_FANOUT__HTTP__PORT: '8080', OTHER: 'x' })).toEqual({
      fanout: { http: { port: 8080 } },
    });
  });

  it('rejects unknown keys and bad values, naming the line', () => {
    const file = tempFile(
      'instrument: LSSTCam\nworker:\n  slots: 4\n  slotz: 5\nsim:\n  speed: -1\n',
    );
    try {
      loadConfig({ file });
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'PROMPTLY_E_CONFIG_INVALID' });
      const message = (err as Error).message;
      expect(message).toContain(`${file}:4`);
      expect(message).toContain('slotz');
      expect(message).toContain(`${file}:6`);
    }
  });

  it('rejects an unknown instrument and a missing file with their codes', () => {
    expect(() => loadConfig({ overrides: { instrument: 'HSC' } })).toThrow(
      expect.objectContaining({ code: 'PROMPTLY_E_INSTRUMENT_UNKNOWN' }),
    );
    expect(() => loadConfig({ file: '/nonexistent/promptly.yaml' })).toThrow(
      expect.objectContaining({ code: 'PROMPTLY_E_CONFIG_NOT_FOUND' }),
    );
  });

  it('reports YAML syntax errors with their line', () => {
    const file = tempFile('instrument: LATISS\nworker: [\n');
    expect(() => loadConfig({ file })).toThrow(/promptly\.yaml:\d/);
  });
});
