/**
 * A fair readers-writer lock: any number of readers, or one writer; waiters are served in
 * arrival order, so a writer is not starved by a stream of readers.
 */
export class ReadWriteLock {
  #readers = 0;
  #writer = false;
  readonly #queue: { readonly write: boolean; readonly grant: () => void }[] = [];

  /** Resolves with a release function (idempotent) once the lock is held. */
  acquire(write: boolean): Promise<() => void> {
    return new Promise((resolve) => {
      this.#queue.push({ write, grant: () => resolve(this.#releaser(write)) });
      this.#pump();
    });
  }

  #pump(): void {
    for (let next = this.#queue[0]; next !== undefined; next = this.#queue[0]) {
      const free = next.write ? !this.#writer && this.#readers === 0 : !this.#writer;
      if (!free) return;
      this.#queue.shift();
      if (next.write) this.#writer = true;
      else this.#readers++;
      next.grant();
    }
  }

  #releaser(write: boolean): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (write) this.#writer = false;
      else this.#readers--;
      this.#pump();
    };
  }
}
