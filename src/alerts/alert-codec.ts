import avsc from 'avsc';
import { PromptlyError, type ErrorDetail } from '../core/errors.js';
import { ALERT_SCHEMA, type Alert } from './alert-schema.js';
import {
  CONFLUENT_HEADER_BYTES,
  checkSchemaId,
  unframeConfluent,
  writeConfluentHeader,
} from './confluent-framing.js';

/**
 * Avro binary of one alert (avsc, compiled once from {@link ALERT_SCHEMA}), plain or in the
 * Confluent wire framing. Longs are JS numbers: a value beyond ±2^53 is refused on encode
 * (PROMPTLY_E_ALERT_INVALID) and on decode (PROMPTLY_E_ALERT_MALFORMED) rather than rounded.
 */

/**
 * Schema id written by default: 1100, read as "schema version 11.0" (Rubin's registry
 * version of lsst.v11_0 is 1100). A deployment with a schema registry sets the id the
 * registry gave.
 */
export const DEFAULT_ALERT_SCHEMA_ID = 1100;

/** Largest alert accepted, bytes: encode and decode refuse larger (Rubin's are ~100 kB). */
export const MAX_ALERT_BYTES = 16 * 1024 * 1024;

const INITIAL_SCRATCH_BYTES = 256 * 1024;

/**
 * `timestamp-micros` (microseconds since the Unix epoch) kept as a JS number, so the logical
 * type stays in the schema avsc writes (an unregistered one would be dropped from it).
 */
class TimestampMicros extends avsc.types.LogicalType {
  protected override _fromValue(value: unknown): unknown {
    return value;
  }
  protected override _toValue(value: unknown): unknown {
    return Number.isSafeInteger(value) ? value : undefined;
  }
  protected override _resolve(type: avsc.Type): unknown {
    if (avsc.Type.isType(type, 'long', 'logical:timestamp-micros')) return (v: unknown) => v;
    return undefined;
  }
}

let compiled: avsc.Type | undefined;

/** The compiled avsc type of the alert schema (compiled on first use, then shared; immutable). */
export function alertAvroType(): avsc.Type {
  compiled ??= avsc.Type.forSchema(ALERT_SCHEMA as unknown as avsc.Schema, {
    omitRecordMethods: true,
    logicalTypes: { 'timestamp-micros': TimestampMicros },
  });
  return compiled;
}

function bufferView(bytes: Uint8Array | null): Uint8Array | null {
  return bytes === null || Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/**
 * `alert` with its cutouts as Node Buffers, which avsc's `bytes` requires (views, no copy).
 * Alerts from `buildAlert` or a decoder already have them and are returned as they are.
 */
export function avroReady(alert: Alert): Alert {
  const { cutoutDifference: d, cutoutScience: s, cutoutTemplate: t } = alert;
  if (
    (d === null || Buffer.isBuffer(d)) &&
    (s === null || Buffer.isBuffer(s)) &&
    (t === null || Buffer.isBuffer(t))
  ) {
    return alert;
  }
  return {
    ...alert,
    cutoutDifference: bufferView(d),
    cutoutScience: bufferView(s),
    cutoutTemplate: bufferView(t),
  };
}

/** Why `value` does not fit the schema, field by field (empty when it fits). */
export function alertProblems(value: unknown): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  alertAvroType().isValid(value, {
    errorHook: (path: string[], bad: unknown, type: avsc.Type) => {
      if (details.length < 20) {
        details.push({
          path: path.join('.') || '(root)',
          message: `${describe(bad)} is not Avro ${type.typeName}`,
        });
      }
    },
  });
  return details;
}

function describe(value: unknown): string {
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (typeof value === 'object' && value !== null)
    return Array.isArray(value) ? 'an array' : 'an object';
  return clip(String(value), 60);
}

