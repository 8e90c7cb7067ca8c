import type { Bus } from '../bus/bus.js';
import type { Outcome } from '../core/outcome.js';
import type { VisitLedger } from '../ledger/visit-ledger.js';
import { summarizeNight, type NightSummary } from '../observe/night-summary.js';
import {
  followAcceptedVisits,
  followOutcomes,
  type OutcomeFeed,
} from '../prompt/outcomes/outcome-feed.js';
import type { OutcomeRecorder } from '../prompt/outcomes/outcome-recorder.js';
import { ProgressDisplay } from './progress-display.js';

/**
 * What `promptly up` watches, embedded or distributed: every visit the fan-out accepts (from
 * the summit or posted over HTTP) and those an earlier run left open in the ledger, each
 * visit-detector's outcome, the live display, and at the end the summary. The night is over
 * when every expected visit-detector has its outcome.
 */
export class NightWatch {
  readonly #expected = new Map<string, readonly number[]>();
  readonly #outcomes = new Map<string, Outcome>();
  readonly #display: ProgressDisplay | undefined;
  #feeds: OutcomeFeed[] = [];
  #wake: () => void = () => {};

  private constructor(
    private readonly instrument: string,
    private readonly detectorsPerVisit: number,
    display: boolean,
  ) {
    this.#display = display ? new ProgressDisplay(detectorsPerVisit) : undefined;
  }

  /**
   * Starts watching (the topology must exist). Visits the ledger holds open are expected
   * from the start, with the outcomes they already have.
   */
  static async start(options: {
    bus: Bus;
    ledger: VisitLedger;
    outcomes: OutcomeRecorder;
    instrument: string;
    detectorsPerVisit: number;
    display: boolean;
    log: (line: string) => void;
  }): Promise<NightWatch> {
    const watch = new NightWatch(options.instrument, options.detectorsPerVisit, options.display);
    const open = await options.ledger.openVisits({ instrument: options.instrument, limit: 10_000 });
    for (const v of open) {
      watch.#expect(v.group, v.detectors, '?');
      for (const d of v.detectors) {
        const earlier = await options.outcomes.find(options.instrument, d, v.group);
        if (earlier) watch.#outcome(earlier);
      }
    }
    if (open.length > 0)
      options.log(`recovering ${open.length} visit(s) an earlier run left without every outcome`);
    watch.#feeds = [
      await followOutcomes(options.bus, options.instrument, (o) => watch.#outcome(o)),
      await followAcceptedVisits(options.bus, options.instrument, (v) =>
        watch.#expect(v.group, v.detectors, v.band),
      ),
    ];
    return watch;
  }

  #expect(group: string, detectors: readonly number[], band: string): void {
    if (this.#expected.has(group)) return;
    this.#expected.set(group, detectors);
    this.#display?.visitAnnounced(group, band);
  }

  #outcome(outcome: Outcome): void {
    this.#outcomes.set(`${outcome.group}/${outcome.detector}`, outcome);
    this.#display?.outcome(outcome);
    if (this.complete()) this.#wake();
  }

  /** The outcome recorded for a visit-detector, if any. */
  outcomeOf(group: string, detector: number): Outcome | undefined {
    return this.#outcomes.get(`${group}/${detector}`);
  }

  /** Shows a line below the visits (the archive path's counts). */
  footer(text: string): void {
    this.#display?.footer(text);
  }

  /** Whether every expected visit-detector has its outcome. */
  complete(): boolean {
    return [...this.#expected].every(([g, ds]) => ds.every((d) => this.#outcomes.has(`${g}/${d}`)));
  }

  /** Resolves when every expected visit-detector has its outcome, or when `signal` fires. */
  async allOutcomes(signal?: AbortSignal): Promise<void> {
    if (this.complete() || signal?.aborted) return;
    await new Promise<void>((resolve) => {
      this.#wake = resolve;
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  /** Stops the feeds and the display; returns the summary (orphans from the ledger). */
  async finish(clockSpeed: number, orphans: readonly string[]): Promise<NightSummary> {
    for (const f of this.#feeds) await f.close();
    this.#display?.finish();
    return summarizeNight({
      instrument: this.instrument,
      clockSpeed,
      groups: [...this.#expected.keys()],
      detectorsPerVisit: this.detectorsPerVisit,
      outcomes: [...this.#outcomes.values()],
      orphans,
    });
  }
}
