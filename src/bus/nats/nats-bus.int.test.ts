import { afterAll, describe } from 'vitest';
import { natsSkipReason, natsUrl } from '../../testing/servers.js';
import { runBusConformance } from '../testing/bus-conformance.js';
import { createNatsBus } from './nats-bus.js';

const skip = await natsSkipReason();
if (skip) console.log(skip);

describe.skipIf(skip !== undefined)('NATS JetStream bus', () => {
  afterAll(() => {});
  // Networked: every wait of the suite is scaled ×3 so a loaded CI host is not a failure.
  runBusConformance('nats', () => createNatsBus({ servers: [natsUrl()], name: 'promptly-test' }), {
    timeScale: 3,
  });
});
