/**
 * Union–find over provisional labels held in `parent` (parent[l] = l at a root), as the
 * scan-line labellers use it: path halving on find, and the smaller label stays root on union,
 * so parent[l] ≤ l and one ascending sweep flattens every chain.
 */
export function findRoot(parent: Int32Array, label: number): number {
  let l = label;
  while (parent[l]! !== l) {
    const p = parent[parent[l]!]!;
    parent[l] = p;
    l = p;
  }
  return l;
}

/** Joins the components of labels `a` and `b`; returns the root (the smaller label). */
export function unionRoots(parent: Int32Array, a: number, b: number): number {
  let ra = findRoot(parent, a);
  let rb = findRoot(parent, b);
  if (ra === rb) return ra;
  if (rb < ra) [ra, rb] = [rb, ra];
  parent[rb] = ra;
  return ra;
}
