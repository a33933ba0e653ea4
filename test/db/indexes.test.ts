import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { cloneTestDatabase } from '../support/db.ts';

let database: Database;
afterEach(async () => {
  await database.close();
});

it("R-AUD: a customer's activity for a period is read through its own index, not by filtering the partner's log", async () => {
  database = await cloneTestDatabase();
  const partner = '00000000-0000-4000-8000-000000000001';
  await sql`insert into partners (id, name, partner_type, created_at)
            values (${partner}, 'Indexes', 'direct', now())`.execute(database.db);
  // 20,000 records of 200 customers over about a month: enough for the planner to choose by cost.
  await sql`
    insert into audit_records (partner_id, id, customer_id, user_principal_name, resource_type, resource_id,
                               operation_type, operation_status, operation_date)
    select ${partner}::uuid, gen_random_uuid(),
           ('00000000-0000-4000-9000-' || lpad((g % 200)::text, 12, '0'))::uuid,
           'u@example.com', 'subscription', 'r', 'update_subscription', 'success',
           timestamptz '2027-01-01' + g * interval '2 minutes'
    from generate_series(1, 20000) g`.execute(database.db);
  await sql`analyze audit_records`.execute(database.db);
  const plan = await sql<{ 'QUERY PLAN': unknown }>`
    explain (format json)
    select * from audit_records
    where partner_id = ${partner} and operation_date >= '2027-01-05' and operation_date < '2027-01-20'
      and customer_id = '00000000-0000-4000-9000-000000000042'
    order by operation_date, id limit 500`.execute(database.db);
  const text = JSON.stringify(plan.rows[0]);
  expect(text).toContain('audit_records_by_customer');
  expect(text).not.toContain('audit_records_by_date');
});
