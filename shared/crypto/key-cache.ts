/**
 * The few lines of an LRU cache with a lifetime that the data-key cache needs: at most `max`
 * entries, each for `ttlMs` after it was set, the least recently used evicted first, and every
 * value handed to `dispose` when it leaves (so plaintext keys are zeroed). lru-cache did this in
 * 19 KB of every reading function's bundle (test/bench/REPORT.md, section 3). A lifetime or size
 * of 0 caches nothing (lru-cache read a ttl of 0 as "forever": dataKeyCacheSeconds 0 kept keys).
 */
export interface KeyCacheOptions<V> {
  max: number;
  ttlMs: number;
  dispose: (value: V) => void;
  now?: () => number;
}

export class KeyCache<V> {
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  readonly #entries = new Map<string, { value: V; expires: number }>();
  readonly #options: KeyCacheOptions<V>;
  readonly #now: () => number;

  constructor(options: KeyCacheOptions<V>) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (entry.expires <= this.#now()) {
      this.#options.dispose(entry.value);
      return undefined;
    }
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** Whether the value was kept: one not kept is still the caller's to dispose of. */
  set(key: string, value: V): boolean {
    if (this.#options.max < 1 || this.#options.ttlMs <= 0) return false;
    const previous = this.#entries.get(key);
    if (previous !== undefined) {
      this.#entries.delete(key);
      if (previous.value !== value) this.#options.dispose(previous.value);
    }
    this.#entries.set(key, { value, expires: this.#now() + this.#options.ttlMs });
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size <= this.#options.max) break;
      this.#entries.delete(oldest);
      this.#options.dispose(entry.value);
    }
    return true;
  }
}
