import { DomainError } from '../errors.ts';

/** A calendar month in UTC, `YYYY-MM`: the unit of a statement (R-BIL-6). */
export interface Month {
  text: string;
  start: Date;
  /** The first instant of the next month (exclusive). */
  end: Date;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The month `month1` (1-12; beyond 12 rolls into the next years) of `year`. */
export function monthOf(year: number, month1: number): Month {
  const start = new Date(Date.UTC(year, month1 - 1, 1));
  const end = new Date(Date.UTC(year, month1, 1));
  const y = String(start.getUTCFullYear()).padStart(4, '0');
  const m = String(start.getUTCMonth() + 1).padStart(2, '0');
  return { text: `${y}-${m}`, start, end };
}

/** Parses `YYYY-MM`, or refuses with a 400 naming `field`. */
export function parseMonth(text: string, field = 'month'): Month {
  const m = MONTH.exec(text.trim());
  if (!m) {
    throw new DomainError('invalid_input', 2000, 'billing.invalidMonth', { value: text }, [
      { field, rule: 'R-BIL-6' },
    ]);
  }
  return monthOf(Number(m[1]), Number(m[2]));
}

/** The month an instant falls in (UTC). */
export const monthContaining = (d: Date): Month => monthOf(d.getUTCFullYear(), d.getUTCMonth() + 1);

/** At most this many months in one series (ten years): the chart's range is bounded. */
export const MAX_SERIES_MONTHS = 120;

/** Every month from `from` to `to`, both included; refuses a reversed or over-long range. */
export function monthsBetween(from: Month, to: Month): Month[] {
  const count =
    (to.start.getUTCFullYear() - from.start.getUTCFullYear()) * 12 +
    (to.start.getUTCMonth() - from.start.getUTCMonth()) +
    1;
  if (count < 1 || count > MAX_SERIES_MONTHS) {
    throw new DomainError(
      'invalid_input',
      2000,
      'billing.invalidRange',
      { from: from.text, to: to.text, max: MAX_SERIES_MONTHS },
      [{ field: 'from' }, { field: 'to' }],
    );
  }
  const months: Month[] = [];
  for (let i = 0; i < count; i++) {
    months.push(monthOf(from.start.getUTCFullYear(), from.start.getUTCMonth() + 1 + i));
  }
  return months;
}
