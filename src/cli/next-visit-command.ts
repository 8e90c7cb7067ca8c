import { readFile } from 'node:fs/promises';
import os from 'node:os';
import type { Command } from 'commander';
import { currentNextVisitSchema } from '../core/avro/next-visit-schemas.js';
import { PromptlyError, isPromptlyError, type ErrorDetail } from '../core/errors.js';
import { getInstrument } from '../core/instruments.js';
import {
  CoordSys,
  Dome,
  NEXT_VISIT_LIMITS,
  RotSys,
  parseNextVisit,
  type NextVisit,
} from '../core/next-visit.js';
import { isoNoZone, utcMsToTaiSeconds } from '../core/time.js';
import { decodeNextVisitBytes } from '../prompt/fanout/intake/next-visit-decoder.js';
import { REST_PROXY_MEDIA_TYPES, checkRestProxyBody } from '../prompt/fanout/intake/rest-proxy.js';
import { physicalFilterOf } from '../sim/night-plan.js';

/** Where `next-visit send` posts when neither `--url` nor `PROMPTLY_FANOUT_URL` says. */
export const DEFAULT_FANOUT_URL = 'http://127.0.0.1:8080';

/** Options of `promptly next-visit send`, as commander parses them (strings). */
export interface SendOptions {
  readonly instrument: string;
  readonly ra: string;
  readonly dec: string;
  readonly band: string;
  readonly url?: string | undefined;
  readonly group?: string | undefined;
  readonly nimages?: string | undefined;
  readonly duration?: string | undefined;
  readonly survey?: string | undefined;
  /** Seconds from now to the visit's expected start (default 20, the summit's least lead). */
  readonly lead?: string | undefined;
  readonly format?: string | undefined;
  /** How long to wait for the fan-out's answer, ms (default 10 000). */
  readonly timeoutMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** What a command prints, and whether it succeeded (exit code 0) or not (1). */
export interface CommandReport {
  readonly ok: boolean;
  readonly output: string;
}

function numberOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) {
    throw new PromptlyError(
      'PROMPTLY_E_CONFIG_INVALID',
      `--${name} must be a number, got "${value}"`,
    );
  }
  return n;
}

/**
 * The next_visit `send` posts: ICRS (ra, dec), the instrument's physical filter for `band`,
 * sent now, starting `lead` s from now, with a SAL envelope as the summit writes one
 * (identity `promptly-cli@<host>`, origin the process id; `private_kafkaStamp` 0 = not set,
 * as the event does not pass through Kafka). Validated like intake does; a bad option is a
 * field-level PROMPTLY_E_NEXT_VISIT_INVALID.
 */
export function buildNextVisit(o: SendOptions, nowMs: number): NextVisit {
  if (!/^[ugrizy]$/.test(o.band)) {
    throw new PromptlyError(
      'PROMPTLY_E_CONFIG_INVALID',
      `--band must be one of u g r i z y, got "${o.band}"`,
    );
  }
  const instrument = getInstrument(o.instrument);
  const nowTaiS = utcMsToTaiSeconds(nowMs);
  return parseNextVisit({
    salIndex: instrument.name === 'LATISS' ? 2 : 1,
    scriptSalIndex: 0,
    groupId: o.group ?? isoNoZone(nowMs),
    coordinateSystem: CoordSys.ICRS,
    position: [numberOption('ra', o.ra, Number.NaN), numberOption('dec', o.dec, Number.NaN)],
    startTime: nowTaiS + numberOption('lead', o.lead, 20),
    rotationSystem: RotSys.SKY,
    cameraAngle: 0,
    filters: physicalFilterOf(instrument.name, o.band),
    dome: Dome.OPEN,
    duration: numberOption('duration', o.duration, 30),
    nimages: numberOption('nimages', o.nimages, 1),
    instrument: instrument.name,
    survey: o.survey ?? '',
    totalCheckpoints: 0,
    private_sndStamp: nowTaiS,
    private_efdStamp: nowMs / 1000,
    private_kafkaStamp: 0,
    private_rcvStamp: nowTaiS,
    private_revCode: '',
    private_seqNum: 0,
    private_identity: `promptly-cli@${os.hostname()}`.slice(0, NEXT_VISIT_LIMITS.identityMaxChars),
    private_origin: process.pid,
  });
}

/** The fan-out URL `send` posts to: `--url`, else PROMPTLY_FANOUT_URL, else the default. */
export function fanoutUrl(
  o: Pick<SendOptions, 'url'>,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return o.url ?? env.PROMPTLY_FANOUT_URL ?? DEFAULT_FANOUT_URL;
}

/**
 * `promptly next-visit send`: builds a next_visit and posts it to `<url>/next-visit`, as
 * plain JSON (`--format json`, default) or as a Kafka REST proxy Avro body (`rest-proxy`).
 * Succeeds when the fan-out accepted it (2xx, and no record error for rest-proxy). Throws
 * PROMPTLY_E_FANOUT_UNREACHABLE when there is no answer.
 */
