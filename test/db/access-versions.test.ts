import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AccessDecisions,
  accessChanged,
  readAccessStamps,
  type AccessQuestion,
} from '../../src/app/access.ts';
import { importCatalog, readCatalogFile, DEMO_CATALOG_PATH } from '../../src/app/catalog.ts';
import type { RequestContext } from '../../src/app/context.ts';
import { inTransaction } from '../../src/db/database.ts';
import { PartnerScope } from '../../src/db/scope.ts';
import { commerce } from '../support/commerce.ts';
import { newCustomer, partnerIdOf } from '../support/factories.ts';
import { newSeatwise, REFERENCE_TIME, type TestSeatwise } from '../support/seatwise.ts';

// Runs on the embedded database and on a PostgreSQL server alike (SEATWISE_TEST_DATABASE_URL): the stamp is
// the same statements on both.
let t: TestSeatwise;
afterEach(async () => {
  await t.close();
});

/** A tenant with an E3 subscription and a user holding one of its licences, made through the API. */
async function tenant() {
  const c = commerce(t);
  const customer = await newCustomer(t);
  const e3 = await c.buy(customer, 'annual', 'CN-365-E3', 10);
  const user = await c.addUser(customer, 'ada');
  await c.assign(customer, user, 'CN-365-E3');
  const partnerId = await partnerIdOf(t);
  const ctx: RequestContext = {
    actor: { partnerId, userId: 'x', userName: 'admin', role: 'GlobalAdmin', via: 'token' },
    correlationId: undefined,
    applicationId: undefined,
  };
  const question: AccessQuestion = { tenantId: customer, userId: user };
  return { customer, e3, user, partnerId, ctx, question };
}

/** A second process's decisions on the same database: its own memory, its own metrics. */
const anotherProcess = (metrics = new Registry()) =>
  new AccessDecisions({ db: t.seatwise.db, clock: t.seatwise.clock, cloud: 'global', metrics });

/** The statements that read stamps so far (seatwise_access_stamp_reads_total). */
async function stampReads(metrics: Registry): Promise<number> {
  const metric = await metrics.getSingleMetric('seatwise_access_stamp_reads_total')?.get();
  return metric?.values[0]?.value ?? 0;
}

/** Suspends the subscription with an ordinary UPDATE, bumping the stamp in the same transaction or not. */
async function suspend(partnerId: string, customer: string, subscription: string, bump: boolean) {
  await inTransaction(t.seatwise.db, async (trx) => {
    await new PartnerScope(trx, partnerId)
      .updateTable('subscriptions')
      .set({
        status: 'suspended',
        suspension_reasons: JSON.stringify(['nonPayment']),
        status_changed_at: REFERENCE_TIME,
      })
      .where('id', '=', subscription)
      .execute();
    if (bump) await accessChanged(trx, partnerId, [customer]);
  });
}

