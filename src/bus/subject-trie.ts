import { tokenizeFilter, WILDCARD_ONE, WILDCARD_TAIL } from './subject-filter.js';

interface TrieNode<T> {
  /** Literal next tokens. */
  literal: Map<string, TrieNode<T>> | undefined;
  /** The `*` branch. */
  one: TrieNode<T> | undefined;
  /** Values whose filter ends exactly here. */
  exact: Set<T> | undefined;
  /** Values whose filter is this prefix followed by `>`. */
  tail: Set<T> | undefined;
}

function newNode<T>(): TrieNode<T> {
  return { literal: undefined, one: undefined, exact: undefined, tail: undefined };
}

function isEmpty<T>(n: TrieNode<T>): boolean {
  return (
    (n.literal === undefined || n.literal.size === 0) &&
    n.one === undefined &&
    (n.exact === undefined || n.exact.size === 0) &&
    (n.tail === undefined || n.tail.size === 0)
  );
}

/**
 * An index from subject filters to values (like NATS's sublist): a trie keyed by token,
 * with separate branches for `*` and `>`. Matching a subject costs O(depth × wildcard
 * branching), independent of how many exact filters are stored, so hundreds of exact
 * subscriptions such as `raw.arrived.LSSTCam.94.<group>` cost one map lookup per token.
 *
 * A value may be stored under several filters; {@link visit} then reports it once per
 * matching filter, so callers that need set semantics dedupe themselves.
 */
export class SubjectTrie<T> {
  private readonly root: TrieNode<T> = newNode();
  private count = 0;

  /** Number of (filter, value) entries stored. */
  get size(): number {
    return this.count;
  }

  /** Adds `value` under `filter` (validated; throws PROMPTLY_E_BUS_SUBJECT_INVALID). */
  insert(filter: string, value: T): void {
    const tokens = tokenizeFilter(filter);
    let node = this.root;
    const last = tokens.length - 1;
    for (let i = 0; i <= last; i++) {
      const t = tokens[i]!;
      if (t === WILDCARD_TAIL) {
        node.tail ??= new Set();
        if (!node.tail.has(value)) this.count++;
        node.tail.add(value);
        return;
      }
      let next: TrieNode<T> | undefined;
      if (t === WILDCARD_ONE) {
        next = node.one ??= newNode();
      } else {
        node.literal ??= new Map();
        next = node.literal.get(t);
        if (next === undefined) {
          next = newNode();
          node.literal.set(t, next);
        }
      }
      node = next;
    }
    node.exact ??= new Set();
    if (!node.exact.has(value)) this.count++;
    node.exact.add(value);
  }

  /** Removes `value` from under `filter`; prunes emptied branches. Returns whether it was there. */
  remove(filter: string, value: T): boolean {
    const tokens = tokenizeFilter(filter);
    return this.removeAt(this.root, tokens, 0, value);
  }

  private removeAt(node: TrieNode<T>, tokens: readonly string[], i: number, value: T): boolean {
    const t = tokens[i];
    if (t === undefined) {
      const removed = node.exact?.delete(value) ?? false;
      if (removed) this.count--;
      return removed;
    }
    if (t === WILDCARD_TAIL) {
      const removed = node.tail?.delete(value) ?? false;
      if (removed) this.count--;
      return removed;
    }
    const child = t === WILDCARD_ONE ? node.one : node.literal?.get(t);
    if (child === undefined) return false;
    const removed = this.removeAt(child, tokens, i + 1, value);
    if (removed && isEmpty(child)) {
      if (t === WILDCARD_ONE) node.one = undefined;
      else node.literal!.delete(t);
    }
    return removed;
  }

  /** Calls `fn` for every value whose filter matches the (valid, pre-split) subject. */
  visit(subjectTokens: readonly string[], fn: (value: T) => void): void {
    this.visitAt(this.root, subjectTokens, 0, fn);
  }

  private visitAt(
    node: TrieNode<T>,
    tokens: readonly string[],
    i: number,
    fn: (value: T) => void,
  ): void {
    // Iterative along the literal path; recursion only where a `*` branch exists.
    let n: TrieNode<T> | undefined = node;
    let k = i;
    while (n !== undefined) {
      if (k === tokens.length) {
        if (n.exact !== undefined) for (const v of n.exact) fn(v);
        return;
      }
      if (n.tail !== undefined) for (const v of n.tail) fn(v);
      if (n.one !== undefined) this.visitAt(n.one, tokens, k + 1, fn);
      n = n.literal?.get(tokens[k]!);
      k++;
    }
  }

  /** The values matching `subjectTokens`, deduplicated, in no particular order. */
  match(subjectTokens: readonly string[]): T[] {
    const out = new Set<T>();
    this.visit(subjectTokens, (v) => out.add(v));
    return [...out];
  }

  /** True when no entry is stored. */
  get empty(): boolean {
    return this.count === 0;
  }
}
