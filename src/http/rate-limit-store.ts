/** One caller's window: how many requests it made since the window began. */
interface Window {
  count: number;
  startedAt: number;
}

/**
 * The per-caller request counts behind the rate limit (fixed windows, the most recently seen callers kept):
 * the store of @fastify/rate-limit, shared with the decision lane (`decision-lane.ts`) so that a caller is
 * counted once whichever way its request is answered.
 */
export class CallerRateLimits {
  #windows = new Map<string, Window>();

  constructor(private readonly maxCallers = 10_000) {}

  /** Counts a request of `key`; returns the count in its window and the milliseconds the window has left. */
  take(key: string, timeWindow: number, now = Date.now()): { current: number; ttl: number } {
    let w = this.#windows.get(key);
    if (!w || w.startedAt + timeWindow <= now) {
      w = { count: 0, startedAt: now };
      this.#windows.delete(key);
      this.#windows.set(key, w);
      // Map keeps insertion order: the first entries are the callers seen least recently.
      if (this.#windows.size > this.maxCallers) {
        const oldest = this.#windows.keys().next();
        if (!oldest.done) this.#windows.delete(oldest.value);
      }
    }
    w.count++;
    return { current: w.count, ttl: w.startedAt + timeWindow - now };
  }

  /** Takes back a request counted by `take` that another path will count again. */
  giveBack(key: string): void {
    const w = this.#windows.get(key);
    if (w && w.count > 0) w.count--;
  }

  /** @fastify/rate-limit's store interface. */
  incr(
    key: string,
    callback: (error: Error | null, result: { current: number; ttl: number }) => void,
    timeWindow: number,
  ): void {
    callback(null, this.take(key, timeWindow));
  }

  /** Routes with their own limit would get their own store; Seatwise has none, so one store serves all. */
  child(): CallerRateLimits {
    return this;
  }
}
