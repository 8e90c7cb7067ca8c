import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openRepo } from '../../cli/backends.js';
import type { FannedOutVisit } from '../../core/next-visit.js';
import { DATASET_TYPES, collections } from '../../registry/dataset-types.js';
import type { Repo } from '../../registry/repo.js';
import { createTaskContext } from './task-context.js';

const dirs: string[] = [];
const repos: Repo[] = [];
afterEach(async () => {
  for (const r of repos.splice(0)) await r.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function repo(): Promise<Repo> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'promptly-ctx-'));
  dirs.push(dir);
  const r = await openRepo(dir, { kind: 'sqlite' }, false);
  repos.push(r);
  return r;
}

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | undefined) => (b ? new TextDecoder().decode(b) : undefined);

describe('task inputs by data-ID rule', () => {
  it('copies a template of the asked patch (in the visit band) and the sky map in from the central repo on first use', async () => {
    const central = await repo();
    const local = await repo();
    const run = collections.templates('LATISS');
    await central.put(DATASET_TYPES.skyMap.name, { instrument: 'LATISS' }, run, bytes('map'));
    await central.put(
      DATASET_TYPES.template.name,
      { instrument: 'LATISS', band: 'r', patch: 100_000_000_007 },
      run,
      bytes('r-7'),
    );
    await central.put(
      DATASET_TYPES.template.name,
      { instrument: 'LATISS', band: 'g', patch: 100_000_000_007 },
      run,
      bytes('g-7'),
    );
    const context = createTaskContext({
      visit: {} as FannedOutVisit,
      dataId: { instrument: 'LATISS', detector: 0, group: 'g1', band: 'r' },
      local,
      central,
      raws: [],
      outputRun: 'LATISS/prompt/g1/0',
      timeMs: Date.UTC(2026, 11, 3),
      workDir: () => Promise.resolve('/tmp'),
      signal: new AbortController().signal,
      log: () => {},
      onOutput: () => {},
    });
    expect(text(await context.readInput('skyMap'))).toBe('map');
    expect(text(await context.readInput('template', { patch: 100_000_000_007 }))).toBe('r-7');
    expect(text(await context.readInput('template', { patch: 100_000_000_007, band: 'g' }))).toBe(
      'g-7',
    );
    expect(await context.readInput('template', { patch: 100_000_000_008 })).toBeUndefined();
    // A template needs its patch: without it there is no rule, so nothing.
    expect(await context.readInput('template')).toBeUndefined();
    // Copied, so the next visit of this slot finds it locally.
    const here = await local.registry.findDataset(
      'template',
      { instrument: 'LATISS', band: 'r', patch: 100_000_000_007 },
      [run],
    );
    expect(here).toBeDefined();
  });
});
