import type { NatsConnection } from '@nats-io/transport-node';
import type { BusMessage, Request, RequestOptions, SubscribeOptions } from '../bus.js';
import { Channel } from '../channel.js';
import { noResponderError, timeoutError } from '../request-options.js';
import { natsError } from './nats-errors.js';
import { fromNatsHeaders, toNatsHeaders } from './nats-headers.js';

/** Queue group of every responder: each command goes to one of them, across processes. */
const RESPONDERS = 'promptly-responders';

/** A command over core NATS request/reply (the subject and options already validated). */
export async function natsRequest(
  nc: NatsConnection,
  subject: string,
  data: Uint8Array,
  options: RequestOptions,
): Promise<BusMessage> {
  const headers = toNatsHeaders(options.headers);
  try {
    const m = await nc.request(subject, data, {
      timeout: options.timeoutMs,
      ...(headers ? { headers } : {}),
    });
    const h = fromNatsHeaders(m.headers);
    return { subject, data: m.data, ...(h ? { headers: h } : {}) };
  } catch (err) {
    const text = String(err);
    if (/no responders|503/i.test(text)) throw noResponderError(subject);
    if (/timeout/i.test(text)) throw timeoutError(subject, options.timeoutMs);
    throw natsError(err, `request ${subject}`);
  }
}

/** Serves commands on `subject` in the responders' queue group; `onClose` runs once. */
export async function natsServe(
  nc: NatsConnection,
  subject: string,
  options: SubscribeOptions,
  onClose: (channel: Channel<Request>) => void,
): Promise<Channel<Request>> {
  const sub = nc.subscribe(subject, { queue: RESPONDERS });
  const channel: Channel<Request> = new Channel(() => {
    sub.unsubscribe();
    onClose(channel);
  }, options.signal);
  void (async () => {
    for await (const m of sub) {
      const headers = fromNatsHeaders(m.headers);
      let answered = false;
      channel.push({
        subject: m.subject,
        data: m.data,
        ...(headers ? { headers } : {}),
        reply: (answer, h) => {
          if (!answered) {
            answered = true;
            const nh = toNatsHeaders(h);
            m.respond(answer, nh ? { headers: nh } : {});
          }
          return Promise.resolve();
        },
      });
    }
  })();
  await nc.flush().catch(() => undefined); // the server knows the interest on return
  return channel;
}
