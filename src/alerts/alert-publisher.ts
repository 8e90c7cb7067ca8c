import type { Bus } from '../bus/bus.js';
import { PromptlyError, throwIfAborted } from '../core/errors.js';
import { AlertCodec } from './alert-codec.js';
import type { Alert } from './alert-schema.js';
import { ALERTS_STREAM, alertSubjects } from './alert-subjects.js';

/** Header naming the triggering source, so a reader can skip a redelivered duplicate. */
export const ALERT_SOURCE_HEADER = 'promptly-dia-source-id';

/** Options of {@link AlertPublisher}. */
export interface AlertPublisherOptions {
  readonly bus: Bus;
  /** Instrument whose alerts these are; subject `alerts.<instrument>`. */
  readonly instrument: string;
  /** Confluent schema id written in every message (integer in [0, 2^31 − 1]); default 1100. */
  readonly schemaId?: number;
  /**
   * Publishes awaiting their store acknowledgement at once, integer in [1, 1024]; default
   * 64. Bounds memory and keeps a remote bus's round trips overlapped.
   */
  readonly maxInFlight?: number;
}

/**
 * Puts alerts on the bus: each one Confluent-framed Avro on `alerts.<instrument>`, with
 * header {@link ALERT_SOURCE_HEADER}. `start()` makes sure the ALERTS stream exists so
 * alerts published before a reader connects are kept.
 */
export class AlertPublisher {
  readonly subject: string;
  private readonly codec: AlertCodec;
  private readonly maxInFlight: number;

  constructor(private readonly options: AlertPublisherOptions) {
    this.subject = alertSubjects.alerts(options.instrument);
    this.codec = new AlertCodec(
      options.schemaId === undefined ? {} : { schemaId: options.schemaId },
    );
    const maxInFlight = options.maxInFlight ?? 64;
    if (!Number.isInteger(maxInFlight) || maxInFlight < 1 || maxInFlight > 1024) {
      throw new PromptlyError(
        'PROMPTLY_E_ALERT_INVALID',
        `maxInFlight must be an integer in [1, 1024], got ${maxInFlight}`,
      );
    }
    this.maxInFlight = maxInFlight;
  }

  /** Creates or updates the ALERTS stream (idempotent). */
  async start(): Promise<void> {
    await this.options.bus.ensureStream(ALERTS_STREAM);
  }

  /** Framed bytes of `alert` as they would be published (PROMPTLY_E_ALERT_INVALID if it does not fit). */
  encode(alert: Alert): Uint8Array {
    return this.codec.encode(alert);
  }

  /** Publishes one alert; resolves once the bus has stored it. */
  async publish(alert: Alert, options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    throwIfAborted(options.signal);
    const data = this.codec.encode(alert);
    await this.options.bus.publish(this.subject, data, {
      headers: { [ALERT_SOURCE_HEADER]: String(alert.diaSourceId) },
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /**
   * Publishes every alert, at most `maxInFlight` at a time, in the given order of sending.
   * Every alert is encoded before the first is sent, so an invalid one publishes none.
   * Resolves with the number published; the first bus failure rejects (alerts already
   * stored stay published; a rerun republishes them, and readers dedupe by header).
   */
  async publishAll(
    alerts: readonly Alert[],
    options: { readonly signal?: AbortSignal } = {},
  ): Promise<number> {
    throwIfAborted(options.signal);
    const framed = alerts.map((a) => ({ data: this.codec.encode(a), id: String(a.diaSourceId) }));
    const inFlight = new Set<Promise<void>>();
    let failure: Error | undefined;
    for (const { data, id } of framed) {
      if (failure !== undefined) break;
      throwIfAborted(options.signal);
      const p: Promise<void> = this.options.bus
        .publish(this.subject, data, {
          headers: { [ALERT_SOURCE_HEADER]: id },
          ...(options.signal ? { signal: options.signal } : {}),
        })
        .catch((err: unknown) => {
          failure ??= err instanceof Error ? err : new Error(String(err));
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= this.maxInFlight) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    if (failure !== undefined) throw failure;
    return framed.length;
  }
}
