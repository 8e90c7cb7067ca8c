import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeJson } from '../bus/codec.js';
import { isPromptlyError } from '../core/errors.js';
import { subjects } from '../core/subjects.js';
import {
  FIXTURE_NAMES,
  fixtureBytes,
  fixtureJson,
  fixturePath,
  salNextVisit,
} from '../prompt/fanout/fixtures/sal-fixtures.js';
import { encodeNextVisitAvro } from '../prompt/fanout/intake/avro-codec.js';
import { startPromptFixture, type PromptFixture } from '../prompt/testing/prompt-fixture.js';
import { topologyNames } from '../prompt/topology.js';
import { registerNextVisitCommands, runSend, runValidate } from './next-visit-command.js';

describe('promptly next-visit validate', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'promptly-next-visit-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const file = async (name: string, content: string | Uint8Array): Promise<string> => {
    const p = path.join(dir, name);
    await writeFile(p, content);
    return p;
  };

  it('finds every committed fixture valid, saying how it was written', async () => {
    const expected: [string, string][] = [
      [FIXTURE_NAMES.salJson, 'valid next_visit (json)'],
      [FIXTURE_NAMES.avroPlain, 'valid next_visit (avro, schema id 2)'],
      [FIXTURE_NAMES.avroConfluent, 'valid next_visit (avro-confluent, schema id 2)'],
      [FIXTURE_NAMES.restProxyAvro, 'Kafka REST proxy body (avro, value schema id 2), 1 record(s)'],
      [FIXTURE_NAMES.restProxyJson, 'Kafka REST proxy body (json), 1 record(s)'],
    ];
    for (const [name, line] of expected) {
      const report = await runValidate(fixturePath(name));
      expect(report.ok).toBe(true);
      expect(report.output).toContain(line);
      expect(report.output).toContain('group 2024-09-12T03:25:11.314');
    }
  });

  it('prints one line per bad field of a JSON next_visit', async () => {
    const bad = { ...salNextVisit(), groupId: '%'.repeat(128), nimages: -1, exposureTime: 30 };
    const report = await runValidate(await file('bad.json', JSON.stringify(bad)));
    expect(report.ok).toBe(false);
    const lines = report.output.split('\n');
    expect(lines[0]).toMatch(/^invalid next_visit \(json\): PROMPTLY_E_NEXT_VISIT_INVALID/);
    expect(
      lines
        .slice(1)
        .map((l) => l.trim().split(':')[0])
        .sort(),
    ).toEqual(['exposureTime', 'groupId', 'nimages']);
  });

  it('names the differing fields of a REST proxy value schema, and bad records by index', async () => {
    const body = fixtureJson(FIXTURE_NAMES.restProxyAvro);
    const schema = JSON.parse(body.value_schema as string) as { fields: { name: string }[] };
    schema.fields = schema.fields.filter((f) => f.name !== 'filters');
    const mismatch = await runValidate(
      await file('schema.json', JSON.stringify({ ...body, value_schema: JSON.stringify(schema) })),
    );
    expect(mismatch.ok).toBe(false);
    expect(mismatch.output).toContain('PROMPTLY_E_NEXT_VISIT_SCHEMA_MISMATCH');
    expect(mismatch.output).toContain('  value_schema.filters: missing (expected string)');

    const records = [{ value: salNextVisit() }, { value: { ...salNextVisit(), dome: 7 } }];
    const badRecord = await runValidate(
      await file('records.json', JSON.stringify({ ...body, records })),
    );
    expect(badRecord.ok).toBe(false);
    expect(badRecord.output).toContain('record 0: valid');
    expect(badRecord.output).toContain('record 1: invalid: PROMPTLY_E_NEXT_VISIT_INVALID');
    expect(badRecord.output).toContain('  records.1.value.dome:');
  });

  it('reports Avro framed with an unknown schema id, or written with the older schema', async () => {
    const unknownId = fixtureBytes(FIXTURE_NAMES.avroConfluent).slice();
    unknownId[4] = 9;
    const unknown = await runValidate(await file('unknown.avro', unknownId));
    expect(unknown).toMatchObject({ ok: false });
    expect(unknown.output).toContain('PROMPTLY_E_NEXT_VISIT_SCHEMA_UNKNOWN');

    const { instrument: _i, ...older } = salNextVisit();
    const old = await runValidate(
      await file('old.avro', encodeNextVisitAvro(older, { framing: 'confluent', schemaId: 1 })),
    );
    expect(old.ok).toBe(false);
    expect(old.output).toContain('(avro-confluent, schema id 1)');
    expect(old.output).toContain('  instrument:');
  });

  it('runs as a command: exit code 0 for a valid file, 1 for an invalid one', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const saved = process.exitCode;
    try {
      const run = async (f: string): Promise<number | string | undefined> => {
        const program = new Command().exitOverride();
        registerNextVisitCommands(program);
        await program.parseAsync(['node', 'promptly', 'next-visit', 'validate', f]);
        return process.exitCode;
      };
      expect(await run(fixturePath(FIXTURE_NAMES.avroConfluent))).toBe(0);
      expect(await run(await file('junk.bin', 'not a visit'))).toBe(1);
      expect(write.mock.calls.map((c) => String(c[0])).join('')).toContain('neither JSON nor Avro');
    } finally {
      process.exitCode = saved;
      write.mockRestore();
    }
  });
});

