import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';

/** True when a KV compare-and-set failed because the key's revision had moved on. */
export function isWrongLastSequence(err: unknown): boolean {
  return (
    err instanceof JetStreamApiError &&
    (err.code === JetStreamApiCodes.StreamWrongLastSequence ||
      err.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}