export async function runSend(
  o: SendOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CommandReport> {
  const format = o.format ?? 'json';
  if (format !== 'json' && format !== 'rest-proxy') {
    throw new PromptlyError(
      'PROMPTLY_E_CONFIG_INVALID',
      `--format must be json or rest-proxy, got "${format}"`,
    );
  }
  const visit = buildNextVisit(o, Date.now());
  const body =
    format === 'json'
      ? visit
      : {
          value_schema: JSON.stringify(currentNextVisitSchema().schema),
          records: [{ value: visit }],
        };
  const url = new URL('next-visit', fanoutUrl(o, env).replace(/\/?$/, '/')).href;
  const timeout = AbortSignal.timeout(o.timeoutMs ?? 10_000);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': format === 'json' ? 'application/json' : REST_PROXY_MEDIA_TYPES.avro,
      },
      body: JSON.stringify(body),
      signal: o.signal ? AbortSignal.any([o.signal, timeout]) : timeout,
    });
  } catch (err) {
    throw new PromptlyError(
      'PROMPTLY_E_FANOUT_UNREACHABLE',
      `no answer from ${url}: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  const text = await res.text();
  let answer: unknown = text;
  try {
    answer = JSON.parse(text) as unknown;
  } catch {
    // not JSON: printed as it came
  }
  const recordErrors =
    format === 'rest-proxy' &&
    ((answer as { offsets?: { error_code?: unknown }[] } | null)?.offsets ?? []).some(
      (offset) => offset.error_code !== null,
    );
  const shown = typeof answer === 'string' ? answer : JSON.stringify(answer, null, 2);
  return {
    ok: res.ok && !recordErrors,
    output: `POST ${url} (${format}, group ${visit.groupId})\nHTTP ${res.status}\n${shown}`,
  };
}

function detailLines(details: readonly ErrorDetail[]): string[] {
  return details.map((d) => `  ${d.path ?? '(root)'}: ${d.message}`);
}

function visitLine(visit: NextVisit): string {
  return `group ${visit.groupId}, instrument ${visit.instrument}, ${visit.nimages} snap(s), filters "${visit.filters}"`;
}

/**
 * `promptly next-visit validate FILE`: checks a message offline as intake would (expiry and
 * "served here" aside, which depend on when and where it arrives): a next_visit as JSON,
 * a Kafka REST proxy body (JSON with `records`), or Avro binary, plain or Confluent-framed.
 * Prints field-level errors; ok only when every next_visit in it is valid.
 */
export async function runValidate(file: string, signal?: AbortSignal): Promise<CommandReport> {
  const bytes = new Uint8Array(await readFile(file, { signal }));
  let decoded: ReturnType<typeof decodeNextVisitBytes>;
  try {
    decoded = decodeNextVisitBytes(bytes);
  } catch (err) {
    if (!isPromptlyError(err)) throw err;
    return { ok: false, output: `invalid: ${err.code}: ${err.message}` };
  }
  const how =
    decoded.schemaId === undefined
      ? decoded.format
      : `${decoded.format}, schema id ${decoded.schemaId}`;
  const value = decoded.value;
  if (
    decoded.format === 'json' &&
    typeof value === 'object' &&
    value !== null &&
    'records' in value
  ) {
    const embedded = 'value_schema' in value || 'value_schema_id' in value ? 'avro' : 'json';
    const checked = checkRestProxyBody(value, embedded);
    if (!checked.ok) {
      const { code, message, details } = checked.error;
      return {
        ok: false,
        output: [
          `invalid Kafka REST proxy body (${embedded}): ${code}: ${message}`,
          ...detailLines(details),
        ].join('\n'),
      };
    }
    const lines = [
      `Kafka REST proxy body (${embedded}${checked.valueSchemaId === null ? '' : `, value schema id ${checked.valueSchemaId}`}), ${checked.records.length} record(s):`,
    ];
    for (const [i, r] of checked.records.entries()) {
      if (r.ok) lines.push(`record ${i}: valid: ${visitLine(r.visit)}`);
      else lines.push(`record ${i}: invalid: ${r.error.code}`, ...detailLines(r.error.details));
    }
    return { ok: checked.records.every((r) => r.ok), output: lines.join('\n') };
  }
  try {
    const visit = parseNextVisit(value);
    getInstrument(visit.instrument);
    return { ok: true, output: `valid next_visit (${how}): ${visitLine(visit)}` };
  } catch (err) {
    if (!isPromptlyError(err)) throw err;
    const lines = [`invalid next_visit (${how}): ${err.code}: ${err.message}`];
    return { ok: false, output: [...lines, ...detailLines(err.details)].join('\n') };
  }
}

/** Registers `promptly next-visit send|validate`. */
export function registerNextVisitCommands(program: Command): void {
  const group = program
    .command('next-visit')
    .description(
      'Send or check a next_visit as the summit writes it (SAL envelope, Kafka REST, Avro).',
    );
  group
    .command('send')
    .description(
      `Build a next_visit and POST it to the fan-out (default $PROMPTLY_FANOUT_URL or ${DEFAULT_FANOUT_URL}).`,
    )
    .requiredOption('--instrument <name>', 'instrument, e.g. LSSTComCam')
    .requiredOption('--ra <deg>', 'right ascension, degrees [0, 360)')
    .requiredOption('--dec <deg>', 'declination, degrees [-90, 90]')
    .requiredOption('--band <letter>', 'u g r i z or y')
    .option('--url <url>', 'fan-out base URL')
    .option('--group <id>', 'group id (default: now, ISO)')
    .option('--nimages <n>', 'snaps in the visit', '1')
    .option('--duration <s>', 'script duration, seconds', '30')
    .option('--survey <name>', 'survey name', '')
    .option('--lead <s>', 'seconds from now to the expected start', '20')
    .option('--format <format>', 'json or rest-proxy', 'json')
    .action(async (o: SendOptions) => {
      const report = await runSend(o);
      process.stdout.write(`${report.output}\n`);
      process.exitCode = report.ok ? 0 : 1;
    });
  group
    .command('validate <file>')
    .description(
      'Check a next_visit file offline (JSON, REST proxy JSON, plain or Confluent-framed Avro); exit 0 valid, 1 invalid.',
    )
    .action(async (file: string) => {
      const report = await runValidate(file);
      process.stdout.write(`${report.output}\n`);
      process.exitCode = report.ok ? 0 : 1;
    });
}
