import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeMonths } from '../../src/jobs/invoicing.ts';
import { commerce } from '../support/commerce.ts';
import { onServer, sessionsWaitingOnALock } from '../support/db.ts';
import { newCustomer, partnerIdOf } from '../support/factories.ts';
import { exited, startServerProcess, type RunningServer } from '../support/process.ts';
import { newSeatwise } from '../support/seatwise.ts';
import { createTestDatabase, dropTestDatabase, urlFor } from '../support/template.ts';

/**
 * R-INV-1 under concurrency: several month closes at once issue each invoice once, with numbers that run
 * 1, 2, 3, ... per partner with no gap and no repeat. In one process (both engines) and on PostgreSQL through
 * two server processes whose test clocks cross the month end at the same moment.
 */

vi.setConfig({ testTimeout: 300_000 });

const CUSTOMERS = 12;

/** Every document's seq and number, and how many invoices each customer got, straight from the table. */
async function numbering(query: (sql: string) => Promise<Record<string, unknown>[]>) {
  const rows = await query('select seq, number, customer_id, kind from invoices order by seq');
  const perCustomer = new Map<string, number>();
  for (const r of rows)
    perCustomer.set(String(r.customer_id), (perCustomer.get(String(r.customer_id)) ?? 0) + 1);
  return {
    seqs: rows.map((r) => Number(r.seq)),
    numbers: new Set(rows.map((r) => String(r.number))).size,
    perCustomer: [...perCustomer.values()],
  };
}

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('R-INV-1: month closes at once, in one process', () => {
  it('R-INV-1: five closes of the same month at once issue each invoice once, numbered 1..n without a gap', async () => {
    const t = await newSeatwise();
    try {
      const c = commerce(t);
      for (let i = 0; i < CUSTOMERS; i++) {
        await c.buy(
          await newCustomer(t, { companyName: `Customer ${String(i).padStart(2, '0')}` }),
          'monthly',
          'CN-365-BB',
          1 + i,
        );
      }
      // Move the clock without the test clock route (which would close the month itself), then close five times.
      const after = new Date('2027-02-01T00:00:01Z');
      await t.seatwise.testClock?.moveTo(after);
      const runs = await Promise.all(Array.from({ length: 5 }, () => closeMonths(t.seatwise.db, after)));
      expect(runs.map((r) => r.length).reduce((a, b) => a + b, 0)).toBe(CUSTOMERS);
      const n = await numbering(
        async (q) => (await sql.raw<Record<string, unknown>>(q).execute(t.seatwise.db)).rows,
      );
      expect(n.seqs).toEqual(oneTo(CUSTOMERS));
      expect(n.numbers).toBe(CUSTOMERS);
      expect(n.perCustomer).toEqual(Array.from({ length: CUSTOMERS }, () => 1));
    } finally {
      await t.close();
    }
  });
});

describe.skipIf(!onServer())(
  'R-INV-1: a renewal in flight in another transaction (skipped on the embedded database: one connection only)',
  () => {
    it("R-INV-1: the month close waits for a term end another sweeper holds, and its charge is on that month's invoice", async () => {
      const t = await newSeatwise();
      try {
        const c = commerce(t);
        const customer = await newCustomer(t, { companyName: 'Held renewal' });
        const sub = await c.buy(customer, 'monthly', 'CN-365-BB', 3); // term ends 2027-02-15
        const partnerId = await partnerIdOf(t);
        const after = new Date('2027-03-01T00:00:01Z');
        await t.seatwise.testClock?.moveTo(after);
        // Another sweeper's transaction holds the due row (as the sweep of a second process would).
        let release = () => {};
        const released = new Promise<void>((resolve) => (release = resolve));
        let locked = () => {};
        const holding = new Promise<void>((resolve) => (locked = resolve));
        const holder = t.seatwise.db.transaction().execute(async (trx) => {
          // The partner named as a value: a database distributed by partner routes the lock to one shard.
          await sql`select id from subscriptions where partner_id = ${partnerId} and id = ${sub.id} for no key update`.execute(
            trx,
          );
          locked();
          await released;
        });
        await holding;
        let settled = false;
        const closing = closeMonths(t.seatwise.db, after).finally(() => (settled = true));
        // Wait for the event: the close's session is blocked on the held row's lock (or the close is over).
        while (!settled) {
          if ((await sessionsWaitingOnALock(t.seatwise.db)) > 0) break;
          await new Promise((r) => setImmediate(r));
        }
        release();
        await holder;
        const issued = await closing;
        expect(issued.map((d) => d.month)).toEqual(['2027-01', '2027-02']);
        const renewal = await sql<{ month: string; posted: Date }>`
          select to_char(i.period_start, 'YYYY-MM') as month, l.posted_at as posted
            from ledger_entries l
            join invoice_lines il on il.partner_id = l.partner_id and il.ledger_entry_id = l.id
            join invoices i on i.partner_id = il.partner_id and i.id = il.invoice_id
           where l.subscription_id = ${sub.id} and l.reason = 'renewal'`.execute(t.seatwise.db);
        expect(renewal.rows.map((r) => r.month)).toEqual(['2027-02']);
      } finally {
        await t.close();
      }
    });
  },
);

const TOKEN = 'e2e-invoices-token';

