import { sql, type Kysely } from 'kysely';
import type { BillingCycle } from '../domain/catalog/offer.ts';
import {
  actionOf,
  dueBefore,
  made,
  SCHEDULE,
  type DatedAction,
  type DatedFacts,
  type DatedMove,
  type DueColumn,
  type SweepStep,
} from '../domain/subscription/schedule.ts';
import type { SubscriptionStatus } from '../domain/subscription/subscription-rules.ts';
import { termEnd } from '../domain/subscription/terms.ts';
import { renewalLine } from '../domain/billing/billing-rules.ts';
import { accessChanged } from '../app/access.ts';
import { changeRows, systemContext, type Change, type EventType } from '../app/audit.ts';
import { insertLedgerRows, ledgerRows } from '../app/ledger.ts';
import { priceRenewals } from '../app/pricing.ts';
import { inTransaction, type Db } from '../db/database.ts';
import { PartnerScope } from '../db/scope.ts';
import type { Tables } from '../db/schema.ts';

/** The lifecycle steps, in the order one sweep runs them (R-RET-3): the schedule's dated moves. */
export const SWEEP_STEPS: readonly SweepStep[] = SCHEDULE.map((m) => m.step);
export type { SweepStep };
export type SweepReport = Record<SweepStep | 'renewed', number>;

export interface SweepOptions {
  /** Rows per transaction; memory stays flat whatever is due. */
  batchSize?: number;
  onProgress?: (step: SweepStep, done: number) => void;
}

/** A due subscription, with what the handlers need to decide its next state. */
interface Due {
  partner_id: string;
  id: string;
  customer_id: string;
  offer_id: string;
  status: string;
  billing_cycle: string;
  currency: string;
  unit_price: number;
  quantity: number;
  commitment_end_date: Date;
  status_changed_at: Date;
  data_retention_end_date: Date | null;
  data_purged_at: Date | null;
  is_trial: boolean;
  auto_renew_enabled: boolean;
  parent_auto_renew: boolean | null;
}

/** The state a handler moves a row to; written for a whole batch with one UPDATE. */
interface NextState {
  due: Due;
  status: SubscriptionStatus;
  changedAt: Date;
  retention: Date | null;
  purgedAt: Date | null;
  termEnd: Date;
  unitPrice: number;
  /** The terms a renewal opened (several when the sweep catches up on missed ones), each charged (R-REN-1). */
  renewals: { start: Date; end: Date }[];
  event: EventType;
  operation: string;
}

const SELECT = [
  's.partner_id',
  's.id',
  's.customer_id',
  's.offer_id',
  's.status',
  's.billing_cycle',
  's.currency',
  's.unit_price',
  's.quantity',
  's.commitment_end_date',
  's.status_changed_at',
  's.data_retention_end_date',
  's.data_purged_at',
  's.is_trial',
  's.auto_renew_enabled',
] as const;

/**
 * One partner's due rows for a move, oldest first, locked for this transaction (FOR NO KEY UPDATE, as every
 * writer of subscriptions locks them: see lockCustomerRow). A row another transaction holds (a PATCH, an
 * order, another process's sweep) is waited for, not skipped, and the WHERE, which is the move's
 * precondition, is re-read under the lock: a row that moved on meanwhile is not due. So two sweepers never do
 * a row twice, and when a sweep returns nothing due at its `now` is left (the test clock answers after it).
 * The partner is a constant of the statement, so that a database distributed by partner routes it to one shard.
 */
function dueRows(trx: Kysely<Tables>, move: DatedMove, now: Date, partnerId: string, limit: number) {
  return dueQuery(trx, move, now)
    .where('s.partner_id', '=', partnerId)
    .leftJoin('subscriptions as p', (j) =>
      j
        .on('p.partner_id', '=', partnerId)
        .onRef('p.partner_id', '=', 's.partner_id')
        .onRef('p.id', '=', 's.parent_subscription_id'),
    )
    .select([...SELECT, 'p.auto_renew_enabled as parent_auto_renew'])
    .limit(limit)
    .forNoKeyUpdate('s');
}

const COLUMN = {
  commitmentEndDate: 's.commitment_end_date',
  statusChangedAt: 's.status_changed_at',
  dataRetentionEndDate: 's.data_retention_end_date',
} as const satisfies Record<DueColumn, string>;

/**
 * The rows a move finds due at `now`, in due order: the schedule's conditions written as SQL, each partial index
 * of migration 0004 holding exactly the rows of one move.
 */
