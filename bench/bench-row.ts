/**
 * One measured number of `npm run bench`, printed next to the anchor it is compared with.
 * A ratio is value / anchorValue, so < 1 means faster (for times) than the anchor.
 */
export interface BenchRow {
  /** Which benchmark, e.g. `prompt-latency`, `fits-codec`. */
  readonly group: string;
  /** What was measured, e.g. `next_visit → all items started p99`. */
  readonly name: string;
  readonly value: number;
  /** Unit of `value` and `anchorValue`, e.g. `ms`, `MB/s`, `s`. */
  readonly unit: string;
  /** What it is compared with, e.g. `funpack (same run)` or `OODS scan period`. */
  readonly anchorName?: string;
  readonly anchorValue?: number;
  /** Target, stated as text, e.g. `≤ 50 ms` or `ratio ≤ 1.0`. */
  readonly target?: string;
  /** Whether the target is met (undefined when there is none). */
  readonly met?: boolean;
  readonly note?: string;
}

function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

/** Renders rows as an aligned text table. */
export function formatBenchRows(rows: readonly BenchRow[]): string {
  const header = ['group', 'measure', 'value', 'anchor', 'ratio', 'target', 'met'];
  const lines = rows.map((r) => [
    r.group,
    r.name,
    `${fmt(r.value)} ${r.unit}`,
    r.anchorName === undefined ? '' : `${r.anchorName} = ${fmt(r.anchorValue ?? NaN)} ${r.unit}`,
    r.anchorValue ? fmt(r.value / r.anchorValue) : '',
    r.target ?? '',
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const render = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const notes = rows.filter((r) => r.note).map((r) => `  * ${r.group} / ${r.name}: ${r.note}`);
  return [
    render(header),
    render(widths.map((w) => '-'.repeat(w))),
    ...lines.map(render),
    ...notes,
  ].join('\n');
}
