import { describe, expect, it } from 'vitest';
import type { CatalogEntry } from '../api/client.ts';
import { lineRefusals, orderBody, orderLines, orderTotal } from './order.ts';

const entry = (id: string, unitPrice: number, purchasable = true, min = 1, max = 300): CatalogEntry =>
  ({
    offer: { id, name: id, minimumQuantity: min, maximumQuantity: max },
    unitPrice,
    currency: 'EUR',
    purchasable,
  }) as CatalogEntry;

describe('the new-subscription review (SPEC §5 step 4)', () => {
  const catalog = [entry('A', 1000), entry('B', 250, true, 5, 10), entry('C', 900, false)];

  it('totals the ticked lines by licences and cycle price, in catalog order', () => {
    const lines = orderLines(catalog, { B: '6', A: '3' }, 'monthly');
    expect(lines.map((l) => [l.entry.offer.id, l.quantity, l.total])).toEqual([
      ['A', 3, 3000],
      ['B', 6, 1500],
    ]);
    expect(orderTotal(lines)).toBe(4500);
    expect(orderBody(lines, 'annual')).toEqual({
      billingCycle: 'annual',
      lineItems: [
        { lineItemNumber: 0, offerId: 'A', quantity: 3 },
        { lineItemNumber: 1, offerId: 'B', quantity: 6 },
      ],
    });
  });

  it('flags a count outside the offer bounds before sending (R-ORD-2) and never orders unavailable offers', () => {
    const lines = orderLines(catalog, { B: '11', C: '2', A: 'x' }, 'monthly');
    expect(lines.map((l) => [l.entry.offer.id, l.problem])).toEqual([
      ['A', { key: 'order.quantityRange', min: 1, max: 300 }],
      ['B', { key: 'order.quantityRange', min: 5, max: 10 }],
    ]);
    expect(orderTotal(lines)).toBe(0);
  });

  it('orders a trial as 25 licences under cycle none (R-TRI-1)', () => {
    const lines = orderLines([entry('T', 0)], { T: '3' }, 'trial');
    expect(orderBody(lines, 'trial')).toEqual({
      billingCycle: 'none',
      lineItems: [{ lineItemNumber: 0, offerId: 'T', quantity: 25 }],
    });
  });

  it("puts each refused line's reason on its offer (R-ORD-1)", () => {
    const lines = orderLines(catalog, { A: '1', B: '5' }, 'monthly');
    const refusals = lineRefusals(
      [{ lineItemNumber: 1, code: 800066, rule: 'R-ORD-3', description: 'limit', subscriptionId: 's1' }, 7],
      lines,
    );
    expect([...refusals.values()]).toEqual([
      { offerId: 'B', code: 800066, rule: 'R-ORD-3', description: 'limit', subscriptionId: 's1' },
    ]);
  });
});