function dueQuery(db: Kysely<Tables>, move: DatedMove, now: Date) {
  const column = COLUMN[move.dueColumn];
  let q = db.selectFrom('subscriptions as s');
  // One state as `=`, so that the planner matches the partial index's predicate.
  q =
    move.from.length === 1
      ? q.where('s.status', '=', move.from[0] as string)
      : q.where('s.status', 'in', move.from);
  if (move.trial !== null) q = q.where('s.is_trial', '=', move.trial);
  if (move.unpurged) q = q.where('s.data_purged_at', 'is', null);
  return q.where(column, '<=', dueBefore(move, now)).orderBy(column);
}

/** The partners with rows due for a move (read without locks; each partner's rows are then locked apart). */
async function partnersDue(db: Kysely<Tables>, move: DatedMove, now: Date): Promise<string[]> {
  const rows = await dueQuery(db, move, now).clearOrderBy().select('s.partner_id').distinct().execute();
  return rows.map((r) => r.partner_id);
}

/** The event and audit operation of each dated move: a new one does not compile until it has its own. */
const RECORDED: Record<DatedAction, { event: EventType; operation: string }> = {
  expireTrial: { event: 'subscription.expired', operation: 'expire_trial_subscription' },
  expire: { event: 'subscription.expired', operation: 'expire_subscription' },
  renew: { event: 'subscription.updated', operation: 'renew_subscription' },
  disable: { event: 'subscription.updated', operation: 'disable_subscription' },
  delete: { event: 'subscription.deleted', operation: 'delete_subscription' },
  purge: { event: 'subscription.dataPurged', operation: 'purge_subscription' },
};

const factsOf = (due: Due): DatedFacts => ({
  status: due.status as SubscriptionStatus,
  isTrial: due.is_trial,
  autoRenewEnabled: due.auto_renew_enabled,
  parentAutoRenewEnabled: due.parent_auto_renew,
  commitmentEndDate: due.commitment_end_date,
  statusChangedAt: due.status_changed_at,
  dataRetentionEndDate: due.data_retention_end_date,
  dataPurgedAt: due.data_purged_at,
});

/**
 * What a move does to one due row: the schedule's `made` (dated when it fell due, so a late sweep lands where
 * it should), or for a renewal (R-REN-1) the terms it opens up to `now`, still at the price it had:
 * `priceRenewals` then sets the then-current one.
 */
function decide(move: DatedMove, due: Due, now: Date): NextState {
  const facts = factsOf(due);
  const action = actionOf(move, facts);
  const recorded = RECORDED[action];
  const same = {
    due,
    status: facts.status,
    changedAt: due.status_changed_at,
    retention: due.data_retention_end_date,
    purgedAt: due.data_purged_at,
    termEnd: due.commitment_end_date,
    unitPrice: due.unit_price,
    renewals: [],
    ...recorded,
  };
  if (action === 'renew') {
    const renewals: { start: Date; end: Date }[] = [];
    let next = due.commitment_end_date;
    do {
      const start = next;
      next = termEnd(next, due.billing_cycle as BillingCycle);
      renewals.push({ start, end: next });
    } while (next.getTime() <= now.getTime());
    return { ...same, termEnd: next, renewals };
  }
  const after = made(move, facts);
  return {
    ...same,
    status: after.status,
    changedAt: after.statusChangedAt,
    retention: after.dataRetentionEndDate,
    purgedAt: after.dataPurgedAt,
  };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Writes one partner's batch of next states with one UPDATE over arrays (set-based: a million rows is a
 * thousand statements).
 */
async function applyBatch(trx: Kysely<Tables>, partnerId: string, next: readonly NextState[]): Promise<void> {
  await sql`
    UPDATE subscriptions AS s
    SET status = v.status,
        status_changed_at = v.changed_at,
        data_retention_end_date = v.retention,
        data_purged_at = v.purged_at,
        commitment_end_date = v.term_end,
        unit_price = v.unit_price,
        suspended_with_parent = CASE WHEN v.status = 'suspended' THEN s.suspended_with_parent ELSE false END,
        version = s.version + 1
    FROM unnest(
      ${next.map((n) => n.due.id)}::uuid[],
      ${next.map((n) => n.status)}::text[],
      ${next.map((n) => iso(n.changedAt))}::timestamptz[],
      ${next.map((n) => iso(n.retention))}::timestamptz[],
      ${next.map((n) => iso(n.purgedAt))}::timestamptz[],
      ${next.map((n) => iso(n.termEnd))}::timestamptz[],
      ${next.map((n) => n.unitPrice)}::int[]
    ) AS v(id, status, changed_at, retention, purged_at, term_end, unit_price)
    WHERE s.partner_id = ${partnerId}::uuid AND s.id = v.id`.execute(trx);
}

