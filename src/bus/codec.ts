const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** JSON to bytes, for bus payloads. */
export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** Bytes to JSON; throws SyntaxError on malformed input (callers map it to their code). */
export function decodeJson(data: Uint8Array): unknown {
  return JSON.parse(decoder.decode(data));
}
