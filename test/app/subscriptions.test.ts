import { describe, expect, it } from 'vitest';
import { updateSubscription, type SubscriptionPatch } from '../../src/app/lifecycle.ts';
import { placeOrder } from '../../src/app/orders.ts';
import { DomainError } from '../../src/domain/errors.ts';
import { buildUseCases, refused, type UseCaseTest } from '../support/use-cases.ts';

// Quantity changes checked on the use case (R-QTY-1, R-QTY-2); the PATCH's wire rules (If-Match, the full
// resource, MS-RequestId) stay in test/http/lifecycle.test.ts.

async function buy(t: UseCaseTest, customerId: string, cycle: string, offerId: string, quantity: number) {
  const placed = await placeOrder(t.deps(), t.ctx, customerId, {
    billingCycle: cycle,
    lineItems: [{ lineItemNumber: 0, offerId, quantity }],
  });
  return placed.lineItems[0]?.subscriptionId ?? '';
}

/** A change with no version given: it applies to whatever version is current (R-API-3 is the PATCH's). */
const change = (t: UseCaseTest, customerId: string, id: string, patch: SubscriptionPatch) =>
  updateSubscription(t.deps(), t.ctx, customerId, id, undefined, patch);

const quantityOf = async (t: UseCaseTest, id: string) =>
  (await t.db.selectFrom('subscriptions').select('quantity').where('id', '=', id).executeTakeFirstOrThrow())
    .quantity;

describe('quantity changes (R-QTY-1, R-QTY-2)', () => {
  it('R-QTY-1: the new quantity is a total within the offer minimum and maximum (2002)', async () => {
    const t = await buildUseCases();
    const c = await t.customer();
    const id = await buy(t, c, 'monthly', 'CN-365-BB', 5);
    expect((await change(t, c, id, { quantity: 300 })).quantity).toBe(300);
    await refused(change(t, c, id, { quantity: 301 }), { code: 2002, rule: 'R-QTY-1', field: 'quantity' });
    await refused(change(t, c, id, { quantity: 0 }), { code: 2002, rule: 'R-QTY-1', field: 'quantity' });
    expect((await change(t, c, id, { quantity: 1 })).quantity).toBe(1);
    expect(await quantityOf(t, id)).toBe(1);
  });

  it('R-QTY-2: not while suspended (2001), and nothing changes', async () => {
    const t = await buildUseCases();
    const c = await t.customer();
    const id = await buy(t, c, 'monthly', 'CN-365-BB', 5);
    await change(t, c, id, { status: 'suspended', suspensionReasons: ['customerRequest'] });
    await refused(change(t, c, id, { quantity: 10 }), { code: 2001, rule: 'R-QTY-2' });
    expect(await quantityOf(t, id)).toBe(5);
  });

  it('R-QTY-2: not on a trial (800027): its 25 licences are fixed (R-TRI-1)', async () => {
    const t = await buildUseCases();
    const c = await t.customer();
    const id = await buy(t, c, 'none', 'CN-365-E3-TRIAL', 25);
    await refused(change(t, c, id, { quantity: 30 }), { code: 800027 });
    expect(await quantityOf(t, id)).toBe(25);
  });

  it('R-QTY-2: not on a cancelled (deleted) subscription (2011)', async () => {
    const t = await buildUseCases();
    const c = await t.customer();
    const id = await buy(t, c, 'monthly', 'CN-365-BB', 5);
    await change(t, c, id, { status: 'deleted' });
    await refused(change(t, c, id, { quantity: 6 }), { code: 2011 });
    expect(await quantityOf(t, id)).toBe(5);
  });

  it('R-QTY-2: not on an expired or disabled subscription, and nothing changes', async () => {
    const t = await buildUseCases();
    const c = await t.customer();
    for (const status of ['expired', 'disabled'] as const) {
      const id = await buy(t, c, 'monthly', 'CN-365-BB', 5);
      await t.db.updateTable('subscriptions').set({ status }).where('id', '=', id).execute();
      const error = await change(t, c, id, { quantity: 6 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, status).toBeInstanceOf(DomainError);
      expect(['refused', 'conflict', 'invalid_input'], status).toContain((error as DomainError).kind);
      expect(await quantityOf(t, id)).toBe(5);
    }
  });
});
