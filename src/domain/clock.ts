/** Time is an input: every rule that depends on "now" reads it from a Clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export const DAY_MS = 86_400_000;

/** `d` moved by `n` days (back when n is negative). */
export const plusDays = (d: Date, n: number): Date => new Date(d.getTime() + n * DAY_MS);

/** Whole days elapsed from `from` to `at`: 0 on day 1, 29 on day 30 (0 if `at` is before `from`). */
export const daysSince = (from: Date, at: Date): number =>
  Math.max(0, Math.floor((at.getTime() - from.getTime()) / DAY_MS));

/** Whole days from `at` to `end`, the day of `at` included (0 once the end has passed). */
export const daysLeft = (at: Date, end: Date): number =>
  Math.max(0, Math.ceil((end.getTime() - at.getTime()) / DAY_MS));

/**
 * A clock that stands still until it is moved, and only forward (R-API-7). The server uses it when
 * SEATWISE_TEST_CLOCK=1; tests use it to reach day 30, 90 and 120 in milliseconds.
 */
export class ManualClock implements Clock {
  #now: Date;
  constructor(start: Date) {
    this.#now = new Date(start.getTime());
  }
  now(): Date {
    return new Date(this.#now.getTime());
  }
  /** Moves to `to`; refuses to move backwards because lifecycle transitions already made cannot be undone. */
  set(to: Date): void {
    if (to.getTime() < this.#now.getTime()) throw new RangeError('the test clock only moves forward');
    this.#now = new Date(to.getTime());
  }
  advance(ms: number): void {
    this.set(new Date(this.#now.getTime() + ms));
  }
}

/**
 * Parses an ISO 8601 duration made of days and time parts (`P30D`, `P1DT12H`, `PT90M`, `P2W`) into
 * milliseconds. Years and months are refused: their length depends on the date they start from.
 */
export function parseDuration(text: string): number | undefined {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text.trim());
  if (!m || text.trim().toUpperCase() === 'P' || /T$/i.test(text.trim())) return undefined;
  const [, w, d, h, min, s] = m;
  const num = (v: string | undefined) => (v === undefined ? 0 : Number(v));
  return (
    num(w) * 7 * DAY_MS + num(d) * DAY_MS + num(h) * 3_600_000 + num(min) * 60_000 + Math.round(num(s) * 1000)
  );
}
