import type { Bus } from '../../bus/bus.js';
import { encodeJson } from '../../bus/codec.js';
import { isPromptlyError } from '../../core/errors.js';
import type { Outcome } from '../../core/outcome.js';
import { subjects } from '../../core/subjects.js';
import { DATASET_TYPES, collections } from '../../registry/dataset-types.js';
import type { Repo } from '../../registry/repo.js';
import type { StatusEmitter } from '../../observe/status-emitter.js';

/**
 * Records the one outcome of a visit-detector: durably in the central repo (dataset `outcome`,
 * unique by data ID, so a second, different outcome is refused) and live on the bus.
 */
export class OutcomeRecorder {
  readonly #collection: (instrument: string) => string;

  constructor(
    private readonly deps: {
      central: Repo;
      bus: Bus;
      status: StatusEmitter;
      /** Where outcomes go: the night's collection by default; catch-up processing has its own. */
      collection?: (instrument: string) => string;
    },
  ) {
    this.#collection = deps.collection ?? collections.outcomes;
  }

  /** The recorded outcome of a visit-detector, if there is one. */
  async find(instrument: string, detector: number, group: string): Promise<Outcome | undefined> {
    const ref = await this.deps.central.find(
      DATASET_TYPES.outcome.name,
      { instrument, detector, group },
      [this.#collection(instrument)],
    );
    if (!ref) return undefined;
    return JSON.parse(new TextDecoder().decode(await this.deps.central.get(ref))) as Outcome;
  }

  /**
   * Records `outcome` unless the visit-detector already has one; returns the outcome that
   * stands (the earlier one when there was one). The repo's put is the existence check: a
   * different outcome is a conflict, the same one again (a retry) is published again, as
   * delivery is at-least-once.
   */
  async record(outcome: Outcome): Promise<Outcome> {
    try {
      await this.deps.central.put(
        DATASET_TYPES.outcome.name,
        { instrument: outcome.instrument, detector: outcome.detector, group: outcome.group },
        this.#collection(outcome.instrument),
        encodeJson(outcome),
      );
    } catch (err) {
      if (isPromptlyError(err, 'PROMPTLY_E_REGISTRY_CONFLICT')) {
        return (await this.find(outcome.instrument, outcome.detector, outcome.group)) ?? outcome;
      }
      throw err;
    }
    await this.deps.bus.publish(subjects.outcome(outcome.instrument), encodeJson(outcome));
    this.deps.status.emit({
      activity: `outcome.${outcome.kind}`,
      instrument: outcome.instrument,
      group: outcome.group,
      detector: outcome.detector,
      detail: { code: outcome.code, reason: outcome.reason, pipeline: outcome.pipeline },
    });
    return outcome;
  }
}
