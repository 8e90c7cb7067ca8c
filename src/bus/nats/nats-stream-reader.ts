import {
  DeliverPolicy as JsDeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import type { ReadStreamOptions, StreamMessage } from '../bus.js';
import { Channel } from '../channel.js';
import { natsError } from './nats-errors.js';
import { fromNatsHeaders } from './nats-headers.js';

/**
 * A stream reader on an ordered consumer: history per the deliver policy, then live messages,
 * in sequence order. `last n` is read as `all` minus the messages before the last n that
 * match the filter; a `from-seq` start in the future waits for that sequence (JetStream would
 * start at the next message). Options are validated by the caller.
 */
export async function openStreamReader(
  jsm: JetStreamManager,
  js: JetStreamClient,
  stream: string,
  options: ReadStreamOptions,
  onClose: (channel: Channel<StreamMessage>) => void,
): Promise<Channel<StreamMessage>> {
  const filter = options.filter ?? '>';
  let skip = 0;
  const minSeq = options.deliver.kind === 'from-seq' ? options.deliver.seq : 0;
  let policy: { deliver_policy: JsDeliverPolicy; opt_start_seq?: number };
  try {
    const info = await jsm.streams.info(stream, { subjects_filter: filter });
    const d = options.deliver;
    switch (d.kind) {
      case 'all':
        policy = { deliver_policy: JsDeliverPolicy.All };
        break;
      case 'new':
        policy = { deliver_policy: JsDeliverPolicy.New };
        break;
      case 'last': {
        const matching = Object.values(info.state.subjects ?? {}).reduce((a, b) => a + b, 0);
        skip = Math.max(0, matching - d.count);
        policy = { deliver_policy: d.count === 0 ? JsDeliverPolicy.New : JsDeliverPolicy.All };
        break;
      }
      case 'last-per-subject':
        policy = { deliver_policy: JsDeliverPolicy.LastPerSubject };
        break;
      case 'from-seq':
        policy = { deliver_policy: JsDeliverPolicy.StartSequence, opt_start_seq: d.seq };
        break;
    }
  } catch (err) {
    throw natsError(err, `stream ${stream}`);
  }
  const consumer = await js.consumers
    .get(stream, { filter_subjects: filter, ...policy })
    .catch((err: unknown) => {
      throw natsError(err, `read ${stream}`);
    });
  const messages = await consumer.consume().catch((err: unknown) => {
    throw natsError(err, `read ${stream}`);
  });
  const channel: Channel<StreamMessage> = new Channel(() => {
    void messages.close().catch(() => undefined);
    onClose(channel);
  }, options.signal);
  void (async () => {
    for await (const m of messages) {
      if (skip > 0) {
        skip--;
        continue;
      }
      if (m.info.streamSequence < minSeq) continue;
      const headers = fromNatsHeaders(m.headers);
      channel.push({
        subject: m.subject,
        data: m.data,
        ...(headers ? { headers } : {}),
        stream,
        seq: m.info.streamSequence,
        timeMs: m.time.getTime(),
      });
    }
  })();
  return channel;
}
