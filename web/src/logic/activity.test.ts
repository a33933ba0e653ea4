import { describe, expect, it } from 'vitest';
import { describeChange, parseReason } from './activity.ts';

describe('the activity log lines (R-AUD)', () => {
  it('names the subscription and what moved', () => {
    const r = {
      resourceOldValue: JSON.stringify({ friendlyName: 'Office', status: 'active', quantity: 10 }),
      resourceNewValue: JSON.stringify({ friendlyName: 'Office', status: 'suspended', quantity: 10 }),
    };
    expect(describeChange(r)).toEqual({ name: 'Office', status: { from: 'active', to: 'suspended' } });
  });

  it('reads a creation (no before) and survives values that are not JSON', () => {
    expect(
      describeChange({ resourceOldValue: null, resourceNewValue: '{"companyName":"Fabrikam"}' }),
    ).toEqual({
      name: 'Fabrikam',
    });
    expect(describeChange({ resourceOldValue: 'x', resourceNewValue: null })).toEqual({});
  });

  it('reads the suspension reasons the server records (R-SUS-1), with or without the base', () => {
    expect(parseReason('nonPayment')).toEqual({ codes: ['nonPayment'], withBase: false });
    expect(parseReason('fraud, other (with its base)')).toEqual({
      codes: ['fraud', 'other'],
      withBase: true,
    });
    expect(parseReason('with its base')).toEqual({ codes: [], withBase: true });
    expect(parseReason('renewed at term end: 2027')).toBeUndefined();
  });

  it('names the user, the role and the licences a user record changed', () => {
    expect(
      describeChange({
        resourceOldValue: JSON.stringify({ userPrincipalName: 'lee@x.example', role: 'user' }),
        resourceNewValue: JSON.stringify({ userPrincipalName: 'lee@x.example', role: 'admin' }),
      }),
    ).toEqual({ user: 'lee@x.example', role: { from: 'user', to: 'admin' } });
    expect(
      describeChange({
        resourceOldValue: JSON.stringify({ userId: 'u1', subscriptionIds: ['a', 'b'] }),
        resourceNewValue: JSON.stringify({ userId: 'u1', subscriptionIds: ['b', 'c'] }),
      }),
    ).toEqual({ userId: 'u1', licensesAdded: ['c'], licensesRemoved: ['a'] });
  });
});

describe('price rule records (R-AUD, R-PRC-2)', () => {
  it('R-PRC-2: reads a price rule version: its target, terms and date, and nothing from other records', () => {
    const after = {
      ruleId: 'r1',
      version: 2,
      scope: 'offer',
      category: null,
      offerId: 'CN-365-BB',
      customerId: null,
      kind: 'fixed',
      percent: null,
      prices: { USD: 590 },
      allowBelowCost: false,
      effectiveFrom: '2027-02-01T00:00:00.000Z',
      retired: false,
    };
    expect(describeChange({ resourceOldValue: null, resourceNewValue: JSON.stringify(after) })).toEqual({
      priceRule: {
        scope: 'offer',
        target: 'CN-365-BB',
        kind: 'fixed',
        percent: null,
        prices: { USD: 590 },
        allowBelowCost: false,
        effectiveFrom: '2027-02-01T00:00:00.000Z',
        retired: false,
      },
    });
    const markup = { ...after, scope: 'partner', offerId: null, kind: 'markup', percent: 15, prices: {} };
    expect(
      describeChange({ resourceOldValue: null, resourceNewValue: JSON.stringify(markup) }).priceRule,
    ).toMatchObject({ scope: 'partner', kind: 'markup', percent: 15 });
    expect(
      describeChange({ resourceOldValue: null, resourceNewValue: JSON.stringify(markup) }).priceRule,
    ).not.toHaveProperty('target');
    expect(
      describeChange({ resourceOldValue: null, resourceNewValue: '{"scope":"x","kind":"y"}' }).priceRule,
    ).toBeUndefined();
  });
});
