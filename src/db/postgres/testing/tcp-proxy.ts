import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/** A TCP proxy for tests that simulates network failures between a client and a server. */
export interface TcpProxy {
  /** Port the proxy listens on, at 127.0.0.1. */
  readonly port: number;
  /**
   * `open`: bytes flow both ways. `frozen`: a silent network — bytes on open connections
   * are dropped, new connections are accepted but never reach the server.
   */
  setMode(mode: 'open' | 'frozen'): void;
  /** Cuts every open connection, both sides (as a server restart would). */
  cutAll(): void;
  close(): Promise<void>;
}

/** Starts a proxy to `target` on an ephemeral port of 127.0.0.1, in `open` mode. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: 'open' | 'frozen' = 'open';
  const sockets = new Set<Socket>();
  const track = (s: Socket): void => {
    sockets.add(s);
    s.on('error', () => s.destroy());
    s.on('close', () => sockets.delete(s));
  };
  const server = createServer((client) => {
    track(client);
    if (mode === 'frozen') return; // accepted, never answered
    const upstream = connect(target);
    track(upstream);
    client.on('data', (chunk) => {
      if (mode === 'open') upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (mode === 'open') client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const cutAll = (): void => {
    for (const s of sockets) s.destroy();
  };
  return {
    port: (server.address() as AddressInfo).port,
    setMode: (m) => {
      mode = m;
    },
    cutAll,
    close: () =>
      new Promise<void>((resolve) => {
        cutAll();
        server.close(() => resolve());
      }),
  };
}
