import { readFile, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  ALERTS_STREAM,
  AlertCodec,
  DEFAULT_ALERT_SCHEMA_ID,
  MAX_ALERT_CONTAINER_BYTES,
  alertSubjects,
  decodeAlertContainer,
  type Alert,
} from '../alerts/index.js';
import type { Bus, BusMessage } from '../bus/bus.js';
import { loadConfig } from '../core/config.js';
import { PromptlyError, isPromptlyError } from '../core/errors.js';
import { openBus } from './backends.js';

/**
 * `promptly alerts dump FILE` and `promptly alerts tail`.
 *
 * dump prints one JSON object per line per alert. Cutouts (whole FITS files) are printed as
 * `{"bytes": <length>}` by default, or `{"base64": "..."}` with `--cutouts base64`; every
 * other field is as the schema has it (null where not measured).
 *
 * tail follows `alerts.<instrument>` on the deployment's bus (from the ALERTS stream when it
 * exists, so `--last N` replays the newest N first; live only when it does not) and prints
 * one line per alert; a message that does not decode prints its error code on stderr and
 * the tail goes on.
 */

/** How cutout bytes are shown in JSON. */
export type CutoutDisplay = 'length' | 'base64';

const CUTOUTS = ['cutoutDifference', 'cutoutScience', 'cutoutTemplate'] as const;

