import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../clock.ts';
import {
  cancellationRetentionEnd,
  dueBefore,
  dueDate,
  made,
  nextMove,
  SCHEDULE,
  settled,
  suspensionRetentionEnd,
  timeline,
  type DatedFacts,
  type DatedMove,
} from './schedule.ts';
import {
  allowedActions,
  isRefusal,
  PARTNER_ACTIONS,
  partnerRefusal,
  SUBSCRIPTION_STATUSES,
  TRANSITIONS,
} from './subscription-rules.ts';
import { termEnd } from './terms.ts';

const START = new Date('2026-01-15T10:00:00.000Z');
const days = (n: number) => n * DAY_MS;
const at = (d: Date, n: number) => new Date(d.getTime() + days(n));

const facts = (f: Partial<DatedFacts> = {}): DatedFacts => ({
  status: 'active',
  isTrial: false,
  autoRenewEnabled: false,
  parentAutoRenewEnabled: null,
  commitmentEndDate: at(START, 30),
  statusChangedAt: START,
  dataRetentionEndDate: null,
  dataPurgedAt: null,
  ...f,
});

/** The timeline as [action, days after START, status after] for a readable comparison. */
const plan = (f: DatedFacts) =>
  timeline(f).map((s) => [s.action, (s.at.getTime() - START.getTime()) / DAY_MS, s.after.status]);

describe('the schedule and the transition table', () => {
  it('every dated move is a move the table allows from each state it applies to', () => {
    for (const move of SCHEDULE) {
      for (const from of move.from) {
        expect(isRefusal(TRANSITIONS[from][move.action]), `${move.step} from ${from}`).toBe(false);
      }
    }
  });

  it('R-RET-3: the sweeper moves are refused to a partner, the partner moves are not dated', () => {
    for (const move of SCHEDULE) expect(PARTNER_ACTIONS).not.toContain(move.action);
  });

  it("a move's SQL bound and its due date are the same inequality", () => {
    const now = at(START, 200);
    for (const move of SCHEDULE) {
      const f = facts({
        status: move.from[0],
        isTrial: move.trial ?? false,
        [move.dueColumn]: dueBefore(move, now),
        dataRetentionEndDate: move.dueColumn === 'dataRetentionEndDate' ? dueBefore(move, now) : at(now, 1),
      });
      expect(dueDate(move, f)?.getTime(), move.step).toBe(now.getTime());
    }
  });

  it('R-RET-3: a dated move that would leave a subscription due for it again is refused, not swept forever', () => {
    // A reminder a week before term end: a move with no effect of its own.
    const reminder = { ...SCHEDULE[1], action: 'rename', days: -7 } satisfies DatedMove;
    expect(() => made(reminder, facts())).toThrow(/has no dated effect/);
    // A purge that forgot to apply only to unpurged data: purging again and again.
    const purgeAgain = { ...SCHEDULE[4], unpurged: false, dueColumn: 'statusChangedAt' } satisfies DatedMove;
    expect(() => made(purgeAgain, facts({ status: 'deleted' }))).toThrow(/would fall due again/);
    for (const move of SCHEDULE) {
      const f = facts({ status: move.from[0], isTrial: move.trial ?? false, dataRetentionEndDate: START });
      if (dueDate(move, f)) expect(() => made(move, f), move.step).not.toThrow();
    }
  });
});

