import { afterEach, describe, expect, it } from 'vitest';
import { encodeJson } from '../../bus/codec.js';
import { PromptlyError } from '../../core/errors.js';
import { subjects } from '../../core/subjects.js';
import type { VisitLedger } from '../../ledger/visit-ledger.js';
import { createStatusEmitter } from '../../observe/status-emitter.js';
import { lifetimeLimits } from '../reconcile/item-lifetime.js';
import { startPromptFixture, type PromptFixture } from '../testing/prompt-fixture.js';
import { ensureTopology, topologyNames } from '../topology.js';
import { FanoutService } from './fanout-service.js';

let f: PromptFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

/** The fixture's ledger, refusing `expect` with PROMPTLY_E_LEDGER_UNAVAILABLE `failures` times. */
function flakyLedger(ledger: VisitLedger, failures: number): VisitLedger & { calls: number } {
  const flaky = Object.create(ledger) as VisitLedger & { calls: number };
  flaky.calls = 0;
  flaky.expect = async (visit, options) => {
    flaky.calls++;
    if (flaky.calls <= failures)
      throw new PromptlyError('PROMPTLY_E_LEDGER_UNAVAILABLE', 'database restarting');
    return ledger.expect(visit, options);
  };
  return flaky;
}

describe('the fan-out bus reader', () => {
  it('retries an event whose ledger write failed for want of a server, and enqueues it once', async () => {
    f = await startPromptFixture({ service: false });
    const { bus } = f.backends;
    await ensureTopology(bus, 'LATISS', f.config.worker);
    const ledger = flakyLedger(f.backends.ledger, 2);
    const fanout = new FanoutService({
      bus,
      clock: f.clock,
      config: f.config.fanout,
      status: createStatusEmitter(bus, f.clock, 'fanout'),
      ledger,
      served: ['LATISS'],
      lifetime: lifetimeLimits(f.config),
    });
    const handled: number[] = [];
    await fanout.start(topologyNames('LATISS').ocsStream, {
      onHandled: (seq) => void handled.push(seq),
    });
    const visit = f.nextVisit();
    await bus.publish(subjects.nextVisit('LATISS'), encodeJson(visit));
    await f.statusEvent((e) => e.activity === 'next_visit.accepted' && e.group === visit.groupId);
    await fanout.stopReading();
    expect(ledger.calls).toBe(3);
    expect(handled).toHaveLength(1);
    expect(f.statusEvents.filter((e) => e.activity === 'next_visit.retry')).toHaveLength(2);
    expect((await bus.queueInfo(topologyNames('LATISS').workQueue)).pending).toBe(1);
    expect(await f.backends.ledger.has('LATISS', visit.groupId)).toBe(true);
  });
});
