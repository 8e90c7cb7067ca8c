import type { Repo } from '../../registry/repo.js';

/**
 * Keeps a handler-local repo small: remembers the runs of finished visit-detectors in the
 * order they finished and removes all but the newest `keep` sets. Runs of work still in
 * flight are never touched: they are handed over only when their visit-detector ends.
 */
export class RunJanitor {
  readonly #finished: string[][] = [];

  constructor(
    private readonly local: Repo,
    private readonly keep: number,
  ) {}

  /** Hands over the runs of a finished visit-detector; prunes the oldest beyond `keep`. */
  async finished(runs: readonly string[]): Promise<void> {
    this.#finished.push([...runs]);
    while (this.#finished.length > this.keep) {
      const old = this.#finished.shift() ?? [];
      for (const run of old) {
        if (this.#finished.some((set) => set.includes(run))) continue;
        await this.local.removeRun(run);
      }
    }
  }
}
