import type { Outcome } from '../core/outcome.js';

interface VisitProgress {
  readonly group: string;
  readonly band: string;
  readonly done: Map<number, Outcome['kind']>;
}

const SYMBOL: Record<Outcome['kind'], string> = {
  processed: '✓',
  failed: '✗',
  timed_out: '⏱',
  skipped: '–',
};

/**
 * The live view of `promptly up`: one line per visit with a mark per detector. On a terminal
 * it redraws in place (at most every 100 ms); otherwise it prints one line per finished visit.
 */
export class ProgressDisplay {
  readonly #visits: VisitProgress[] = [];
  #drawnLines = 0;
  #footer: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly #tty: boolean;

  constructor(
    private readonly detectorsPerVisit: number,
    private readonly out: NodeJS.WriteStream = process.stdout,
  ) {
    this.#tty = out.isTTY === true;
  }

  visitAnnounced(group: string, band: string): void {
    this.#visits.push({ group, band, done: new Map() });
    this.#schedule();
  }

  outcome(outcome: Outcome): void {
    let visit = this.#visits.find((v) => v.group === outcome.group);
    if (!visit) {
      visit = { group: outcome.group, band: '?', done: new Map() };
      this.#visits.push(visit);
    }
    visit.done.set(outcome.detector, outcome.kind);
    if (!this.#tty && visit.done.size === this.detectorsPerVisit)
      this.out.write(this.#line(visit) + '\n');
    this.#schedule();
  }

  /** A line kept below the visits (redrawn on a terminal; printed once at the end otherwise). */
  footer(text: string): void {
    this.#footer = text;
    this.#schedule();
  }

  #line(v: VisitProgress): string {
    const marks = [...v.done.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([, k]) => SYMBOL[k])
      .join('');
    const counts = (k: Outcome['kind']): number =>
      [...v.done.values()].filter((x) => x === k).length;
    return `${v.group}  ${v.band}  ${String(v.done.size).padStart(3)}/${this.detectorsPerVisit}  processed ${counts('processed')}  failed ${counts('failed')}  timed out ${counts('timed_out')}  ${marks}`;
  }

  #schedule(): void {
    if (!this.#tty || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#draw();
    }, 100);
  }

  #draw(): void {
    const shown = this.#visits.slice(-20);
    let text = this.#drawnLines > 0 ? `\x1b[${this.#drawnLines}A` : '';
    for (const v of shown) text += `\x1b[2K${this.#line(v)}\n`;
    if (this.#footer !== undefined) text += `\x1b[2K${this.#footer}\n`;
    this.out.write(text);
    this.#drawnLines = shown.length + (this.#footer !== undefined ? 1 : 0);
  }

  /** Final redraw; stops the timer. */
  finish(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#tty) this.#draw();
    else if (this.#footer !== undefined) this.out.write(`${this.#footer}\n`);
  }
}
