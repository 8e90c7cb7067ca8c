import type { Bus, StreamMessage } from '../bus/bus.js';

/**
 * The latest message of each subject a stream holds (its `last-per-subject` history), read
 * once and without following live ones: stops at the stream's last sequence as it was when
 * called, or when `signal` fires (then returns what it has).
 */
export async function readLatestValues(
  bus: Bus,
  stream: string,
  signal?: AbortSignal,
): Promise<StreamMessage[]> {
  const { lastSeq, messages } = await bus.streamInfo(stream);
  if (messages === 0) return [];
  const reader = await bus.readStream(stream, {
    deliver: { kind: 'last-per-subject' },
    ...(signal ? { signal } : {}),
  });
  const out: StreamMessage[] = [];
  try {
    for await (const m of reader) {
      if (m.seq > lastSeq) break;
      out.push(m);
      if (m.seq === lastSeq) break;
    }
  } finally {
    await reader.close();
  }
  return out;
}
