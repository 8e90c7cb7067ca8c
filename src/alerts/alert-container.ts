import avsc from 'avsc';
import { PromptlyError, throwIfAborted } from '../core/errors.js';
import { alertAvroType, avroReady, clip } from './alert-codec.js';
import type { Alert } from './alert-schema.js';

/**
 * Avro object container files of alerts (the format `fastavro` and Rubin's tools read): the
 * header carries the writer's schema, then blocks of alerts, each ended by the file's sync
 * marker. Written with avsc's BlockEncoder and read with its BlockDecoder; the reader also
 * checks that the header and blocks account for every byte, because the decoder alone
 * ends quietly on a truncated file.
 */

/** Largest container accepted by the reader, bytes (a full LSST visit's alerts are ~300 MB). */
export const MAX_ALERT_CONTAINER_BYTES = 1024 * 1024 * 1024;

/** Block compression: `deflate` (raw DEFLATE, Avro's standard codec) or `null` (none). */
export type AlertContainerCodec = 'null' | 'deflate';

/** Options of {@link encodeAlertContainer}. */
export interface EncodeAlertContainerOptions {
  /** Default `deflate`: cutouts and sparse records compress about 2×. */
  readonly codec?: AlertContainerCodec;
  /** Uncompressed bytes per block before it is flushed, integer in [4 KiB, 64 MiB]; default 1 MiB. */
  readonly blockBytes?: number;
  /**
   * The 16-byte sync marker. Default: random, as Avro writers do. Give a fixed one (e.g. a
   * hash of the visit-detector) to write byte-identical files for identical alerts.
   */
  readonly syncMarker?: Uint8Array;
  /** Extra header metadata, `promptly.*` keys by convention; UTF-8 strings. */
  readonly metadata?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

const HEADER_TYPE = avsc.Type.forSchema({
  type: 'record',
  name: 'org.apache.avro.file.Header',
  fields: [
    { name: 'magic', type: { type: 'fixed', name: 'Magic', size: 4 } },
    { name: 'meta', type: { type: 'map', values: 'bytes' } },
    { name: 'sync', type: { type: 'fixed', name: 'Sync', size: 16 } },
  ],
});
const LONG_TYPE = avsc.Type.forSchema('long');
const MAGIC = Buffer.from([0x4f, 0x62, 0x6a, 0x01]);
const SYNC_BYTES = 16;

function malformed(message: string, cause?: unknown): PromptlyError {
  return new PromptlyError(
    'PROMPTLY_E_ALERT_MALFORMED',
    message,
    cause === undefined ? {} : { cause },
  );
}

function invalid(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_ALERT_INVALID', message);
}

/** Encodes `alerts` as one object container file held in memory. */
export async function encodeAlertContainer(
  alerts: Iterable<Alert>,
  options: EncodeAlertContainerOptions = {},
): Promise<Uint8Array> {
  throwIfAborted(options.signal);
  const blockBytes = options.blockBytes ?? 1024 * 1024;
  if (!Number.isInteger(blockBytes) || blockBytes < 4096 || blockBytes > 64 * 1024 * 1024) {
    throw invalid(`blockBytes must be an integer in [4096, 67108864], got ${blockBytes}`);
  }
  if (options.syncMarker !== undefined && options.syncMarker.length !== SYNC_BYTES) {
    throw invalid(`syncMarker must be ${SYNC_BYTES} bytes, got ${options.syncMarker.length}`);
  }
  const metadata: Record<string, Buffer> = {};
  for (const [key, value] of Object.entries(options.metadata ?? {})) {
    if (key.startsWith('avro.')) throw invalid(`metadata key ${key} is reserved by Avro`);
    metadata[key] = Buffer.from(value, 'utf8');
  }
  const encoder = new avsc.streams.BlockEncoder(alertAvroType(), {
    codec: options.codec ?? 'deflate',
    blockSize: blockBytes,
    ...(options.syncMarker ? { syncMarker: Buffer.from(options.syncMarker) } : {}),
    metadata,
    // The header even when no alert follows: an empty visit-detector still has a valid file.
    writeHeader: 'always',
  } as Partial<avsc.EncoderOptions>);
  const chunks: Buffer[] = [];
  encoder.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    encoder.on('end', resolve);
    encoder.on('error', (err: unknown) =>
      reject(
        err instanceof PromptlyError
          ? err
          : invalid(
              `alert does not fit the alert schema: ${clip(err instanceof Error ? err.message : String(err))}`,
            ),
      ),
    );
  });
  // The encoder's writes are synchronous into its block buffer: no backpressure to await.
  for (const alert of alerts) encoder.write(avroReady(alert));
  encoder.end();
  await done;
  throwIfAborted(options.signal);
  return Buffer.concat(chunks);
}