describe('access version stamps (R-ACC, SPEC §8)', () => {
  it('R-ACC: the stamp moves with the transaction that bumps it, and a rolled-back write leaves it where it was', async () => {
    t = await newSeatwise();
    const { customer, partnerId } = await tenant();
    const stamp = async () =>
      (await readAccessStamps(t.seatwise.db, [{ partnerId, customerId: customer }]))[0];
    const before = await stamp();

    await expect(
      inTransaction(t.seatwise.db, async (trx) => {
        await accessChanged(trx, partnerId, [customer]);
        throw new Error('the change fails after the bump');
      }),
    ).rejects.toThrow('the change fails');
    expect(await stamp()).toBe(before);

    await inTransaction(t.seatwise.db, (trx) => accessChanged(trx, partnerId, [customer, customer]));
    const after = await stamp();
    expect(after).not.toBe(before);
    expect(Number(after?.split('.')[0])).toBe(Number(before?.split('.')[0]) + 1);
  });

  it('R-ACC: a decision asked after the change committed sees it, in the process that wrote it and in another one', async () => {
    t = await newSeatwise();
    const { customer, e3, partnerId, ctx, question } = await tenant();
    const other = anotherProcess();
    const here = t.seatwise.access;
    expect((await here.decideOne(ctx, question)).signIn.allowed).toBe(true);
    expect((await other.decideOne(ctx, question)).signIn.allowed).toBe(true);

    await suspend(partnerId, customer, e3.id, true);
    for (const decisions of [here, other]) {
      expect((await decisions.decideOne(ctx, question)).signIn).toMatchObject({
        allowed: false,
        rule: 'R-SUS-2',
        reason: 'suspended',
      });
    }
  });

  it('R-ACC: the answer comes from memory while the stamp stands still (a write that does not bump is not seen)', async () => {
    t = await newSeatwise();
    const { customer, e3, partnerId, ctx, question } = await tenant();
    const other = anotherProcess();
    expect((await other.decideOne(ctx, question)).signIn.allowed).toBe(true);
    // Not how Seatwise writes: it shows that the decisions really are answered from memory, and that the stamp
    // alone makes them reload.
    await suspend(partnerId, customer, e3.id, false);
    expect((await other.decideOne(ctx, question)).signIn.allowed).toBe(true);
    await inTransaction(t.seatwise.db, (trx) => accessChanged(trx, partnerId, [customer]));
    expect((await other.decideOne(ctx, question)).signIn.allowed).toBe(false);
  });

  it('R-ACC: a catalog import moves every tenant stamp (the offers decide what a licence grants)', async () => {
    t = await newSeatwise();
    const { customer, partnerId } = await tenant();
    const [before] = await readAccessStamps(t.seatwise.db, [{ partnerId, customerId: customer }]);
    await importCatalog(t.seatwise.db, readCatalogFile(DEMO_CATALOG_PATH), REFERENCE_TIME);
    const [after] = await readAccessStamps(t.seatwise.db, [{ partnerId, customerId: customer }]);
    expect(after).not.toBe(before);
  });

  it('R-ACC: twenty decisions asked at once after the change, batched into shared stamp reads, all see it', async () => {
    t = await newSeatwise();
    const { customer, e3, partnerId, ctx, question } = await tenant();
    const other = anotherProcess();
    expect((await other.decideOne(ctx, question)).signIn.allowed).toBe(true);
    await suspend(partnerId, customer, e3.id, true);
    const answers = await Promise.all(Array.from({ length: 20 }, () => other.decideOne(ctx, question)));
    expect(answers.map((a) => a.signIn.allowed)).toEqual(Array.from({ length: 20 }, () => false));
  });

  it('R-ACC: the decisions asked in one turn of the event loop share one stamp read', async () => {
    t = await newSeatwise();
    const { ctx, question } = await tenant();
    const metrics = new Registry();
    const other = anotherProcess(metrics);
    await other.decideOne(ctx, question);
    const before = await stampReads(metrics);
    await Promise.all(Array.from({ length: 20 }, () => other.decideOne(ctx, question)));
    expect((await stampReads(metrics)) - before).toBe(1);
  });

  it('R-ACC: a decision asked while a stamp read is under way waits for the next read, which sees a change committed meanwhile', async () => {
    t = await newSeatwise();
    const { customer, e3, partnerId, ctx, question } = await tenant();
    const metrics = new Registry();
    // Holds the answer of the next statement back until released: a stamp read kept under way.
    let release = () => {};
    let hold = false;
    const db = t.seatwise.db.withPlugin({
      transformQuery: (args) => args.node,
      transformResult: async (args) => {
        if (hold) {
          hold = false;
          await new Promise<void>((go) => (release = go));
        }
        return args.result;
      },
    });
    const other = new AccessDecisions({ db, clock: t.seatwise.clock, cloud: 'global', metrics });
    expect((await other.decideOne(ctx, question)).signIn.allowed).toBe(true);
    hold = true;
    const first = other.decideOne(ctx, question);
    await vi.waitUntil(() => !hold);
    await suspend(partnerId, customer, e3.id, true);
    const second = other.decideOne(ctx, question);
    release();
    expect((await first).signIn.allowed).toBe(true);
    expect((await second).signIn).toMatchObject({ allowed: false, reason: 'suspended' });
    expect(await stampReads(metrics)).toBe(3);
  });
});
