import type { CacheCoherence, Invalidation } from './cache-coherence.ts';

interface Flight<V> {
  promise: Promise<V | undefined>;
  stale: boolean;
}

/**
 * Values loaded from the database and kept in this process's memory, under one namespace of cache keys
 * (`access:…`, `tokens:…`), kept coherent with every other process by a CacheCoherence (SPEC §8).
 *
 * - An invalidation of `ns:key` drops the entry, and any load of it already under way is not kept (its read
 *   may predate the change); `ns:*` or `all` drop everything.
 * - When the coherence says this process may not answer from memory, every get loads from the database.
 * - Concurrent gets of one missing key share one load (until an invalidation detaches it).
 */
export class CoherentCache<V> {
  #entries = new Map<string, V>();
  #flights = new Map<string, Flight<V>>();
  #generation = 0;
  readonly #prefix: string;

  constructor(
    private readonly coherence: CacheCoherence,
    namespace: string,
    private readonly maxEntries: number,
  ) {
    this.#prefix = `${namespace}:`;
    coherence.subscribe((inv) => this.#invalidate(inv));
  }

  /** The cache key of `id` in this namespace, as writers signal it. */
  keyOf(id: string): string {
    return this.#prefix + id;
  }

  /** The value for `id`: from memory when allowed and present, else from `load` (undefined is not kept). */
  async get(
    id: string,
    load: () => Promise<V | undefined>,
  ): Promise<{ value: V | undefined; cached: boolean }> {
    if (!this.coherence.cacheUsable()) return { value: await load(), cached: false };
    const hit = this.#entries.get(id);
    if (hit !== undefined) return { value: hit, cached: true };
    let flight = this.#flights.get(id);
    if (!flight) {
      const generation = this.#generation;
      const f: Flight<V> = { stale: false, promise: Promise.resolve(undefined) };
      f.promise = load().then(
        (value) => {
          if (this.#flights.get(id) === f) this.#flights.delete(id);
          const keep = !f.stale && generation === this.#generation && this.coherence.cacheUsable();
          if (keep && value !== undefined) this.#remember(id, value);
          return value;
        },
        (e: unknown) => {
          if (this.#flights.get(id) === f) this.#flights.delete(id);
          throw e;
        },
      );
      this.#flights.set(id, f);
      flight = f;
    }
    return { value: await flight.promise, cached: false };
  }

  /** The value for `id` if this process may answer from memory and holds it; nothing is loaded. */
  peek(id: string): V | undefined {
    return this.coherence.cacheUsable() ? this.#entries.get(id) : undefined;
  }

  get size(): number {
    return this.#entries.size;
  }

  #remember(id: string, value: V): void {
    this.#entries.delete(id);
    this.#entries.set(id, value);
    // Map keeps insertion order: the first entries are the least recently loaded.
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
  }

  #invalidate(inv: Invalidation): void {
    if (inv === 'all' || inv.includes(`${this.#prefix}*`)) {
      this.#generation++;
      this.#entries.clear();
      for (const f of this.#flights.values()) f.stale = true;
      this.#flights.clear();
      return;
    }
    for (const key of inv) {
      if (!key.startsWith(this.#prefix)) continue;
      const id = key.slice(this.#prefix.length);
      this.#entries.delete(id);
      const f = this.#flights.get(id);
      if (f) {
        f.stale = true;
        this.#flights.delete(id);
      }
    }
  }
}