/** What a container's header says. */
export interface AlertContainerHeader {
  readonly codec: string;
  /** Header metadata other than `avro.schema` and `avro.codec`, as UTF-8 strings. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Bytes the header takes. */
  readonly headerBytes: number;
}

/**
 * Reads the header of a container and checks that its schema is the alert schema (same
 * Parsing Canonical Form, so documentation may differ): PROMPTLY_E_ALERT_SCHEMA_UNKNOWN if
 * not, PROMPTLY_E_ALERT_MALFORMED if it is no container.
 */
export function readAlertContainerHeader(bytes: Uint8Array): AlertContainerHeader {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (buf.length < MAGIC.length || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw malformed('not an Avro object container file (no "Obj\\x01" magic)');
  }
  let decoded: { value: unknown; offset: number };
  try {
    decoded = HEADER_TYPE.decode(buf, 0);
  } catch (err) {
    throw malformed('Avro container header does not decode', err);
  }
  if (decoded.offset < 0) throw malformed('Avro container header is truncated');
  const meta = (decoded.value as { meta: Record<string, Buffer> }).meta;
  const schemaText = meta['avro.schema']?.toString('utf8');
  if (schemaText === undefined) throw malformed('Avro container header has no avro.schema');
  let writer: avsc.Type;
  try {
    writer = avsc.Type.forSchema(JSON.parse(schemaText) as avsc.Schema);
  } catch (err) {
    throw malformed('Avro container schema does not parse', err);
  }
  if (!writer.fingerprint().equals(alertAvroType().fingerprint())) {
    throw new PromptlyError(
      'PROMPTLY_E_ALERT_SCHEMA_UNKNOWN',
      `container schema ${writer.name ?? writer.typeName} is not the alert schema (canonical forms differ)`,
    );
  }
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(meta)) {
    if (key !== 'avro.schema' && key !== 'avro.codec') metadata[key] = value.toString('utf8');
  }
  return {
    codec: meta['avro.codec']?.toString('utf8') ?? 'null',
    metadata,
    headerBytes: decoded.offset,
  };
}

/**
 * The alerts of a container, in file order. Errors are PromptlyErrors: not a container or
 * corrupt (PROMPTLY_E_ALERT_MALFORMED, also for a truncated file or trailing bytes — found
 * after the last whole alert was yielded), another schema (PROMPTLY_E_ALERT_SCHEMA_UNKNOWN).
 */
export async function* decodeAlertContainer(
  bytes: Uint8Array,
  options: { readonly signal?: AbortSignal } = {},
): AsyncGenerator<Alert> {
  throwIfAborted(options.signal);
  if (bytes.length > MAX_ALERT_CONTAINER_BYTES) {
    throw malformed(`container of ${bytes.length} bytes exceeds ${MAX_ALERT_CONTAINER_BYTES}`);
  }
  const header = readAlertContainerHeader(bytes);
  if (header.codec !== 'null' && header.codec !== 'deflate') {
    throw malformed(`unsupported Avro container codec ${header.codec}`);
  }
  const ours = alertAvroType();
  const decoder = new avsc.streams.BlockDecoder({
    parseHook: () => ours,
  });
  let accounted = header.headerBytes;
  decoder.on('block', (info: { valueCount: number; compressedDataLength: number }) => {
    accounted +=
      LONG_TYPE.toBuffer(info.valueCount).length +
      LONG_TYPE.toBuffer(info.compressedDataLength).length +
      info.compressedDataLength +
      SYNC_BYTES;
  });
  // The iterator listens for errors before the first byte goes in: the decoder may emit one
  // synchronously from end(), which would throw past us with no listener.
  const values = (decoder as AsyncIterable<Alert>)[Symbol.asyncIterator]();
  try {
    decoder.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
    for (let next = await values.next(); next.done !== true; next = await values.next()) {
      const value = next.value;
      throwIfAborted(options.signal);
      yield value;
    }
  } catch (err) {
    if (err instanceof PromptlyError) throw err;
    throw malformed(
      `alert container is corrupt: ${clip(err instanceof Error ? err.message : String(err))}`,
      err,
    );
  } finally {
    decoder.destroy();
  }
  if (accounted !== bytes.length) {
    throw malformed(
      `alert container is truncated or has trailing bytes: ${bytes.length} bytes, header and whole blocks account for ${accounted}`,
    );
  }
}

/** All alerts of a container, as an array (see {@link decodeAlertContainer}). */
export async function readAlertContainer(
  bytes: Uint8Array,
  options: { readonly signal?: AbortSignal } = {},
): Promise<Alert[]> {
  const out: Alert[] = [];
  for await (const alert of decodeAlertContainer(bytes, options)) out.push(alert);
  return out;
}
