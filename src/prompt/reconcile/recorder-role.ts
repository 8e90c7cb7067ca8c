import type { Bus } from '../../bus/bus.js';
import { encodeJson } from '../../bus/codec.js';
import { subjects } from '../../core/subjects.js';
import type { Clock } from '../../core/clock.js';
import type { Config } from '../../core/config.js';
import { toPromptlyError } from '../../core/errors.js';
import type { VisitLedger } from '../../ledger/visit-ledger.js';
import { createStatusEmitter } from '../../observe/status-emitter.js';
import { DeadLetterRecorder } from '../outcomes/dead-letter-recorder.js';
import type { OutcomeRecorder } from '../outcomes/outcome-recorder.js';
import { topologyNames } from '../topology.js';
import { OrphanTracker } from './orphan-tracker.js';
import { Reconciler, type ReconcileReport } from './reconciler.js';

export interface RecorderRole {
  readonly reconciler: Reconciler;
  readonly orphans: OrphanTracker;
  /** Stops the passes and the dead-letter consumer; judges pending raws one last time. */
  close(): Promise<void>;
}

/**
 * The recorder role: everything that makes the accounting whole. Dead letters become
 * `failed` outcomes; the reconciler re-enqueues or records what has no outcome (first pass in
 * `initial` mode: `all` when the work queue did not survive the last process, `due` when it
 * is durable); the orphan tracker reports raws no visit claims. One per deployment (a
 * singleton role in distributed mode). Needs the topology.
 */
export async function startRecorderRole(deps: {
  config: Config;
  bus: Bus;
  clock: Clock;
  ledger: VisitLedger;
  outcomes: OutcomeRecorder;
  initial: 'all' | 'due';
  onPass?: (report: ReconcileReport) => void;
}): Promise<RecorderRole> {
  const { config, bus, clock } = deps;
  const instrument = config.instrument;
  const dead = new DeadLetterRecorder({
    bus,
    clock,
    outcomes: deps.outcomes,
    status: createStatusEmitter(bus, clock, 'dead-letters'),
  });
  await dead.start(topologyNames(instrument).deadQueue);
  const orphans = new OrphanTracker(
    { bus, ledger: deps.ledger, status: createStatusEmitter(bus, clock, 'orphans') },
    { instrument, graceMs: config.reconcile.orphanGraceMs, maxPending: 100_000 },
  );
  await orphans.start();
  const reconciler = new Reconciler(
    {
      ledger: deps.ledger,
      outcomes: deps.outcomes,
      bus,
      status: createStatusEmitter(bus, clock, 'reconciler'),
    },
    {
      instrument,
      maxRequeues: config.reconcile.maxRequeues,
      maxAgeMs: config.reconcile.maxAgeMs,
      batch: 1000,
    },
  );
  const status = createStatusEmitter(bus, clock, 'recorder');
  reconciler.start(deps.initial, config.reconcile.intervalMs, (report) => {
    deps.onPass?.(report);
    orphans.sweep().catch((err: unknown) => {
      const e = toPromptlyError(err);
      status.emit({
        activity: 'orphans.sweep_failed',
        detail: { code: e.code, message: e.message },
      });
    });
  });
  // `cmd.recorder.reconcile.<instr>`: a pass now (`all` when asked), answered with its report.
  const commands = await bus.serve(subjects.command('recorder', 'reconcile', instrument));
  const serving = (async () => {
    for await (const command of commands) {
      const mode = new TextDecoder().decode(command.data) === 'all' ? 'all' : 'due';
      try {
        await command.reply(encodeJson(await reconciler.reconcile(mode)));
      } catch (err) {
        const e = toPromptlyError(err);
        await command.reply(encodeJson({ code: e.code, message: e.message }));
      }
    }
  })();
  return {
    reconciler,
    orphans,
    async close() {
      await commands.close();
      await serving;
      await reconciler.close();
      await dead.close();
      await orphans.close();
    },
  };
}
