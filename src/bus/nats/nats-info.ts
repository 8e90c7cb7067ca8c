import type { JetStreamManager, StreamInfo as JsStreamInfo } from '@nats-io/jetstream';
import { PromptlyError } from '../../core/errors.js';
import type { QueueInfo, StreamInfo } from '../bus.js';
import type { ConsumerRegistry } from './consumer-registry.js';
import { natsError } from './nats-errors.js';

/** Marks a JetStream stream that carries a promptly work queue (its description). */
export interface QueueMeta {
  readonly promptly: 'queue';
  readonly deadLetterSubject: string;
}

/** The queue metadata of a stream, or undefined when it is a plain stream. */
export function queueMetaOf(si: JsStreamInfo): QueueMeta | undefined {
  try {
    const meta = JSON.parse(si.config.description ?? '{}') as Partial<QueueMeta>;
    if (meta.promptly === 'queue' && typeof meta.deadLetterSubject === 'string')
      return { promptly: 'queue', deadLetterSubject: meta.deadLetterSubject };
  } catch {
    // A description that is not our JSON: not a promptly queue.
  }
  return undefined;
}

/** `first_ts` of a non-empty stream, ms since the Unix epoch (undefined when empty or unset). */
function oldestTimeMs(si: JsStreamInfo): number | undefined {
  if (si.state.messages === 0) return undefined;
  const t = Date.parse(si.state.first_ts);
  return Number.isFinite(t) && t > 0 ? t : undefined;
}

/**
 * Queue health: the durable consumer's counts plus in-flight numbers from the consumer
 * registry (JetStream counts a message held by a dead consumer as pending for redelivery).
 * A work-queue stream deletes a message on ack, so its first message is the oldest not acked.
 */
export async function natsQueueInfo(
  jsm: JetStreamManager,
  registry: ConsumerRegistry,
  queue: string,
): Promise<QueueInfo> {
  try {
    const [ci, si] = await Promise.all([jsm.consumers.info(queue, queue), jsm.streams.info(queue)]);
    const { consumers, inFlight } = await registry.census(queue);
    const oldest = oldestTimeMs(si);
    // Acknowledgement-pending messages nobody holds wait for redelivery (a nak's delay).
    return {
      name: queue,
      pending: ci.num_pending + Math.max(0, ci.num_ack_pending - inFlight),
      inFlight,
      consumers,
      ...(oldest === undefined ? {} : { oldestTimeMs: oldest }),
    };
  } catch (err) {
    throw natsError(err, `queue ${queue}`);
  }
}

/** Stream health from the server's stream state; a promptly queue is refused (its own view). */
export async function natsStreamInfo(jsm: JetStreamManager, stream: string): Promise<StreamInfo> {
  let si: JsStreamInfo;
  try {
    si = await jsm.streams.info(stream);
  } catch (err) {
    throw natsError(err, `stream ${stream}`);
  }
  if (queueMetaOf(si) !== undefined)
    throw new PromptlyError('PROMPTLY_E_BUS_NO_STREAM', `${stream} is a queue, not a stream`);
  const oldest = oldestTimeMs(si);
  return {
    name: stream,
    messages: si.state.messages,
    firstSeq: si.state.messages === 0 ? 0 : si.state.first_seq,
    lastSeq: si.state.last_seq,
    ...(oldest === undefined ? {} : { oldestTimeMs: oldest }),
  };
}
