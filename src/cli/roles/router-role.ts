import type { Arrivals } from '../../arrivals/arrivals.js';
import { createListingReconciler } from '../../arrivals/listing-reconciler.js';
import { mergeArrivals } from '../../arrivals/merge-arrivals.js';
import { createS3BusNotices, s3EventsSubject } from '../../arrivals/s3/s3-bus-notices.js';
import { createS3Webhook } from '../../arrivals/s3/s3-webhook.js';
import { deploymentClock } from '../../core/clock.js';
import type { Config } from '../../core/config.js';
import { PromptlyError } from '../../core/errors.js';
import { createStatusEmitter } from '../../observe/status-emitter.js';
import { startArrivalRouter } from '../../prompt/arrivals/arrival-router.js';
import { ensureTopology } from '../../prompt/topology.js';
import { openBus, openRawStore } from '../backends.js';
import type { RunningRole } from '../role-runner.js';

/**
 * The router role: arrival notices of the raw store — S3 event JSON on `s3.events.<bucket>`
 * (what writers and Ceph RGW topics publish), the S3 webhook when enabled, and a listing of
 * the store every `arrivals.listingIntervalMs` that finds what a notification missed (its
 * first pass at start-up covers the time the router was down) — merged and routed to each
 * raw's visit-detector subject. Several replicas may run: delivery is at least once.
 */
export async function startRouterRole(config: Config): Promise<RunningRole> {
  const clock = deploymentClock(config.sim);
  const bus = await openBus(config);
  const rawStore = await openRawStore(config);
  await ensureTopology(bus, config.instrument, config.worker);
  const status = createStatusEmitter(bus, clock, 'router');
  const sources: Arrivals[] = [
    await createS3BusNotices({ bus, subject: s3EventsSubject(rawStore.bucket), status }),
    createListingReconciler({
      store: rawStore,
      prefixes: [`${config.instrument}/`],
      intervalMs: config.arrivals.listingIntervalMs,
      lookbackMs: config.arrivals.listingLookbackMs,
      status,
    }),
  ];
  let webhookUrl: string | undefined;
  const hook = config.arrivals.webhook;
  let closeWebhook = async (): Promise<void> => {};
  if (hook.enabled) {
    const token = hook.bearerTokenEnv === undefined ? undefined : process.env[hook.bearerTokenEnv];
    if (hook.bearerTokenEnv !== undefined && !token)
      throw new PromptlyError(
        'PROMPTLY_E_CONFIG_INVALID',
        `arrivals.webhook.bearerTokenEnv names ${hook.bearerTokenEnv}, which is not set`,
      );
    const webhook = createS3Webhook({ ...(token ? { bearerToken: token } : {}), status });
    webhookUrl = await webhook.app.listen({ host: hook.host, port: hook.port });
    closeWebhook = () => webhook.app.close();
    sources.push(webhook);
  }
  const arrivals = mergeArrivals(sources);
  const router = startArrivalRouter({ arrivals, bus, clock, status });
  return {
    state: () => router.state.toUpperCase(),
    notReadyReason: () => (router.state === 'running' ? undefined : 'router stopped'),
    detail: () => ({ webhook: webhookUrl }),
    ended: router.done.then(() => {
      throw new PromptlyError('PROMPTLY_E_INTERNAL', 'the arrival router stopped (bus closed?)');
    }),
    async drain() {
      await closeWebhook();
      await router.close();
      await arrivals.close();
      await rawStore.close();
      await bus.close();
    },
  };
}
