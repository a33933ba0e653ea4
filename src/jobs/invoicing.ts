import { closeMonthsForPartner, lastClosedMonth, type IssuedDocument } from '../app/invoices.ts';
import { systemContext } from '../app/audit.ts';
import type { Db } from '../db/database.ts';
import { finishTermEnds } from './lifecycle-sweeper.ts';

/**
 * The month close (R-INV-1), run after each lifecycle sweep (the timer and the test clock), so a month's
 * renewals are in the ledger before its invoices are issued. Each partner whose last closed month is behind
 * is closed in its own transaction; a partner already closed costs one read and no lock. Safe to run from
 * several processes at once: the partner's counter row orders them, and the terms that ended by `now` are
 * renewed (or waited for, when another process is renewing them) before the partner's month is closed.
 */
export async function closeMonths(db: Db, now: Date): Promise<IssuedDocument[]> {
  const last = lastClosedMonth(now);
  const due = await db
    .selectFrom('partners')
    .leftJoin('invoice_counters', 'invoice_counters.partner_id', 'partners.id')
    .select('partners.id')
    .where((eb) =>
      eb.or([
        eb('invoice_counters.closed_through', 'is', null),
        eb('invoice_counters.closed_through', '<', last.start),
      ]),
    )
    .orderBy('partners.id')
    .execute();
  const system = systemContext('month-close');
  const issued: IssuedDocument[] = [];
  for (const { id } of due) {
    // A renewal another process is writing right now belongs to the month being closed: wait for it.
    await finishTermEnds(db, id, now);
    issued.push(...(await closeMonthsForPartner(db, id, now, system)));
  }
  return issued;
}