describe.skipIf(!onServer())(
  'R-INV-1: two server processes on one PostgreSQL close the month at once (skipped on the embedded database: one process only)',
  () => {
    const servers: RunningServer[] = [];
    let database: string | undefined;
    let client: pg.Client;

    const send = async (server: number, method: string, path: string, body?: unknown) => {
      const s = servers[server] as RunningServer;
      const res = await fetch(`${s.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
    };
    /** Both processes move their test clocks to `now` at the same moment; each runs the sweep and the month close. */
    const bothTo = async (now: string) => {
      const answers = await Promise.all([0, 1].map((s) => send(s, 'POST', '/v1/testclock', { now })));
      for (const a of answers) expect(a.status, JSON.stringify(a.body)).toBe(200);
      return answers.map((a) => (a.body.transitions as Record<string, number>).invoicesIssued ?? 0);
    };

    beforeAll(async () => {
      database = `seatwise_inv_${randomBytes(5).toString('hex')}`;
      await createTestDatabase(database);
      const env = {
        DATABASE_URL: urlFor(database),
        SEATWISE_DEMO: '1', // for the demo catalog; the test makes its own customers
        SEATWISE_BOOTSTRAP_TOKEN: TOKEN,
        SEATWISE_SWEEP_INTERVAL: '0',
        SEATWISE_RATE_LIMIT: '1000000',
        SEATWISE_TEST_CLOCK: '1',
      };
      servers.push(await startServerProcess(env, 240_000));
      servers.push(await startServerProcess(env, 240_000));
      client = new pg.Client({ connectionString: urlFor(database) });
      await client.connect();
    }, 600_000);

    afterAll(async () => {
      await client?.end();
      for (const s of servers) {
        s.child.kill('SIGKILL');
        await exited(s.child);
      }
      if (database) await dropTestDatabase(database);
    });

    it('R-INV-1: both processes cross two month ends at once: every invoice once, numbers gapless and unique', async () => {
      // The demo data's months are closed first (the demo customers keep being invoiced with ours).
      await bothTo('2027-03-15T09:00:00.000Z');
      const customers: string[] = [];
      for (let i = 0; i < CUSTOMERS; i++) {
        const name = `invconc${i}${randomBytes(3).toString('hex')}`;
        const created = await send(i % 2, 'POST', '/v1/customers', {
          companyProfile: { domain: `${name}.onmicrosoft.com` },
          billingProfile: {
            firstName: 'Pat',
            lastName: 'Admin',
            email: `it@${name}.example`,
            culture: i % 3 === 0 ? 'fr-FR' : 'en-US',
            language: i % 3 === 0 ? 'fr' : 'en',
            companyName: `${name} Inc`,
            defaultAddress: {
              addressLine1: '1 Main St',
              city: 'Paris',
              postalCode: '75002',
              country: i % 3 === 0 ? 'FR' : 'US',
            },
          },
        });
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        const id = created.body.id as string;
        customers.push(id);
        const order = await send(i % 2, 'POST', `/v1/customers/${id}/orders`, {
          billingCycle: 'monthly',
          lineItems: [{ lineItemNumber: 0, offerId: 'CN-365-BB', quantity: 2 + i }],
        });
        expect(order.status, JSON.stringify(order.body)).toBe(201);
      }

      // March ends on both at once; then April (the monthly renewals of April 15 are April's lines).
      const march = await bothTo('2027-04-01T00:00:00.000Z');
      const april = await bothTo('2027-05-01T00:00:00.000Z');
      const ours = await client.query<{ n: string }>(
        'select count(*) as n from invoices where customer_id = any($1::uuid[])',
        [customers],
      );
      expect(Number(ours.rows[0]?.n)).toBe(2 * CUSTOMERS);
      // Each close was counted by exactly one of the two processes.
      expect(march.reduce((a, b) => a + b, 0) + april.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(
        2 * CUSTOMERS,
      );

      const all = await client.query<{ seq: string; number: string; partner_id: string }>(
        'select seq, number, partner_id from invoices order by partner_id, seq',
      );
      const byPartner = new Map<string, number[]>();
      for (const r of all.rows)
        byPartner.set(r.partner_id, [...(byPartner.get(r.partner_id) ?? []), Number(r.seq)]);
      for (const seqs of byPartner.values()) expect(seqs).toEqual(oneTo(seqs.length));
      expect(new Set(all.rows.map((r) => `${r.partner_id}/${r.number}`)).size).toBe(all.rows.length);
      const per = await client.query<{ customer_id: string; n: string; months: string }>(
        `select customer_id, count(*) as n, count(distinct period_start) as months from invoices
          where customer_id = any($1::uuid[]) group by customer_id`,
        [customers],
      );
      expect(per.rows).toHaveLength(CUSTOMERS);
      for (const r of per.rows) expect([Number(r.n), Number(r.months)]).toEqual([2, 2]);
      // Every ledger line of those customers before May is on exactly one document.
      const missing = await client.query<{ n: string }>(
        `select count(*) as n from ledger_entries l where l.customer_id = any($1::uuid[]) and l.posted_at < '2027-05-01'
          and not exists (select 1 from invoice_lines i where i.partner_id = l.partner_id and i.ledger_entry_id = l.id)`,
        [customers],
      );
      expect(Number(missing.rows[0]?.n)).toBe(0);
      // Again at once: nothing new.
      expect(await bothTo('2027-05-02T00:00:00.000Z')).toEqual([0, 0]);
    });
  },
);
