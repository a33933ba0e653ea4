import { describe, expect, it } from 'vitest';
import {
  actionForStatus,
  nextStatus,
  parseSuspensionReasons,
  SUBSCRIPTION_STATUSES,
  TRANSITIONS,
  type LifecycleAction,
  type SubscriptionStatus,
} from './subscription-rules.ts';
import { suspensionRetentionEnd } from './schedule.ts';

// The expected moves, written out again so that changing the table is a decision a test records.
// A state is where the move leads; a number is the Partner Center code of the refusal.
const EXPECTED: Record<SubscriptionStatus, Record<LifecycleAction, SubscriptionStatus | number>> = {
  pending: {
    suspend: 800081,
    reactivate: 800081,
    cancel: 800081,
    changeQuantity: 800081,
    rename: 'pending',
    setAutoRenew: 'pending',
    expireTrial: 800096,
    renew: 800096,
    expire: 800096,
    disable: 800096,
    delete: 800096,
    purge: 800096,
  },
  active: {
    suspend: 'suspended',
    reactivate: 800096,
    cancel: 'deleted',
    changeQuantity: 'active',
    rename: 'active',
    setAutoRenew: 'active',
    expireTrial: 'expired',
    renew: 'active',
    expire: 'expired',
    disable: 800096,
    delete: 'deleted',
    purge: 800096,
  },
  suspended: {
    suspend: 800096,
    reactivate: 'active',
    cancel: 'deleted',
    changeQuantity: 2001,
    rename: 'suspended',
    setAutoRenew: 'suspended',
    expireTrial: 800096,
    renew: 800096,
    expire: 800096,
    disable: 800096,
    delete: 'deleted',
    purge: 800096,
  },
  expired: {
    suspend: 800096,
    reactivate: 800096,
    cancel: 800096,
    changeQuantity: 800091,
    rename: 'expired',
    setAutoRenew: 800096,
    expireTrial: 800096,
    renew: 800096,
    expire: 800096,
    disable: 'disabled',
    delete: 'deleted',
    purge: 800096,
  },
  disabled: {
    suspend: 800096,
    reactivate: 800096,
    cancel: 800096,
    changeQuantity: 800091,
    rename: 'disabled',
    setAutoRenew: 800096,
    expireTrial: 800096,
    renew: 800096,
    expire: 800096,
    disable: 800096,
    delete: 'deleted',
    purge: 800096,
  },
  deleted: {
    suspend: 2011,
    reactivate: 2011,
    cancel: 2011,
    changeQuantity: 2011,
    rename: 2011,
    setAutoRenew: 2011,
    expireTrial: 2011,
    renew: 2011,
    expire: 2011,
    disable: 2011,
    delete: 2011,
    purge: 'deleted',
  },
};

describe('subscription transition table (R-SUS, R-CAN, R-REN, R-QTY-2, R-RET-3)', () => {
  for (const from of SUBSCRIPTION_STATUSES) {
    for (const action of Object.keys(TRANSITIONS[from]) as LifecycleAction[]) {
      const expected = EXPECTED[from][action];
      const move = TRANSITIONS[from][action];
      const rule = typeof move === 'string' ? '' : ` (${move.rule})`;
      it(`${from} --${action}--> ${typeof expected === 'number' ? `refused ${expected}${rule}` : expected}`, () => {
        if (typeof expected === 'number') {
          expect(() => nextStatus(from, action, 'sub-1')).toThrow(
            expect.objectContaining({ code: expected }),
          );
        } else {
          expect(nextStatus(from, action, 'sub-1')).toBe(expected);
        }
      });
    }
  }

  it('R-CAN-1: every update of a deleted subscription is 2011, naming the subscription', () => {
    expect(() => nextStatus('deleted', 'rename', 'abc')).toThrow(
      expect.objectContaining({
        code: 2011,
        data: [expect.objectContaining({ rule: 'R-CAN-1', subscriptionId: 'abc' })],
      }),
    );
  });
});

