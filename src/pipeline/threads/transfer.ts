/**
 * Bytes that may be transferred to another thread without harming anyone else: `bytes` itself
 * when it is the whole of its (non-shared) ArrayBuffer, else a copy. A Node Buffer read from a
 * small file may be a slice of a pool other Buffers share; transferring that pool would detach
 * them.
 */
export function transferableBytes(bytes: Uint8Array): Uint8Array {
  const whole =
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength &&
    bytes.buffer instanceof ArrayBuffer;
  return whole ? bytes : new Uint8Array(bytes);
}