/** `text` cut to `max` characters (avsc's messages can hold a whole value). */
export function clip(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

function invalid(cause: unknown, value: unknown): PromptlyError {
  const details = alertProblems(value);
  const what = details.map((d) => `${d.path}: ${d.message}`).join('; ');
  return new PromptlyError(
    'PROMPTLY_E_ALERT_INVALID',
    `alert does not fit the alert schema: ${what || clip(cause instanceof Error ? cause.message : String(cause))}`,
    { cause, details },
  );
}

function malformed(cause: unknown, length: number): PromptlyError {
  const why = clip(cause instanceof Error ? cause.message : String(cause));
  return new PromptlyError(
    'PROMPTLY_E_ALERT_MALFORMED',
    `${length} bytes do not decode as an alert: ${why}`,
    { cause },
  );
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** Options of {@link AlertCodec}. */
export interface AlertCodecOptions {
  /** Schema id written into, and required of, framed alerts; integer in [0, 2^31 − 1]. Default {@link DEFAULT_ALERT_SCHEMA_ID}. */
  readonly schemaId?: number;
}

/**
 * Encodes and decodes alerts. Holds a scratch buffer that grows to the largest alert seen
 * (≤ {@link MAX_ALERT_BYTES}); one instance per thread, not shared across concurrent calls
 * (there are none: encode is synchronous).
 */
export class AlertCodec {
  /** Schema id of framed alerts. */
  readonly schemaId: number;
  private readonly type = alertAvroType();
  private scratch = Buffer.allocUnsafe(INITIAL_SCRATCH_BYTES);

  constructor(options: AlertCodecOptions = {}) {
    this.schemaId = checkSchemaId(options.schemaId ?? DEFAULT_ALERT_SCHEMA_ID);
  }

  /** Confluent-framed Avro of `alert`: a new array the caller owns. */
  encode(alert: Alert): Uint8Array {
    const end = this.write(alert, CONFLUENT_HEADER_BYTES);
    const out = new Uint8Array(end);
    out.set(this.scratch.subarray(0, end));
    writeConfluentHeader(out, this.schemaId);
    return out;
  }

  /** Plain Avro binary of `alert` (no framing): a new array the caller owns. */
  encodeBody(alert: Alert): Uint8Array {
    const end = this.write(alert, 0);
    return Uint8Array.prototype.slice.call(this.scratch, 0, end);
  }

  /**
   * Decodes a framed alert. A schema id other than {@link schemaId}:
   * PROMPTLY_E_ALERT_SCHEMA_UNKNOWN; bad framing or Avro: PROMPTLY_E_ALERT_MALFORMED.
   * Cutout bytes of the result are views into `framed`.
   */
  decode(framed: Uint8Array): Alert {
    const frame = unframeConfluent(framed);
    if (frame.schemaId !== this.schemaId) {
      throw new PromptlyError(
        'PROMPTLY_E_ALERT_SCHEMA_UNKNOWN',
        `framed alert names schema id ${frame.schemaId}; this reader knows ${this.schemaId}`,
      );
    }
    return this.decodeBody(frame.body);
  }

  /** Decodes a plain Avro alert body (every byte must belong to the alert). */
  decodeBody(body: Uint8Array): Alert {
    if (body.length > MAX_ALERT_BYTES) {
      throw malformed(new Error(`larger than ${MAX_ALERT_BYTES} bytes`), body.length);
    }
    try {
      return this.type.fromBuffer(asBuffer(body)) as Alert;
    } catch (err) {
      throw malformed(err, body.length);
    }
  }

  /** Writes `alert` into the scratch buffer from `start`; returns the end offset. */
  private write(alert: Alert, start: number): number {
    for (;;) {
      let pos: number;
      try {
        pos = this.type.encode(avroReady(alert), this.scratch, start);
      } catch (err) {
        throw invalid(err, alert);
      }
      if (pos >= 0) return pos;
      const needed = this.scratch.length - pos;
      if (needed > MAX_ALERT_BYTES) {
        throw new PromptlyError(
          'PROMPTLY_E_ALERT_INVALID',
          `alert needs ${needed} bytes, more than ${MAX_ALERT_BYTES}`,
        );
      }
      this.scratch = Buffer.allocUnsafe(Math.max(needed, this.scratch.length * 2));
    }
  }
}