/** R-ADD-3: add-ons go with a base the sweeper deleted, on the same date. */
async function deleteAddOnsOf(
  trx: Kysely<Tables>,
  partnerId: string,
  deleted: readonly NextState[],
): Promise<NextState[]> {
  if (deleted.length === 0) return [];
  const addOns = await trx
    .selectFrom('subscriptions as s')
    .select([...SELECT, sql<null>`null`.as('parent_auto_renew'), 's.parent_subscription_id'])
    .where('s.partner_id', '=', partnerId)
    .where('s.parent_subscription_id', '=', sql<string>`ANY(${deleted.map((d) => d.due.id)}::uuid[])`)
    .where((eb) => eb.or([eb('s.status', '!=', 'deleted'), eb('s.data_purged_at', 'is', null)]))
    .forNoKeyUpdate('s')
    .execute();
  const byBase = new Map(deleted.map((d) => [d.due.id, d]));
  return addOns.map((a) => {
    const base = byBase.get(a.parent_subscription_id ?? '') as NextState;
    return {
      due: a,
      status: 'deleted',
      changedAt: a.status === 'deleted' ? a.status_changed_at : base.changedAt,
      retention: a.data_retention_end_date ?? base.retention,
      purgedAt: base.purgedAt,
      termEnd: a.commitment_end_date,
      unitPrice: a.unit_price,
      renewals: [],
      event: 'subscription.deleted',
      operation: 'delete_subscription',
    };
  });
}

/**
 * R-REN-1: each renewed term charged whole at the then-current price, dated on the day it began (a late sweep
 * bills the month it fell due in). Written in the batch's transaction with the renewal itself, so a sweep run
 * twice, or by two processes at once, charges each term once; the ledger's unique index on a subscription's
 * term opening would refuse a second charge.
 */
function renewalCharges(partnerId: string, next: readonly NextState[]) {
  return next.flatMap((n) => {
    const sub = {
      id: n.due.id,
      customer_id: n.due.customer_id,
      offer_id: n.due.offer_id,
      billing_cycle: n.due.billing_cycle,
      currency: n.due.currency,
    };
    const billable = {
      status: 'active',
      isTrial: false,
      cycle: n.due.billing_cycle as BillingCycle,
      quantity: n.due.quantity,
      unitPrice: n.unitPrice,
    };
    return ledgerRows(
      partnerId,
      n.renewals.map((term) => ({ sub, lines: [renewalLine(billable, term)], postedAt: term.start })),
    );
  });
}

/**
 * R-RET-2: a purge removes the licence assignments the subscriptions held (the seats go with the data).
 * Returns how many each purged subscription lost, for its audit record.
 */
async function removeLicenses(
  trx: Kysely<Tables>,
  partnerId: string,
  purged: readonly NextState[],
): Promise<Map<string, number>> {
  const removed = new Map<string, number>();
  if (purged.length === 0) return removed;
  const rows = await sql<{ subscription_id: string }>`
    DELETE FROM license_assignments AS a
    WHERE a.partner_id = ${partnerId}::uuid AND a.subscription_id = ANY(${purged.map((n) => n.due.id)}::uuid[])
    RETURNING a.subscription_id`.execute(trx);
  for (const r of rows.rows) removed.set(r.subscription_id, (removed.get(r.subscription_id) ?? 0) + 1);
  return removed;
}

/** The audit records and events of a batch, with a compact payload. */
function batchChanges(next: readonly NextState[], licensesRemoved: ReadonlyMap<string, number>): Change[] {
  return next.map((n): Change => ({
    resourceType: 'subscription',
    resourceId: n.due.id,
    operationType: n.operation,
    customerId: n.due.customer_id,
    reason: 'lifecycle (R-RET-3)',
    before: { status: n.due.status, commitmentEndDate: iso(n.due.commitment_end_date) },
    after: {
      id: n.due.id,
      customerId: n.due.customer_id,
      offerId: n.due.offer_id,
      status: n.status,
      commitmentEndDate: iso(n.termEnd),
      dataRetentionEndDate: iso(n.retention),
      dataPurgedAt: iso(n.purgedAt),
      ...(n.purgedAt && !n.due.data_purged_at ? { licensesRemoved: licensesRemoved.get(n.due.id) ?? 0 } : {}),
    },
    event: n.event,
  }));
}

