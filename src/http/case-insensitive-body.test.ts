import { describe, expect, it } from 'vitest';
import { camelCaseKeys } from './case-insensitive-body.ts';

describe('case-insensitive bodies', () => {
  it('R-API-1: turns PascalCase property names to camelCase at every level, and leaves a camelCase body as it is', () => {
    expect(camelCaseKeys({ LineItems: [{ OfferId: 'x', ID: 1 }], billingCycle: 'monthly' })).toEqual({
      lineItems: [{ offerId: 'x', id: 1 }],
      billingCycle: 'monthly',
    });
    const camel = { lineItems: [{ offerId: 'x' }], quantity: 2 };
    expect(camelCaseKeys(camel)).toBe(camel);
    expect(camelCaseKeys({ outer: { Inner: 1 } })).toEqual({ outer: { inner: 1 } });
  });
});