describe("a PATCH's status, read through the table", () => {
  it('R-API-1: the state a PATCH names is the move that leads there, whatever its case; the current state is no move', () => {
    expect(actionForStatus('suspended', 'active', 's')).toBe('suspend');
    expect(actionForStatus('Active', 'suspended', 's')).toBe('reactivate');
    expect(actionForStatus(' DELETED ', 'active', 's')).toBe('cancel');
    expect(actionForStatus('Deleted', 'suspended', 's')).toBe('cancel');
    expect(actionForStatus('active', 'active', 's')).toBeUndefined();
    expect(actionForStatus('Expired', 'expired', 's')).toBeUndefined();
  });

  it('R-RET-3: a state only the lifecycle reaches is refused from every other state, even where the system may move there', () => {
    for (const from of SUBSCRIPTION_STATUSES) {
      for (const target of ['pending', 'expired', 'disabled'] as const) {
        if (target === from || from === 'deleted') continue;
        expect(() => actionForStatus(target, from, 'sub-9')).toThrow(
          expect.objectContaining({
            code: 800096,
            data: [expect.objectContaining({ field: 'status', rule: 'R-RET-3', subscriptionId: 'sub-9' })],
          }),
        );
      }
    }
  });

  it('R-CAN-1: a deleted subscription asked for any other state is 2011, as for every update', () => {
    for (const target of ['pending', 'active', 'suspended', 'expired', 'disabled']) {
      const action = (): unknown => {
        const move = actionForStatus(target, 'deleted', 'sub-9');
        return move && nextStatus('deleted', move, 'sub-9');
      };
      expect(action, target).toThrow(expect.objectContaining({ code: 2011 }));
    }
  });

  it('R-API-1: a status that is no state is a 2000 naming the field', () => {
    expect(() => actionForStatus('paused', 'active', 's')).toThrow(
      expect.objectContaining({ code: 2000, data: [expect.objectContaining({ field: 'status' })] }),
    );
  });
});

describe('R-SUS-3 data retention', () => {
  const suspendedAt = new Date('2027-03-01T00:00:00Z');
  it.each([
    ['no paid subscription yet: 90 days', '2027-01-01', null, '2027-05-30'],
    ['first billed the day the account opened: 90 days', '2027-01-01', '2027-01-01', '2027-05-30'],
    ['first billed 20 days after opening: 110 days', '2027-01-01', '2027-01-21', '2027-06-19'],
    ['first billed 30 days after opening: the 120-day cap', '2027-01-01', '2027-01-31', '2027-06-29'],
    ['first billed 200 days after opening: still 120', '2026-01-01', '2026-07-20', '2027-06-29'],
  ])('R-SUS-3: %s', (_, opened, firstBilled, end) => {
    const date = suspensionRetentionEnd(suspendedAt, {
      accountOpenedAt: new Date(`${opened}T00:00:00Z`),
      firstBillingPeriodStart: firstBilled ? new Date(`${firstBilled}T00:00:00Z`) : null,
    });
    expect(date.toISOString().slice(0, 10)).toBe(end);
  });
});

describe('R-SUS-1 suspension reasons', () => {
  it('reads reasons in any case, records unspecified when none, and needs a comment for other', () => {
    expect(parseSuspensionReasons(['NonPayment', 'fraud'], undefined, 's')).toEqual(['nonPayment', 'fraud']);
    expect(parseSuspensionReasons(undefined, undefined, 's')).toEqual(['unspecified']);
    expect(() => parseSuspensionReasons(['other'], '', 's')).toThrow(expect.objectContaining({ code: 2000 }));
    expect(parseSuspensionReasons(['other'], 'moved to another provider', 's')).toEqual(['other']);
    expect(() => parseSuspensionReasons(['no reason!'], undefined, 's')).toThrow(
      expect.objectContaining({ code: 2000 }),
    );
  });

  it('R-SUS-1: keeps reasons as Partner Center spells them; its known ones in any case become Seatwise’s', () => {
    expect(parseSuspensionReasons(['CustomerCancellation'], undefined, 's')).toEqual([
      'CustomerCancellation',
    ]);
    expect(parseSuspensionReasons(['nonpayment', 'NONPAYMENT'], undefined, 's')).toEqual(['nonPayment']);
    expect(parseSuspensionReasons([], undefined, 's')).toEqual(['unspecified']);
    expect(() => parseSuspensionReasons([''], undefined, 's')).toThrow(
      expect.objectContaining({ code: 2000 }),
    );
  });
});
