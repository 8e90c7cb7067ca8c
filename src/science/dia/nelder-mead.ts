/**
 * Nelder–Mead simplex minimisation (standard coefficients: reflection 1, expansion 2,
 * contraction ½, shrink ½) of `f` from `start` with initial steps `steps`, until the simplex's
 * values agree within `tolerance` (absolute) or after `maxEvaluations`. Small fits only: the
 * trail and dipole models, whose fluxes are solved linearly inside `f`.
 */
export function nelderMead(
  f: (p: Float64Array) => number,
  start: ArrayLike<number>,
  steps: ArrayLike<number>,
  options: { readonly tolerance?: number; readonly maxEvaluations?: number } = {},
): { readonly best: Float64Array; readonly value: number; readonly evaluations: number } {
  const n = start.length;
  const tol = options.tolerance ?? 1e-4;
  const maxEval = options.maxEvaluations ?? 400;
  const points: Float64Array[] = [Float64Array.from(start)];
  for (let i = 0; i < n; i++) {
    const p = Float64Array.from(start);
    p[i] = p[i]! + steps[i]!;
    points.push(p);
  }
  const values = points.map((p) => f(p));
  let evaluations = points.length;
  const order = () => {
    const idx = points.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
    const p = idx.map((i) => points[i]!);
    const v = idx.map((i) => values[i]!);
    points.splice(0, points.length, ...p);
    values.splice(0, values.length, ...v);
  };
  const combine = (a: Float64Array, b: Float64Array, t: number) =>
    Float64Array.from(a, (v, i) => v + t * (b[i]! - v));
  while (evaluations < maxEval) {
    order();
    if (Math.abs(values[n]! - values[0]!) <= tol) break;
    const centroid = new Float64Array(n);
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) centroid[i]! += points[k]![i]! / n;
    const worst = points[n]!;
    const reflected = combine(centroid, worst, -1);
    const fr = f(reflected);
    evaluations++;
    if (fr < values[0]!) {
      const expanded = combine(centroid, worst, -2);
      const fe = f(expanded);
      evaluations++;
      if (fe < fr) {
        points[n] = expanded;
        values[n] = fe;
      } else {
        points[n] = reflected;
        values[n] = fr;
      }
    } else if (fr < values[n - 1]!) {
      points[n] = reflected;
      values[n] = fr;
    } else {
      const contracted = combine(centroid, worst, fr < values[n]! ? -0.5 : 0.5);
      const fc = f(contracted);
      evaluations++;
      if (fc < Math.min(fr, values[n]!)) {
        points[n] = contracted;
        values[n] = fc;
      } else {
        for (let k = 1; k <= n; k++) {
          points[k] = combine(points[0]!, points[k]!, 0.5);
          values[k] = f(points[k]!);
          evaluations++;
        }
      }
    }
  }
  order();
  return { best: points[0]!, value: values[0]!, evaluations };
}
