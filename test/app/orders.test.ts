import { describe, expect, it } from 'vitest';
import { placeOrder, type NewLineItem } from '../../src/app/orders.ts';
import { convertTrial } from '../../src/app/trials.ts';
import { DomainError } from '../../src/domain/errors.ts';
import { REFERENCE_TIME } from '../support/template.ts';
import { buildUseCases, refused, type UseCaseTest } from '../support/use-cases.ts';

// Ordering rules checked on the use case itself, on the real database; test/http/orders.test.ts keeps
// what the wire adds (Partner Center's body, status codes, localized messages, MS-RequestId).

const line = (offerId: string, quantity: number, lineItemNumber = 0): NewLineItem => ({
  lineItemNumber,
  offerId,
  quantity,
});

const order = (t: UseCaseTest, customerId: string, billingCycle: string, ...lineItems: NewLineItem[]) =>
  placeOrder(t.deps(), t.ctx, customerId, { billingCycle, lineItems });

const counts = async (t: UseCaseTest) => {
  const [orders, subscriptions] = await Promise.all([
    t.db
      .selectFrom('orders')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
    t.db
      .selectFrom('subscriptions')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { orders: Number(orders.n), subscriptions: Number(subscriptions.n) };
};

const statusOf = (t: UseCaseTest, id: string) =>
  t.db
    .selectFrom('subscriptions')
    .select(['status', 'offer_id'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

describe('orders (R-ORD-1, R-ORD-2, R-ORD-3, R-ORD-5)', () => {
  it('R-ORD-1: one invalid line refuses the whole order, naming each failing line, and writes nothing', async () => {
    const t = await buildUseCases();
    const c = await t.customer();
    const error = await refused(
      order(t, c, 'monthly', line('CN-365-BB', 5, 0), line('NO-SUCH-OFFER', 1, 1), line('CN-365-BB', 0, 2)),
      { code: 2000 },
    );
    expect((error.data as { lineItemNumber: number }[]).map((d) => d.lineItemNumber).sort()).toEqual([1, 2]);
    expect(await counts(t)).toEqual({ orders: 0, subscriptions: 0 });
  });

  it('R-ORD-2: a quantity outside the offer minimum and maximum is refused with 2002', async () => {
    const t = await buildUseCases();
    const c = await t.customer();
    await refused(order(t, c, 'monthly', line('CN-365-BB', 301)), {
      code: 2002,
      rule: 'R-ORD-2',
      field: 'quantity',
    });
    await refused(order(t, c, 'monthly', line('CN-365-BB', 0)), { code: 2002, rule: 'R-ORD-2' });
    const ok = await order(t, c, 'monthly', line('CN-365-BB', 300));
    expect(ok.lineItems).toHaveLength(1);
  });

  it('R-ORD-3: a Concurrent limit of one refuses a second live subscription, names the first, and frees up on deletion', async () => {
    const t = await buildUseCases();
    const c = await t.customer();
    const first = await order(t, c, 'monthly', line('CN-365-BS', 3));
    const firstId = first.lineItems[0]?.subscriptionId ?? '';
    await refused(order(t, c, 'monthly', line('CN-365-BS', 1)), { code: 800066, rule: 'R-ORD-3' });
    // A suspended one counts, and the refusal says to reactivate it instead (R-CAT-2).
    await t.db.updateTable('subscriptions').set({ status: 'suspended' }).where('id', '=', firstId).execute();
    await refused(order(t, c, 'monthly', line('CN-365-BS', 1)), { code: 800066, rule: 'R-CAT-2' });
    // Expired and disabled still count; only deleted does not.
    for (const status of ['expired', 'disabled'] as const) {
      await t.db.updateTable('subscriptions').set({ status }).where('id', '=', firstId).execute();
      await refused(order(t, c, 'monthly', line('CN-365-BS', 1)), { code: 800066, rule: 'R-ORD-3' });
    }
    await t.db.updateTable('subscriptions').set({ status: 'deleted' }).where('id', '=', firstId).execute();
    expect((await order(t, c, 'monthly', line('CN-365-BS', 1))).lineItems).toHaveLength(1);
  });

  it('R-ORD-3: two lines of one limited offer in one order: the second line is refused', async () => {
    const t = await buildUseCases();
    const c = await t.customer();
    const error = await refused(order(t, c, 'monthly', line('CN-365-BS', 1, 0), line('CN-365-BS', 1, 1)), {
      code: 800066,
      rule: 'R-ORD-3',
    });
    expect((error.data as { lineItemNumber: number }[]).map((d) => d.lineItemNumber)).toEqual([1]);
    expect(await counts(t)).toEqual({ orders: 0, subscriptions: 0 });
  });

  it('R-ORD-3: a LifeTime limit counts deleted subscriptions too', async () => {
    const t = await buildUseCases();
    const c = await t.customer({ segment: 'nonprofit' });
    await order(t, c, 'annual', line('CN-365-BP-NP-GRANT', 10));
    await t.db.updateTable('subscriptions').set({ status: 'deleted' }).execute();
    await refused(order(t, c, 'annual', line('CN-365-BP-NP-GRANT', 1)), { code: 800066, rule: 'R-ORD-3' });
  });

  it('R-ORD-5: starts at the order time, ends a month or twelve months later; the first paid order starts billing', async () => {
    const t = await buildUseCases();
    const c = await t.customer();
    await t.advanceDays(3);
    const monthly = await order(t, c, 'monthly', line('CN-365-BB', 2));
    const annual = await order(t, c, 'annual', line('CN-365-E3', 2));
    const rows = await t.db
      .selectFrom('subscriptions')
      .select(['id', 'effective_start_date', 'commitment_end_date'])
      .where('id', 'in', [
        monthly.lineItems[0]?.subscriptionId ?? '',
        annual.lineItems[0]?.subscriptionId ?? '',
      ])
      .execute();
    const at = new Date(REFERENCE_TIME.getTime() + 3 * 86_400_000);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const m = byId.get(monthly.lineItems[0]?.subscriptionId ?? '');
    const a = byId.get(annual.lineItems[0]?.subscriptionId ?? '');
    expect(new Date(m?.effective_start_date ?? 0).toISOString()).toBe(at.toISOString());
    expect(new Date(m?.commitment_end_date ?? 0).toISOString()).toBe('2027-02-18T09:00:00.000Z');
    expect(new Date(a?.commitment_end_date ?? 0).toISOString()).toBe('2028-01-18T09:00:00.000Z');
    const customer = await t.db
      .selectFrom('customers')
      .select('first_billing_period_start')
      .where('id', '=', c)
      .executeTakeFirstOrThrow();
    expect(new Date(customer.first_billing_period_start ?? 0).toISOString()).toBe(at.toISOString());
  });
});

describe('trials (R-TRI-1, R-TRI-2, R-TRI-3)', () => {
  it('R-TRI-1: exactly 25 licences, cycle none, 30 days, free, and never for education customers', async () => {
    const t = await buildUseCases();
    const c = await t.customer();
    const placed = await order(t, c, 'none', line('CN-365-E3-TRIAL', 25));
    const sub = await t.db
      .selectFrom('subscriptions')
      .selectAll()
      .where('id', '=', placed.lineItems[0]?.subscriptionId ?? '')
      .executeTakeFirstOrThrow();
    expect({ quantity: sub.quantity, cycle: sub.billing_cycle }).toEqual({ quantity: 25, cycle: 'none' });
    expect(new Date(sub.commitment_end_date).toISOString()).toBe('2027-02-14T09:00:00.000Z');
    const ledger = await t.db
      .selectFrom('ledger_entries')
      .select('id')
      .where('subscription_id', '=', sub.id)
      .execute();
    expect(ledger).toEqual([]);
    await refused(order(t, c, 'none', line('CN-365-E3-TRIAL', 10)), {
      code: 2002,
      rule: 'R-TRI-1',
      field: 'quantity',
    });
    await refused(order(t, c, 'monthly', line('CN-365-E3-TRIAL', 25)), { code: 6001, rule: 'R-TRI-1' });
    const school = await t.customer({ segment: 'education' });
    await refused(order(t, school, 'none', line('CN-365-E3-TRIAL', 25)), { code: 2085, rule: 'R-TRI-1' });
  });

  it('R-TRI-2: one trial per offer per customer, ever, even after the first was deleted', async () => {
    const t = await buildUseCases();
    const c = await t.customer();
    await order(t, c, 'none', line('CN-365-E3-TRIAL', 25));
    await t.db.updateTable('subscriptions').set({ status: 'deleted' }).execute();
    await refused(order(t, c, 'none', line('CN-365-E3-TRIAL', 25)), { code: 27006, rule: 'R-TRI-2' });
  });

  it('R-TRI-2: no trial of a product the customer already owns', async () => {
    const t = await buildUseCases();
    const c = await t.customer();
    await order(t, c, 'monthly', line('CN-365-BP', 5));
    await refused(order(t, c, 'none', line('CN-365-BP-TRIAL', 25)), { code: 27006, rule: 'R-TRI-2' });
  });

  it('R-TRI-3: converting keeps the subscription id, takes the target offer and starts the paid term then', async () => {
    const t = await buildUseCases();
    const c = await t.customer();
    const placed = await order(t, c, 'none', line('CN-365-E3-TRIAL', 25));
    const id = placed.lineItems[0]?.subscriptionId ?? '';
    await t.advanceDays(10);
    // An offer the trial does not list as a conversion target is refused and changes nothing.
    const wrong: unknown = await convertTrial(t.deps(), t.ctx, c, id, {
      targetOfferId: 'CN-365-BB',
      billingCycle: 'monthly',
    }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(DomainError);
    expect((wrong as DomainError).kind).toBe('invalid_input');
    expect(await statusOf(t, id)).toEqual({ status: 'active', offer_id: 'CN-365-E3-TRIAL' });
    const converted = await convertTrial(t.deps(), t.ctx, c, id, {
      targetOfferId: 'CN-365-E3',
      billingCycle: 'annual',
      quantity: 40,
    });
    expect(converted).toMatchObject({ subscriptionId: id, targetOfferId: 'CN-365-E3', quantity: 40 });
    const row = await t.db
      .selectFrom('subscriptions')
      .select(['offer_id', 'status', 'quantity', 'effective_start_date', 'commitment_end_date'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ offer_id: 'CN-365-E3', status: 'active', quantity: 40 });
    expect(new Date(row.commitment_end_date).toISOString()).toBe('2028-01-25T09:00:00.000Z');
  });
});
