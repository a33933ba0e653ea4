import { describe, expect, it } from 'vitest';
import type { Subscription } from '../api/client.ts';
import { allowedEdits, formOf, patchFor, termPrice } from './subscription-form.ts';

const sub = (over: Partial<Subscription> = {}): Subscription =>
  ({
    id: 's1',
    friendlyName: 'Office',
    quantity: 10,
    autoRenewEnabled: true,
    status: 'active',
    isTrial: false,
    parentSubscriptionId: null,
    allowedActions: ['suspend', 'cancel', 'changeQuantity', 'rename', 'setAutoRenew'],
    ...over,
  }) as Subscription;
const bounds = { minimumQuantity: 1, maximumQuantity: 300 };

describe('the subscription edit form (SPEC §5 step 6)', () => {
  it('sends the full resource with the new quantity (R-QTY-1), or nothing when nothing changed', () => {
    const s = sub();
    expect(patchFor(s, formOf(s), bounds).body).toBeUndefined();
    const { body } = patchFor(s, { ...formOf(s), quantity: '12' }, bounds);
    expect(body).toMatchObject({ id: 's1', quantity: 12, status: 'active', friendlyName: 'Office' });
  });

  it('refuses a count outside the bounds before sending (R-QTY-1)', () => {
    const s = sub();
    expect(patchFor(s, { ...formOf(s), quantity: '301' }, bounds).problems).toEqual([
      { field: 'quantity', key: 'subscription.quantityRange', min: 1, max: 300 },
    ]);
  });

  it('asks for a reason to suspend, and a comment with "other" (R-SUS-1)', () => {
    const s = sub();
    const suspended = { ...formOf(s), status: 'suspended' as const };
    expect(patchFor(s, suspended, bounds).problems.map((p) => p.field)).toEqual(['reason']);
    expect(patchFor(s, { ...suspended, reason: 'other' }, bounds).problems.map((p) => p.field)).toEqual([
      'comment',
    ]);
    expect(patchFor(s, { ...suspended, reason: 'nonPayment' }, bounds).body).toMatchObject({
      status: 'suspended',
      suspensionReasons: ['nonPayment'],
    });
  });

  it('reactivates a suspended subscription by choosing Active (R-SUS-4)', () => {
    const s = sub({ status: 'suspended' });
    expect(formOf(s).status).toBe('suspended');
    expect(patchFor(s, { ...formOf(s), status: 'active' }, bounds).body).toMatchObject({ status: 'active' });
  });

  it('R-SUS-1, R-QTY-2: offers exactly the moves the API lists in allowedActions, and no other', () => {
    const suspended = sub({
      status: 'suspended',
      allowedActions: ['reactivate', 'cancel', 'rename', 'setAutoRenew'],
    });
    expect(allowedEdits(suspended)).toMatchObject({
      form: true,
      quantity: false,
      suspend: false,
      reactivate: true,
      cancel: true,
      autoRenew: true,
      addOns: false,
    });
    const trial = sub({ isTrial: true, allowedActions: ['suspend', 'cancel', 'rename'] });
    expect(allowedEdits(trial)).toMatchObject({
      quantity: false,
      autoRenew: false,
      convert: true,
      addOns: false,
    });
    expect(allowedEdits(sub())).toMatchObject({
      quantity: true,
      autoRenew: true,
      suspend: true,
      addOns: true,
    });
    // The console reads the list, not the status: an active subscription the server lists nothing for is read-only.
    expect(allowedEdits(sub({ allowedActions: [] }))).toMatchObject({
      form: false,
      quantity: false,
      cancel: false,
      convert: false,
      addOns: false,
    });
    expect(allowedEdits(sub({ status: 'deleted', allowedActions: [] }))).toMatchObject({
      form: false,
      cancel: false,
    });
  });
});

describe('the price a subscription page shows', () => {
  it('R-BIL-1: an annual subscription costs twelve monthly prices per licence per year; a monthly one its price', () => {
    expect(termPrice({ unitPrice: 3600, billingCycle: 'annual' })).toBe(43200);
    expect(termPrice({ unitPrice: 1250, billingCycle: 'monthly' })).toBe(1250);
  });
});
