import { symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterEach, describe, expect, it } from 'vitest';
import { startJobHarness, tokenOf, type JobHarness, TOKENS } from '../testing/job-harness.js';

const SPECS = `
jobTypes:
  env:
    description: Prints its environment.
    command: [/usr/bin/env]
    env: [DECLARED_VAR]
    setEnv: { FIXED_VAR: fixed }
  echo:
    command: [/bin/echo, "{message}", "{count}"]
    parameters:
      message: { type: string, default: hello, maxLength: 20 }
      count: { type: integer, min: 1, max: 5 }
      mode: { type: enum, values: [a, b], default: a }
  results:
    command: [/bin/sh, -c, 'echo ok > "$JOB_RESULTS_DIR/ok.txt"; mkdir "$JOB_RESULTS_DIR/sub"; echo deep > "$JOB_RESULTS_DIR/sub/d.txt"']
  wait-file:
    description: Runs until a file named release appears in its directory.
    command: [/bin/sh, -c, 'while [ ! -e release ]; do sleep 0.05; done; echo released']
  gated:
    command: [/bin/echo, "{image}"]
    parameters:
      image: { type: string, pattern: "[A-Za-z0-9_]+" }
    needs:
      - { kind: archived, instrument: LATISS, image: "{image}" }
    gateTimeoutS: 600
  gated-short:
    command: [/bin/echo, never]
    needs:
      - { kind: ingested, instrument: LATISS, image: LATISS_never_0 }
    gateTimeoutS: 1
`;

let h: JobHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const auth = (name: keyof typeof TOKENS): Record<string, string> => ({
  authorization: `Bearer ${tokenOf(name)}`,
});

async function submit(
  harness: JobHarness,
  body: object,
  who: keyof typeof TOKENS = 'alice',
  headers: Record<string, string> = {},
): Promise<{ statusCode: number; json: Record<string, unknown> }> {
  const r = await harness.app.inject({
    method: 'POST',
    url: '/api/v1/jobs',
    headers: { ...auth(who), ...headers },
    payload: body,
  });
  return { statusCode: r.statusCode, json: r.json() };
}

