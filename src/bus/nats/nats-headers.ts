import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';

/** Our string headers as NATS headers (undefined when there are none). */
export function toNatsHeaders(
  h: Readonly<Record<string, string>> | undefined,
  extra?: Readonly<Record<string, string>>,
): MsgHdrs | undefined {
  const all = { ...h, ...extra };
  const keys = Object.keys(all);
  if (keys.length === 0) return undefined;
  const out = natsHeaders();
  for (const k of keys) out.set(k, all[k] ?? '');
  return out;
}

/** NATS headers as our string headers, without the server's own `Nats-*` ones. */
export function fromNatsHeaders(h: MsgHdrs | undefined): Record<string, string> | undefined {
  if (!h) return undefined;
  const out: Record<string, string> = {};
  for (const [k, values] of h) {
    if (k.startsWith('Nats-')) continue;
    out[k] = values[0] ?? '';
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