describe('dated moves', () => {
  it('R-TRI-4: a trial expires at its term end, 30 days after it starts, and keeps its data 90 days', () => {
    const trial = facts({ isTrial: true, commitmentEndDate: termEnd(START, 'none') });
    expect(plan(trial)).toEqual([
      ['expireTrial', 30, 'expired'],
      ['delete', 120, 'deleted'],
    ]);
    const expired = made(SCHEDULE[0], trial);
    expect(expired.statusChangedAt).toEqual(at(START, 30));
    expect(expired.dataRetentionEndDate).toEqual(at(START, 120));
  });

  it('R-REN-2: without auto-renew a term ends in expiry, disabled at +30, deleted and purged at +120', () => {
    const end = termEnd(START, 'monthly');
    const f = facts({ commitmentEndDate: end });
    expect(timeline(f).map((s) => [s.action, s.at, s.after.status])).toEqual([
      ['expire', end, 'expired'],
      ['disable', at(end, 30), 'disabled'],
      ['delete', at(end, 120), 'deleted'],
    ]);
    const last = timeline(f).at(-1);
    expect(last?.after.dataPurgedAt).toEqual(at(end, 120));
  });

  it('R-REN-1: with auto-renew nothing ends by itself; an add-on renews only with its base', () => {
    expect(timeline(facts({ autoRenewEnabled: true }))).toEqual([]);
    const addOn = facts({ autoRenewEnabled: true, parentAutoRenewEnabled: false });
    expect(plan(addOn).map((s) => s[0])).toEqual(['expire', 'disable', 'delete']);
    expect(nextMove(facts({ autoRenewEnabled: true }))?.move.step).toBe('endTerms');
  });

  it('R-SUS-5: a suspended subscription is deleted and purged on its retention date', () => {
    const f = facts({ status: 'suspended', dataRetentionEndDate: at(START, 95) });
    expect(plan(f)).toEqual([['delete', 95, 'deleted']]);
    expect(timeline(f)[0]?.after.dataPurgedAt).toEqual(at(START, 95));
  });

  it('R-CAN-1: a cancelled subscription is purged 90 days after cancellation and stays deleted', () => {
    const f = facts({
      status: 'deleted',
      statusChangedAt: START,
      dataRetentionEndDate: cancellationRetentionEnd(START),
    });
    expect(plan(f)).toEqual([['purge', 90, 'deleted']]);
  });

  it('R-RET-2: a purged subscription has nothing left to happen; pending waits for no date', () => {
    expect(timeline(facts({ status: 'deleted', dataRetentionEndDate: START, dataPurgedAt: START }))).toEqual(
      [],
    );
    expect(timeline(facts({ status: 'pending' }))).toEqual([]);
  });

  it('R-RET-3: a late sweep makes every due move at once, each dated when it fell due', () => {
    const end = termEnd(START, 'monthly');
    const f = facts({ commitmentEndDate: end });
    const now = at(end, 45);
    const s = settled(f, now);
    expect(s.status).toBe('disabled');
    expect(s.statusChangedAt).toEqual(at(end, 30));
    expect(s.dataRetentionEndDate).toEqual(at(end, 120));
    expect(settled(f, at(end, -1))).toEqual(f);
    expect(settled(f, at(end, 500)).dataPurgedAt).toEqual(at(end, 120));
  });

  it('R-SUS-3: 90 days plus the days before first billing, at most 120', () => {
    const suspendedAt = at(START, 10);
    const opened = START;
    expect(
      suspensionRetentionEnd(suspendedAt, { accountOpenedAt: opened, firstBillingPeriodStart: null }),
    ).toEqual(at(suspendedAt, 90));
    expect(
      suspensionRetentionEnd(suspendedAt, {
        accountOpenedAt: opened,
        firstBillingPeriodStart: at(opened, 12),
      }),
    ).toEqual(at(suspendedAt, 102));
    expect(
      suspensionRetentionEnd(suspendedAt, {
        accountOpenedAt: opened,
        firstBillingPeriodStart: at(opened, 45),
      }),
    ).toEqual(at(suspendedAt, 120));
    // A first billing before the account opened adds nothing.
    expect(
      suspensionRetentionEnd(suspendedAt, {
        accountOpenedAt: opened,
        firstBillingPeriodStart: at(opened, -5),
      }),
    ).toEqual(at(suspendedAt, 90));
  });
});

describe('allowedActions', () => {
  it('R-SUS-1: lists exactly the partner actions the table and the guards accept, in every state', () => {
    for (const status of SUBSCRIPTION_STATUSES) {
      for (const isTrial of [false, true]) {
        const s = { status, isTrial };
        expect(allowedActions(s)).toEqual(PARTNER_ACTIONS.filter((a) => partnerRefusal(a, s) === null));
        for (const a of allowedActions(s)) expect(isRefusal(TRANSITIONS[status][a])).toBe(false);
      }
    }
  });

  it('R-QTY-2: an active paid subscription may do everything but reactivate; a trial keeps its quantity', () => {
    expect(allowedActions({ status: 'active', isTrial: false })).toEqual([
      'suspend',
      'cancel',
      'changeQuantity',
      'rename',
      'setAutoRenew',
    ]);
    expect(allowedActions({ status: 'active', isTrial: true })).toEqual(['suspend', 'cancel', 'rename']);
    expect(allowedActions({ status: 'suspended', isTrial: false })).toEqual([
      'reactivate',
      'cancel',
      'rename',
      'setAutoRenew',
    ]);
  });

  it('R-REN-1: no auto-renew choice on an offer that does not renew', () => {
    expect(allowedActions({ status: 'active', isTrial: false, offerRenews: false })).not.toContain(
      'setAutoRenew',
    );
  });

  it('R-REN-2: expired and disabled subscriptions can only be renamed; R-CAN-1: a deleted one not even that', () => {
    expect(allowedActions({ status: 'expired', isTrial: false })).toEqual(['rename']);
    expect(allowedActions({ status: 'disabled', isTrial: false })).toEqual(['rename']);
    expect(allowedActions({ status: 'deleted', isTrial: false })).toEqual([]);
  });
});
