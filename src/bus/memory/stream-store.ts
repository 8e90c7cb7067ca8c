import type { DeliverPolicy, StreamConfig, StreamMessage } from '../bus.js';
import { Deque } from './deque.js';

/**
 * One stream's stored history: messages in sequence order with O(log n) lookup by
 * sequence, O(1) drop of the oldest message overall or of one subject, and limits applied
 * on every append (`maxAgeMs` also on every read; no timers). Removing a message from the
 * middle (per-subject limit) leaves a hole; holes are compacted away once they outnumber
 * live messages, so memory stays proportional to what is kept.
 */
export class StreamStore {
  config: StreamConfig;
  /** Stored messages; `undefined` marks a removed one (a hole). */
  private slots: (StreamMessage | undefined)[] = [];
  /** Sequence of each slot, strictly increasing (kept for holes too, for binary search). */
  private seqs: number[] = [];
  private head = 0;
  private live = 0;
  private lastSeq = 0;
  private readonly bySubject = new Map<string, Deque<number>>();
  /** Called after each append (readers waiting for live messages). */
  private readonly listeners = new Set<() => void>();

  constructor(
    config: StreamConfig,
    private readonly now: () => number,
  ) {
    this.config = config;
  }

  /** Messages stored. */
  get size(): number {
    return this.live;
  }

  /** Highest sequence ever assigned (0 before the first append). */
  get lastSequence(): number {
    return this.lastSeq;
  }

  /** The oldest stored message (after applying `maxAgeMs`), if any. */
  oldest(): StreamMessage | undefined {
    this.pruneAge();
    return this.slots[this.head];
  }

  /** Stores a message, enforces limits, wakes live readers. */
  append(
    subject: string,
    data: Uint8Array,
    headers: Readonly<Record<string, string>> | undefined,
  ): void {
    const timeMs = this.now();
    this.pruneAge(timeMs);
    const seq = ++this.lastSeq;
    const msg: StreamMessage =
      headers === undefined
        ? { stream: this.config.name, seq, timeMs, subject, data }
        : { stream: this.config.name, seq, timeMs, subject, data, headers };
    this.slots.push(msg);
    this.seqs.push(seq);
    this.live++;
    let list = this.bySubject.get(subject);
    if (list === undefined) {
      list = new Deque<number>();
      this.bySubject.set(subject, list);
    }
    list.push(seq);
    const perSubject = this.config.maxMsgsPerSubject;
    if (perSubject !== undefined) {
      while (list.length > perSubject) this.removeSeq(list.first()!);
    }
    const max = this.config.maxMsgs;
    if (max !== undefined) {
      while (this.live > max) this.removeOldest();
    }
    for (const l of this.listeners) l();
  }

  /** Applies changed limits at once (ensureStream on an existing stream). */
  reconfigure(config: StreamConfig): void {
    this.config = config;
    this.pruneAge(this.now());
    if (config.maxMsgsPerSubject !== undefined) {
      for (const list of [...this.bySubject.values()]) {
        while (list.length > config.maxMsgsPerSubject) this.removeSeq(list.first()!);
      }
    }
    if (config.maxMsgs !== undefined) while (this.live > config.maxMsgs) this.removeOldest();
  }

  /** Drops messages older than `maxAgeMs`. */
  pruneAge(nowMs: number = this.now()): void {
    const maxAge = this.config.maxAgeMs;
    if (maxAge === undefined) return;
    const cutoff = nowMs - maxAge;
    for (;;) {
      const first = this.slots[this.head];
      if (first === undefined || first.timeMs > cutoff) return;
      this.removeOldest();
    }
  }

  private removeOldest(): void {
    const msg = this.slots[this.head];
    if (msg !== undefined) this.removeSeq(msg.seq);
  }

  /** Removes the message with this sequence; it must be its subject's oldest. */
  private removeSeq(seq: number): void {
    const i = this.indexOf(seq);
    if (i < 0) return;
    const msg = this.slots[i];
    if (msg === undefined) return;
    this.slots[i] = undefined;
    this.live--;
    const list = this.bySubject.get(msg.subject);
    if (list !== undefined) {
      list.shift();
      if (list.length === 0) this.bySubject.delete(msg.subject);
    }
    while (this.head < this.slots.length && this.slots[this.head] === undefined) this.head++;
    const span = this.slots.length - this.head;
    if (this.head === this.slots.length) {
      this.slots = [];
      this.seqs = [];
      this.head = 0;
    } else if (span >= 64 && this.live * 2 < span) {
      this.compact();
    } else if (this.head >= 1024 && this.head * 2 >= this.slots.length) {
      this.slots = this.slots.slice(this.head);
      this.seqs = this.seqs.slice(this.head);
      this.head = 0;
    }
  }

  private compact(): void {
    const slots: StreamMessage[] = [];
    const seqs: number[] = [];
    for (let i = this.head; i < this.slots.length; i++) {
      const m = this.slots[i];
      if (m !== undefined) {
        slots.push(m);
        seqs.push(m.seq);
      }
    }
    this.slots = slots;
    this.seqs = seqs;
    this.head = 0;
  }

  /** Index of the first slot (from head) whose seq is ≥ `seq`, or slots.length. */
  private lowerBound(seq: number): number {
    let lo = this.head;
    let hi = this.slots.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.seqs[mid]! < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private indexOf(seq: number): number {
    const i = this.lowerBound(seq);
    return this.seqs[i] === seq ? i : -1;
  }

  /** The stored message with the lowest seq ≥ `fromSeq` that passes `match`, if any. */
  nextFrom(
    fromSeq: number,
    match: ((subject: string) => boolean) | undefined,
  ): StreamMessage | undefined {
    this.pruneAge();
    for (let i = this.lowerBound(fromSeq); i < this.slots.length; i++) {
      const m = this.slots[i];
      if (m !== undefined && (match === undefined || match(m.subject))) return m;
    }
    return undefined;
  }

  /** The stored message with exactly this sequence, if still kept. */
  get(seq: number): StreamMessage | undefined {
    const i = this.indexOf(seq);
    return i < 0 ? undefined : this.slots[i];
  }

  /**
   * Where a reader with `policy` starts: a cursor sequence for live-following, plus, for
   * `last-per-subject`, the explicit history sequences (ascending) to send first.
   */
  start(
    policy: DeliverPolicy,
    match: ((subject: string) => boolean) | undefined,
  ): { cursor: number; history: number[] | undefined } {
    this.pruneAge();
    switch (policy.kind) {
      case 'all':
        return { cursor: 1, history: undefined };
      case 'new':
        return { cursor: this.lastSeq + 1, history: undefined };
      case 'from-seq':
        return { cursor: policy.seq, history: undefined };
      case 'last': {
        let need = policy.count;
        let cursor = this.lastSeq + 1;
        for (let i = this.slots.length - 1; i >= this.head && need > 0; i--) {
          const m = this.slots[i];
          if (m !== undefined && (match === undefined || match(m.subject))) {
            cursor = m.seq;
            need--;
          }
        }
        return { cursor, history: undefined };
      }
      case 'last-per-subject': {
        const history: number[] = [];
        for (const [subject, list] of this.bySubject) {
          if (match === undefined || match(subject)) history.push(list.last()!);
        }
        history.sort((a, b) => a - b);
        return { cursor: this.lastSeq + 1, history };
      }
    }
  }

  /** Registers a callback run after every append; returns its remover. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
