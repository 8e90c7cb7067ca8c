/**
 * What one task of a run hands to the next (the ISR exposure to detection, a difference image
 * to DIA measurement), typed by its key: `get` of a `HandOffKey<Image>` is an `Image`. Lives
 * as long as one visit-detector's run, in the thread that computes it; never serialized.
 */
export class HandOffKey<T> {
  /** Type-only marker so keys of different value types are not interchangeable. */
  declare readonly _value: T;
  constructor(
    /** Shown in errors, e.g. `exposure`. */
    readonly name: string,
  ) {}
}

/** The hand-offs of one run. */
export class HandOffs {
  readonly #values = new Map<HandOffKey<unknown>, unknown>();

  set<T>(key: HandOffKey<T>, value: T): void {
    this.#values.set(key, value);
  }

  get<T>(key: HandOffKey<T>): T | undefined {
    return this.#values.get(key) as T | undefined;
  }

  has(key: HandOffKey<unknown>): boolean {
    return this.#values.has(key);
  }
}