describe('promptly next-visit send', () => {
  let f: PromptFixture;
  beforeAll(async () => {
    f = await startPromptFixture({ instrument: 'LSSTComCam', worker: { slots: 1 } });
    await f.service.worker.drain(); // keep the queue still so what was enqueued can be counted
  });
  afterAll(async () => {
    await f.close();
  });
  const pending = async (): Promise<number> =>
    (await f.backends.bus.queueInfo(topologyNames('LSSTComCam').workQueue)).pending;
  const base = { instrument: 'LSSTComCam', ra: '150.5', dec: '-30.25', band: 'i' };
  let group = 0;
  const nextGroup = (): string => `cli-${process.pid}-${Date.now()}-${++group}`;

  it('posts plain JSON with a SAL envelope to PROMPTLY_FANOUT_URL, which fans it out', async () => {
    const before = await pending();
    const work = await f.backends.bus.subscribe(subjects.work('LSSTComCam'));
    const groupId = nextGroup();
    const report = await runSend(
      { ...base, group: groupId },
      { PROMPTLY_FANOUT_URL: f.service.url },
    );
    expect(report.ok).toBe(true);
    expect(report.output).toContain('HTTP 202');
    expect(report.output).toContain('"status": "enqueued"');
    expect(await pending()).toBe(before + 9);
    for await (const m of work) {
      const item = decodeJson(m.data) as Record<string, unknown>;
      if (item.groupId !== groupId) continue;
      expect(item).toMatchObject({
        filters: 'i_06',
        position: [150.5, -30.25],
        private_identity: expect.stringMatching(/^promptly-cli@/),
        private_origin: process.pid,
      });
      break;
    }
  });

  it('posts a Kafka REST proxy Avro body when asked, and reads the per-record answer', async () => {
    const before = await pending();
    const report = await runSend({
      ...base,
      group: nextGroup(),
      url: f.service.url,
      format: 'rest-proxy',
    });
    expect(report.ok).toBe(true);
    expect(report.output).toContain('HTTP 200');
    expect(report.output).toContain('"value_schema_id": 2');
    expect(await pending()).toBe(before + 9);
  });

  it('fails (exit 1) when the fan-out refuses the visit, printing why', async () => {
    const report = await runSend({ ...base, instrument: 'LATISS', url: f.service.url });
    expect(report.ok).toBe(false);
    expect(report.output).toContain('HTTP 422');
    expect(report.output).toContain('PROMPTLY_E_INSTRUMENT_NOT_SERVED');
  });

  it('refuses bad options before posting, naming the field', () => {
    return expect(runSend({ ...base, ra: '361', url: f.service.url })).rejects.toSatisfy(
      (e) =>
        isPromptlyError(e, 'PROMPTLY_E_NEXT_VISIT_INVALID') &&
        e.details.some((d) => d.path === 'position.0'),
    );
  });

  it('says the fan-out is unreachable when nothing listens at the URL', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await expect(runSend({ ...base, url: `http://127.0.0.1:${port}` })).rejects.toSatisfy((e) =>
      isPromptlyError(e, 'PROMPTLY_E_FANOUT_UNREACHABLE'),
    );
  });
});