describe('job manager API', () => {
  it('passes a job only the variables its type declares: nothing else of the server environment', async () => {
    process.env.PROMPTLY_TEST_SECRET = 'must-not-leak';
    h = await startJobHarness({
      specs: SPECS,
      serverEnv: { ...(process.env as Record<string, string>), DECLARED_VAR: 'declared' },
    });
    const { statusCode, json } = await submit(h, { type: 'env' });
    expect(statusCode).toBe(201);
    const jobId = String(json.jobId);
    expect((await h.watch.until(jobId, 'ended')).phase).toBe('COMPLETED');
    const out = await h.app.inject({
      url: `/api/v1/jobs/${jobId}/logs/stdout`,
      headers: auth('alice'),
    });
    expect(out.statusCode).toBe(200);
    const vars = Object.fromEntries(
      out.body
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(vars).toEqual({
      DECLARED_VAR: 'declared',
      FIXED_VAR: 'fixed',
      JOB_ID: jobId,
      JOB_RESULTS_DIR: path.join(h.dir, 'jobs', jobId, 'results'),
    });
    delete process.env.PROMPTLY_TEST_SECRET;
  });

  it('ends a job in ERROR without running it when a declared variable is missing on the server', async () => {
    h = await startJobHarness({ specs: SPECS, serverEnv: {} });
    const { json } = await submit(h, { type: 'env' });
    const job = await h.watch.until(String(json.jobId), 'ended');
    expect(job).toMatchObject({ phase: 'ERROR', error: { code: 'PROMPTLY_E_JOB_ENV_MISSING' } });
    expect(job.batchId).toBeUndefined();
  });

  it('validates a request field by field, and refuses unknown types and parameters', async () => {
    h = await startJobHarness({ specs: SPECS });
    const bad = await submit(h, {
      type: 'echo',
      parameters: { message: 'x'.repeat(30), count: 9, extra: 1 },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json.code).toBe('PROMPTLY_E_JOB_INVALID');
    const paths = (bad.json.details as { path: string }[]).map((d) => d.path).sort();
    expect(paths).toEqual(['parameters.count', 'parameters.extra', 'parameters.message']);
    const missing = await submit(h, { type: 'echo' });
    expect((missing.json.details as { path: string }[]).map((d) => d.path)).toEqual([
      'parameters.count',
    ]);
    const schema = await submit(h, { parameters: {} });
    expect(schema.statusCode).toBe(422);
    expect((schema.json.details as { path: string }[]).map((d) => d.path)).toEqual(['body.type']);
    const unknown = await submit(h, { type: 'nope' });
    expect(unknown).toMatchObject({ statusCode: 422, json: { code: 'PROMPTLY_E_JOB_INVALID' } });
    const big = await submit(h, { type: 'echo', runId: 'x'.repeat(20_000) });
    expect(big.statusCode).toBe(422);
  });

  it('returns the first job for a repeated Idempotency-Key, with 200', async () => {
    h = await startJobHarness({ specs: SPECS });
    const body = { type: 'echo', parameters: { count: 2 } };
    const first = await submit(h, body, 'alice', { 'idempotency-key': 'night-42' });
    const again = await submit(h, body, 'alice', { 'idempotency-key': 'night-42' });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(again.json.jobId).toBe(first.json.jobId);
    const other = await submit(h, body, 'bob', { 'idempotency-key': 'night-42' });
    expect(other.json.jobId).not.toBe(first.json.jobId);
  });

  it("answers 401 without a known token, 403 without the scope, and hides other owners' jobs", async () => {
    h = await startJobHarness({ specs: SPECS });
    const none = await h.app.inject({
      method: 'POST',
      url: '/api/v1/jobs',
      payload: { type: 'echo' },
    });
    expect(none.statusCode).toBe(401);
    expect(none.json().code).toBe('PROMPTLY_E_UNAUTHENTICATED');
    const wrong = await h.app.inject({
      url: '/api/v1/jobs',
      headers: { authorization: 'Bearer not-a-known-token-at-all' },
    });
    expect(wrong.statusCode).toBe(401);
    const reader = await submit(h, { type: 'echo', parameters: { count: 1 } }, 'reader');
    expect(reader.statusCode).toBe(403);
    expect(reader.json.code).toBe('PROMPTLY_E_FORBIDDEN');
    const { json } = await submit(h, { type: 'echo', parameters: { count: 1 } });
    const jobId = String(json.jobId);
    expect(
      (await h.app.inject({ url: `/api/v1/jobs/${jobId}`, headers: auth('bob') })).statusCode,
    ).toBe(404);
    expect(
      (
        await h.app.inject({
          method: 'POST',
          url: `/api/v1/jobs/${jobId}/cancel`,
          headers: auth('bob'),
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (await h.app.inject({ url: `/api/v1/jobs/${jobId}`, headers: auth('reader') })).statusCode,
    ).toBe(200);
    expect(
      (await h.app.inject({ url: `/api/v1/jobs/${jobId}`, headers: auth('admin') })).statusCode,
    ).toBe(200);
    const bobs = await h.app.inject({ url: '/api/v1/jobs', headers: auth('bob') });
    expect(bobs.json()).toEqual({ jobs: [] });
    const all = await h.app.inject({
      url: '/api/v1/jobs?owner=alice&phase=PENDING&phase=QUEUED&phase=EXECUTING&phase=COMPLETED',
      headers: auth('admin'),
    });
    expect(all.json<{ jobs: unknown[] }>().jobs).toHaveLength(1);
  });

  it('serves results and logs from inside the job directory only: .., absolute paths and symbolic links are refused', async () => {
    h = await startJobHarness({ specs: SPECS });
    const { json } = await submit(h, { type: 'results' });
    const jobId = String(json.jobId);
    const done = await h.watch.until(jobId, 'ended');
    expect(done.phase).toBe('COMPLETED');
    expect(done.results).toEqual([
      { id: 'ok.txt', sizeBytes: 3 },
      { id: 'sub/d.txt', sizeBytes: 5 },
    ]);
    const get = (p: string): Promise<{ statusCode: number; body: string }> =>
      h!.app.inject({ url: `/api/v1/jobs/${jobId}/results/${p}`, headers: auth('alice') });
    expect((await get('ok.txt')).body).toBe('ok\n');
    expect((await get('sub/d.txt')).body).toBe('deep\n');
    const results = path.join(h.dir, 'jobs', jobId, 'results');
    await symlink('/etc/passwd', path.join(results, 'escape'));
    await symlink(path.join(results, 'ok.txt'), path.join(results, 'inside-link'));
    await symlink('/etc', path.join(results, 'dir-link'));
    await writeFile(path.join(h.dir, 'outside.txt'), 'secret');
    for (const p of [
      'escape',
      'inside-link',
      'dir-link/passwd',
      '..%2F..%2F..%2Foutside.txt',
      '../stdout.log',
      'sub/../../stdout.log',
      '%2Fetc%2Fpasswd',
      'sub%5C..%5Cok.txt',
    ]) {
      const r = await get(p);
      // refused (400); a raw `..` the URL parser resolves first leaves no route at all (404)
      expect({ p, status: r.statusCode }).toEqual({
        p,
        status: p.startsWith('../') || p.includes('/../') ? 404 : 400,
      });
      expect(r.body).not.toContain('root:');
    }
    expect((await get('missing.txt')).statusCode).toBe(404);
    const listing = await h.app.inject({
      url: `/api/v1/jobs/${jobId}/results`,
      headers: auth('alice'),
    });
    expect(listing.json<{ results: { id: string }[] }>().results.map((r) => r.id)).toEqual([
      'ok.txt',
      'sub/d.txt',
    ]);
  });

  it('keeps a job across a restart of the manager: the new one re-attaches to the running batch job', async () => {
    h = await startJobHarness({ specs: SPECS });
    const { json } = await submit(h, { type: 'wait-file' });
    const jobId = String(json.jobId);
    await h.watch.until(jobId, 'EXECUTING');
    await h.restart();
    const seen = await h.app.inject({ url: `/api/v1/jobs/${jobId}`, headers: auth('alice') });
    expect(seen.json()).toMatchObject({ phase: 'EXECUTING', jobId });
    await writeFile(path.join(h.dir, 'jobs', jobId, 'release'), '');
    const done = await h.watch.until(jobId, 'ended');
    expect(done).toMatchObject({ phase: 'COMPLETED', exitCode: 0 });
    const out = await h.app.inject({
      url: `/api/v1/jobs/${jobId}/logs/stdout`,
      headers: auth('alice'),
    });
    expect(out.body).toBe('released\n');
  });

  it('cancels a running job (ABORTED) and deletes it with its files', async () => {
    h = await startJobHarness({ specs: SPECS });
    const { json } = await submit(h, { type: 'wait-file' });
    const jobId = String(json.jobId);
    await h.watch.until(jobId, 'EXECUTING');
    const r = await h.app.inject({
      method: 'POST',
      url: `/api/v1/jobs/${jobId}/cancel`,
      headers: auth('alice'),
    });
    expect(r.json()).toMatchObject({ phase: 'ABORTED' });
    const del = await h.app.inject({
      method: 'DELETE',
      url: `/api/v1/jobs/${jobId}`,
      headers: auth('alice'),
    });
    expect(del.statusCode).toBe(204);
    expect(
      (await h.app.inject({ url: `/api/v1/jobs/${jobId}`, headers: auth('alice') })).statusCode,
    ).toBe(404);
  });

  it('starts a gated job when its data arrives, and ends one in ERROR when its gate times out', async () => {
    h = await startJobHarness({ specs: SPECS });
    const { json } = await submit(h, {
      type: 'gated',
      parameters: { image: 'LATISS_2026120400001_0' },
    });
    const jobId = String(json.jobId);
    expect(json.phase).toBe('PENDING');
    // another image arriving changes nothing
    await h.arrive('LATISS_2026120400002_0');
    expect((await h.manager.get(jobId)).phase).toBe('PENDING');
    await h.arrive('LATISS_2026120400001_0');
    const done = await h.watch.until(jobId, 'ended');
    expect(done).toMatchObject({ phase: 'COMPLETED', exitCode: 0 });
    const short = await submit(h, { type: 'gated-short' });
    const timedOut = await h.watch.until(String(short.json.jobId), 'ended');
    expect(timedOut).toMatchObject({
      phase: 'ERROR',
      error: { code: 'PROMPTLY_E_JOB_GATE_TIMEOUT' },
    });
    expect(timedOut.batchId).toBeUndefined();
  });

  it('starts a gated job at once when its data is already there', async () => {
    h = await startJobHarness({ specs: SPECS });
    h.present.add('archived/LATISS_1_0');
    const { json } = await submit(h, { type: 'gated', parameters: { image: 'LATISS_1_0' } });
    expect((await h.watch.until(String(json.jobId), 'ended')).phase).toBe('COMPLETED');
  });

  it('refuses a job over the per-owner limit of unfinished jobs', async () => {
    h = await startJobHarness({ specs: SPECS, maxJobsPerOwner: 1 });
    expect((await submit(h, { type: 'wait-file' })).statusCode).toBe(201);
    const over = await submit(h, { type: 'wait-file' });
    expect(over).toMatchObject({ statusCode: 429, json: { code: 'PROMPTLY_E_JOB_LIMIT' } });
    expect((await submit(h, { type: 'wait-file' }, 'bob')).statusCode).toBe(201);
    for (const j of await h.manager.list({ limit: 10 })) await h.manager.cancel(j.jobId);
  });

  it('serves an OpenAPI 3 document that validates and names every route, and the rendered docs', async () => {
    h = await startJobHarness({ specs: SPECS });
    const r = await h.app.inject({ url: '/openapi.json' });
    expect(r.statusCode).toBe(200);
    const doc = r.json<{ paths: Record<string, Record<string, unknown>> }>();
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const documented = Object.entries(doc.paths)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
      .sort();
    expect(documented).toEqual(
      [
        'DELETE /api/v1/jobs/{jobId}',
        'GET /api/v1/job-types',
        'GET /api/v1/jobs',
        'GET /api/v1/jobs/{jobId}',
        'GET /api/v1/jobs/{jobId}/logs/{stream}',
        'GET /api/v1/jobs/{jobId}/results',
        'GET /api/v1/jobs/{jobId}/results/{*}',
        'POST /api/v1/jobs',
        'POST /api/v1/jobs/{jobId}/cancel',
      ].sort(),
    );
    // every route the server has under /api is in the document, and nothing else
    expect(apiRoutes(h.app.printRoutes({ commonPrefix: false }))).toEqual(documented);
    const docs = await h.app.inject({ url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });
});

/** `METHOD /path/{param}` of every /api route in Fastify's route tree (HEAD left out). */
function apiRoutes(tree: string): string[] {
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)(?:├── |└── )(.+) \(([A-Z, ]+)\)$/.exec(line);
    if (!m) continue;
    const depth = (m[1] ?? '').length / 4;
    stack.length = depth;
    const parent = stack.join('');
    const part = m[2] ?? '';
    const full = parent && !part.startsWith('/') ? `${parent}/${part}` : `${parent}${part}`;
    stack.push(part.startsWith('/') || !parent ? part : `/${part}`);
    if (!full.startsWith('/api/')) continue;
    const openapi = full.replace(/:([A-Za-z]+)/g, '{$1}').replace(/\*$/, '{*}');
    for (const method of (m[3] ?? '').split(', ').filter((x) => x !== 'HEAD'))
      out.push(`${method} ${openapi}`);
  }
  return out.sort();
}
