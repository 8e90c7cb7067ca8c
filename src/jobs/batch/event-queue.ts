import { PromptlyError } from '../../core/errors.js';

/**
 * An unbounded, single-consumer async queue: producers `push` without waiting (a backend must
 * never drop or delay a state change because its consumer is slow), the one consumer iterates.
 * After `end()`, items already pushed are still delivered, then the iteration finishes.
 */
export class EventQueue<T> implements AsyncIterable<T> {
  #items: T[] = [];
  /** Index of the next item to hand out in `#items` (shifting would be O(n) per item). */
  #head = 0;
  #waiter: ((result: IteratorResult<T>) => void) | undefined;
  #ended = false;
  #consumed = false;

  /** Queues `item`, or hands it straight to a waiting consumer; ignored after `end()`. */
  push(item: T): void {
    if (this.#ended) return;
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      waiter({ value: item, done: false });
      return;
    }
    this.#items.push(item);
  }

  /** No more items: the consumer gets what is queued, then the end. Idempotent. */
  end(): void {
    this.#ended = true;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.({ value: undefined, done: true });
  }

  /** Items pushed and not yet handed to the consumer. */
  get size(): number {
    return this.#items.length - this.#head;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.#consumed) {
      throw new PromptlyError('PROMPTLY_E_INTERNAL', 'a batch event queue has one consumer');
    }
    this.#consumed = true;
    return {
      next: () => {
        if (this.#head < this.#items.length) {
          const value = this.#items[this.#head] as T;
          this.#head++;
          if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
            this.#items = this.#items.slice(this.#head);
            this.#head = 0;
          }
          return Promise.resolve({ value, done: false });
        }
        if (this.#ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          this.#waiter = resolve;
        });
      },
      return: () => {
        this.end();
        this.#items = [];
        this.#head = 0;
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