/**
 * One transaction of a move for one partner: locks up to `limit` due rows, moves them, and writes their audit,
 * events, ledger lines and access stamp. Returns how many rows it moved.
 */
async function sweepBatch(
  db: Db,
  move: DatedMove,
  partnerId: string,
  now: Date,
  limit: number,
  report: SweepReport,
): Promise<number> {
  const step = move.step;
  const system = systemContext('lifecycle-sweeper');
  const done = await inTransaction(db, async (trx) => {
    const due = (await dueRows(trx, move, now, partnerId, limit).execute()) as Due[];
    if (due.length === 0) return 0;
    const next = due.map((d) => decide(move, d, now));
    await priceRenewals(trx, next); // R-REN-1, R-PRC-2: the renewals' price and cost from the rules
    const all = step === 'delete' ? [...next, ...(await deleteAddOnsOf(trx, partnerId, next))] : next;
    await applyBatch(trx, partnerId, all);
    const removed = await removeLicenses(
      trx,
      partnerId,
      all.filter((n) => n.purgedAt && !n.due.data_purged_at),
    );
    const changes = batchChanges(all, removed);
    const scope = new PartnerScope(trx, partnerId);
    await scope.insertRows(changeRows(partnerId, system, changes, now));
    await insertLedgerRows(scope, renewalCharges(partnerId, all));
    // R-ACC: each move changes what the tenant's users and admins may do; renewals change nothing.
    const moved = changes.filter((c) => c.operationType !== 'renew_subscription');
    await accessChanged(
      trx,
      partnerId,
      moved.flatMap((c) => (c.customerId ? [c.customerId] : [])),
    );
    report.renewed += next.filter((n) => n.operation === 'renew_subscription').length;
    return due.length;
  });
  report[step] += done;
  return done;
}

/**
 * R-INV-1 before a month close: every term of the partner that ended by `now` has been renewed or ended, its
 * charge in the ledger. A term another process is renewing at this moment is waited for, not skipped, so its
 * charge lands on the month it belongs to and not on the next one. Returns how many terms it moved itself.
 */
export async function finishTermEnds(
  db: Db,
  partnerId: string,
  now: Date,
  batchSize = 1000,
): Promise<number> {
  const move = SCHEDULE.find((m) => m.step === 'endTerms');
  if (!move) throw new Error('the schedule has no term end');
  const report = emptyReport();
  let total = 0;
  for (;;) {
    const done = await sweepBatch(db, move, partnerId, now, batchSize, report);
    if (done === 0) return total;
    total += done;
  }
}

const emptyReport = (): SweepReport =>
  Object.fromEntries([...SWEEP_STEPS, 'renewed'].map((k) => [k, 0])) as SweepReport;

/**
 * Runs every lifecycle transition that is due at `now` (R-RET-3): trial expiry (R-TRI-4), renewal or expiry
 * at term end (R-REN-1, R-REN-2), expired → disabled after 30 days, deletion and purge when the retention date
 * has passed (R-SUS-5, R-RET-2), and the purge of cancelled subscriptions (R-CAN-1). Idempotent: a second run
 * finds nothing due. Safe with other sweepers on the same PostgreSQL (each waits for rows another holds and
 * re-reads them: `dueRows`). A date that
 * passed while nothing ran takes effect on the next run, dated when it fell due.
 */
export async function sweep(db: Db, now: Date, options: SweepOptions = {}): Promise<SweepReport> {
  const batchSize = options.batchSize ?? 1000;
  const report = emptyReport();
  for (const move of SCHEDULE) {
    // One partner per transaction: every locking statement names its partner (R-RET-3 is per tenant anyway).
    for (const partnerId of await partnersDue(db, move, now)) {
      for (;;) {
        const done = await sweepBatch(db, move, partnerId, now, batchSize, report);
        if (done > 0) options.onProgress?.(move.step, report[move.step]);
        // A short batch means nothing more is due: a row the batch waited on that moved meanwhile is replaced
        // by the next due one (PostgreSQL locks below the LIMIT; test/e2e/concurrency.test.ts checks it).
        if (done < batchSize) break;
      }
    }
  }
  report.endTerms -= report.renewed;
  return report;
}

/** How many rows each step would take now (the totals of `seatwise sweep`'s progress bars). */
export async function countDue(db: Db, now: Date): Promise<Record<SweepStep, number>> {
  const counts = {} as Record<SweepStep, number>;
  for (const move of SCHEDULE) {
    const row = await dueQuery(db, move, now)
      .clearOrderBy()
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    counts[move.step] = Number(row.n);
  }
  return counts;
}
