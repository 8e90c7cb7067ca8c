import Fastify, { type FastifyInstance } from 'fastify';

/** Paths every role serves on its health port (Kubernetes probes point here). */
export const HEALTH_PATHS = {
  /** 200 while the process is alive and its event loop turns (liveness). */
  live: '/healthz',
  /** 200 when the role is doing its work (readiness); 503 with the reason otherwise. */
  ready: '/readyz',
} as const;

/** Default health port of a role (`--health-port`). */
export const DEFAULT_HEALTH_PORT = 9090;

/** What a role reports about itself. */
export interface RoleHealth {
  /** Role name, e.g. `worker`. */
  readonly role: string;
  /** e.g. `RUNNING`, `STANDBY`, `DRAINING`. */
  state(): string;
  /** Undefined when ready, else why not. */
  notReadyReason(): string | undefined;
  /** Extra facts for operators (leader token, slots busy…). */
  detail?(): Record<string, unknown>;
}

/**
 * The health endpoints of one role process: liveness and readiness as JSON, on `port`
 * (0 picks a free one). Resolves with the URL it listens on.
 */
export async function startHealthServer(
  health: RoleHealth,
  options: { host: string; port: number },
): Promise<{ url: string; app: FastifyInstance; close(): Promise<void> }> {
  const app = Fastify({ logger: false });
  app.get(HEALTH_PATHS.live, () => ({ role: health.role, state: health.state() }));
  app.get(HEALTH_PATHS.ready, (_req, reply) => {
    const reason = health.notReadyReason();
    return reply.code(reason === undefined ? 200 : 503).send({
      role: health.role,
      state: health.state(),
      ready: reason === undefined,
      ...(reason !== undefined ? { reason } : {}),
      ...(health.detail?.() ?? {}),
    });
  });
  const url = await app.listen({ host: options.host, port: options.port });
  return { url, app, close: () => app.close() };
}
