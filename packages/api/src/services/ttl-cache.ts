/**
 * How long after a change a key is not cached: longer than any read can take (pg's statement
 * timeout is 15 s), so a read that began before the change cannot put the old value back. Found by
 * bench/load.ts: plans of an older revision served right after an acknowledged edit.
 */
const CHANGE_QUARANTINE_MS = 30_000;

/**
 * A small time-bounded cache: entries live `ttlMs`, the oldest are dropped past `maxEntries`.
 * Used only to spare the database repeated identical reads within a second or so; with `ttlMs` 0
 * it holds nothing.
 */
export class TtlCache<V> {
  readonly #entries = new Map<string, { value: V; expires: number }>();
  constructor(
    readonly ttlMs: number,
    readonly maxEntries = 10_000,
  ) {}

  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= performance.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V): void {
    if (this.ttlMs <= 0) return;
    // A read begun before the key changed may bring the old value back: not cached for a while.
    const changedAt = this.#changed.get(key);
    if (changedAt !== undefined) {
      if (performance.now() - changedAt < CHANGE_QUARANTINE_MS) return;
      this.#changed.delete(key);
    }
    this.#entries.delete(key);
    this.#entries.set(key, { value, expires: performance.now() + this.ttlMs });
    if (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  /** Forgets `key` because what it names changed: no read begun before this may be cached or shared. */
  delete(key: string): void {
    this.#entries.delete(key);
    this.#loading.delete(key);
    this.#changed.delete(key);
    this.#changed.set(key, performance.now());
    if (this.#changed.size > this.maxEntries) {
      const oldest = this.#changed.keys().next().value;
      if (oldest !== undefined) this.#changed.delete(oldest);
    }
  }

  /** When each recently deleted key changed. */
  readonly #changed = new Map<string, number>();

  readonly #loading = new Map<string, Promise<V | undefined>>();

  /**
   * The cached value, or `load()`'s (cached when defined). Concurrent callers for one key share a
   * single `load()`, so a burst of requests after an entry expired makes one database read.
   */
  getOrLoad(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const hit = this.get(key);
    if (hit !== undefined) return Promise.resolve(hit);
    const pending = this.#loading.get(key);
    if (pending) return pending;
    const promise = load()
      .then((value) => {
        if (value !== undefined) this.set(key, value);
        return value;
      })
      .finally(() => {
        if (this.#loading.get(key) === promise) this.#loading.delete(key);
      });
    this.#loading.set(key, promise);
    return promise;
  }
}
