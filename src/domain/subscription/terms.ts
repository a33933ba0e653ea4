import { utc } from '@date-fns/utc';
import { addDays, addMonths } from 'date-fns';
import type { BillingCycle } from '../catalog/offer.ts';

/** R-TRI-1: a trial lasts this many days. */
export const TRIAL_DAYS = 30;

/** Partner Center's `termDuration` of each billing cycle (ISO 8601): a trial's is its 30 days (R-TRI-1). */
export const TERM_DURATION: Record<BillingCycle, string> = {
  monthly: 'P1M',
  annual: 'P1Y',
  none: `P${TRIAL_DAYS}D`,
};

/**
 * R-ORD-5: the term end of a subscription that starts at `start`: one month later (monthly), twelve months
 * (annual), or 30 days for a trial (cycle `none`), in UTC whatever the server's time zone. A month after
 * the 31st is the month's last day.
 */
export function termEnd(start: Date, cycle: BillingCycle): Date {
  // A plain Date, not date-fns' UTCDate: drivers serialize plain Dates predictably.
  return new Date(termEndIn(start, cycle).getTime());
}

function termEndIn(start: Date, cycle: BillingCycle): Date {
  switch (cycle) {
    case 'monthly':
      return addMonths(start, 1, { in: utc });
    case 'annual':
      return addMonths(start, 12, { in: utc });
    case 'none':
      return addDays(start, TRIAL_DAYS, { in: utc });
  }
}