/** One alert as a JSON line (no trailing newline). */
export function alertJson(alert: Alert, cutouts: CutoutDisplay = 'length'): string {
  const out: Record<string, unknown> = { ...alert };
  for (const name of CUTOUTS) {
    const bytes = alert[name];
    out[name] =
      bytes === null
        ? null
        : cutouts === 'base64'
          ? { base64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64') }
          : { bytes: bytes.length };
  }
  return JSON.stringify(out);
}

const num = (v: number | null, digits: number): string => (v === null ? '-' : v.toFixed(digits));

/** One alert as a short line: ids, position, band, flux, S/N, history and cutouts. */
export function alertLine(alert: Alert): string {
  const s = alert.diaSource;
  const cutouts = CUTOUTS.filter((c) => alert[c] !== null).length;
  return [
    `diaSourceId=${alert.diaSourceId}`,
    `diaObjectId=${s.diaObjectId ?? '-'}`,
    `visit=${s.visit}`,
    `detector=${s.detector}`,
    `ra=${s.ra.toFixed(6)}`,
    `dec=${s.dec.toFixed(6)}`,
    `band=${s.band ?? '-'}`,
    `psfFlux=${num(s.psfFlux, 1)}nJy`,
    `snr=${num(s.snr, 1)}`,
    `reliability=${num(s.reliability, 2)}`,
    `prv=${alert.prvDiaSources?.length ?? 0}`,
    `forced=${alert.prvDiaForcedSources?.length ?? 0}`,
    `cutouts=${cutouts}`,
  ].join(' ');
}

/** The alerts of a file: an Avro container file, or one Confluent-framed alert. */
export async function* readAlertFile(
  file: string,
  schemaId: number = DEFAULT_ALERT_SCHEMA_ID,
): AsyncGenerator<Alert> {
  const size = (await stat(file)).size;
  if (size > MAX_ALERT_CONTAINER_BYTES) {
    throw new PromptlyError(
      'PROMPTLY_E_ALERT_MALFORMED',
      `${file} is ${size} bytes, more than ${MAX_ALERT_CONTAINER_BYTES}`,
    );
  }
  const bytes = await readFile(file);
  if (bytes.length > 0 && bytes[0] === 0) {
    yield new AlertCodec({ schemaId }).decode(bytes);
    return;
  }
  yield* decodeAlertContainer(bytes);
}

/** Options of {@link tailAlerts}. */
export interface TailOptions {
  readonly instrument: string;
  readonly schemaId?: number;
  /** Replay the newest N alerts kept before following, integer in [0, 1 000 000]; default 0. */
  readonly last?: number;
  /** Stop after this many alerts, integer ≥ 1; default: follow until the signal fires. */
  readonly count?: number;
  readonly signal?: AbortSignal;
  /** Receives each output line (no newline). */
  readonly write: (line: string) => void;
  /** Receives each undecodable message's error line. */
  readonly warn: (line: string) => void;
  /** Called once the tail is listening: nothing published after it is missed. */
  readonly onListening?: () => void;
}

/** Follows the alerts of one instrument on `bus`; resolves with the number printed. */
export async function tailAlerts(bus: Bus, options: TailOptions): Promise<number> {
  const last = options.last ?? 0;
  if (!Number.isInteger(last) || last < 0 || last > 1_000_000) {
    throw new PromptlyError(
      'PROMPTLY_E_CONFIG_INVALID',
      `--last must be an integer in [0, 1000000], got ${last}`,
    );
  }
  const count = options.count;
  if (count !== undefined && (!Number.isInteger(count) || count < 1)) {
    throw new PromptlyError(
      'PROMPTLY_E_CONFIG_INVALID',
      `--count must be an integer >= 1, got ${count}`,
    );
  }
  const codec = new AlertCodec(
    options.schemaId === undefined ? {} : { schemaId: options.schemaId },
  );
  const subject = alertSubjects.alerts(options.instrument);
  const signal = options.signal;
  let source: AsyncIterable<BusMessage> & { close(): Promise<void> };
  try {
    source = await bus.readStream(ALERTS_STREAM.name, {
      deliver: last > 0 ? { kind: 'last', count: last } : { kind: 'new' },
      filter: subject,
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    if (!isPromptlyError(err, 'PROMPTLY_E_BUS_NO_STREAM')) throw err;
    source = await bus.subscribe(subject, signal ? { signal } : {});
  }
  options.onListening?.();
  let printed = 0;
  try {
    for await (const message of source) {
      try {
        options.write(alertLine(codec.decode(message.data)));
      } catch (err) {
        const code = isPromptlyError(err) ? err.code : 'PROMPTLY_E_INTERNAL';
        options.warn(`${code}: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      printed++;
      if (count !== undefined && printed >= count) break;
    }
  } finally {
    await source.close();
  }
  return printed;
}

function integer(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
      throw new PromptlyError(
        'PROMPTLY_E_CONFIG_INVALID',
        `${name} must be a non-negative integer, got ${value}`,
      );
    }
    return n;
  };
}

/** Registers `alerts dump` and `alerts tail`. */
export function registerAlertsCommands(program: Command): void {
  const alerts = program
    .command('alerts')
    .description('Read alerts: from files, or as they are published.');
  alerts
    .command('dump')
    .description(
      'Print the alerts of an Avro container file (or one framed alert) as JSON, one per line.',
    )
    .argument('<file>', 'alert file (.avro container, or Confluent-framed bytes)')
    .option(
      '--cutouts <mode>',
      'cutout bytes as their length or as base64: length | base64',
      'length',
    )
    .option(
      '--schema-id <id>',
      'schema id of a framed alert',
      integer('--schema-id'),
      DEFAULT_ALERT_SCHEMA_ID,
    )
    .action(async (file: string, o: { cutouts: string; schemaId: number }) => {
      if (o.cutouts !== 'length' && o.cutouts !== 'base64') {
        throw new PromptlyError(
          'PROMPTLY_E_CONFIG_INVALID',
          `--cutouts must be length or base64, got ${o.cutouts}`,
        );
      }
      for await (const alert of readAlertFile(file, o.schemaId)) {
        process.stdout.write(`${alertJson(alert, o.cutouts)}\n`);
      }
    });
  alerts
    .command('tail')
    .description("Follow a deployment's alert stream, one line per alert.")
    .option('-c, --config <file>', 'YAML configuration of the deployment')
    .option('-i, --instrument <name>', "instrument (default: the config's)")
    .option('--last <n>', 'first replay the newest n alerts kept', integer('--last'), 0)
    .option('--count <n>', 'stop after n alerts', integer('--count'))
    .option(
      '--schema-id <id>',
      'schema id the alerts are framed with',
      integer('--schema-id'),
      DEFAULT_ALERT_SCHEMA_ID,
    )
    .action(
      async (o: {
        config?: string;
        instrument?: string;
        last: number;
        count?: number;
        schemaId: number;
      }) => {
        const config = loadConfig({ ...(o.config ? { file: o.config } : {}), env: process.env });
        const bus = await openBus(config);
        const stop = new AbortController();
        const onSignal = (): void => stop.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        try {
          await tailAlerts(bus, {
            instrument: o.instrument ?? config.instrument,
            schemaId: o.schemaId,
            last: o.last,
            ...(o.count !== undefined ? { count: o.count } : {}),
            signal: stop.signal,
            write: (line) => process.stdout.write(`${line}\n`),
            warn: (line) => process.stderr.write(`${line}\n`),
          });
        } catch (err) {
          if (!isPromptlyError(err, 'PROMPTLY_E_ABORTED')) throw err;
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          await bus.close();
        }
      },
    );
}
