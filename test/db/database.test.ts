import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, type Database } from '../../src/db/database.ts';
import { PartnerScope } from '../../src/db/scope.ts';
import { createPartner } from '../../src/app/partners.ts';
import { recordChange, systemContext } from '../../src/app/audit.ts';
import { cloneTestDatabase, onServer } from '../support/db.ts';
import { REFERENCE_TIME } from '../support/seatwise.ts';

let database: Database;
beforeEach(async () => {
  database = await cloneTestDatabase();
});
afterEach(async () => {
  await database.close();
});

describe('storage (SPEC §8)', () => {
  it('migrations run again as a no-op', async () => {
    const again = await migrate(database.db);
    expect(again.results).toEqual([]);
  });

  it('STACK hazard 2: an unrelated query cannot slip into an open transaction and vanish with its rollback', async () => {
    const { db } = database;
    const partner = await createPartner(db, { name: 'P' }, REFERENCE_TIME);
    let releaseTransaction!: () => void;
    const holding = new Promise<void>((r) => (releaseTransaction = r));
    let inside!: () => void;
    const started = new Promise<void>((r) => (inside = r));
    const failing = db
      .transaction()
      .execute(async (trx) => {
        await new PartnerScope(trx, partner.id)
          .insertInto('events', {
            id: '00000000-0000-4000-8000-000000000001',
            type: 'customer.created',
            resource_type: 'customer',
            resource_id: 'x',
            customer_id: null,
            payload: '{}',
            occurred_at: REFERENCE_TIME,
          })
          .execute();
        inside();
        await holding;
        throw new Error('roll back');
      })
      .catch(() => 'rolled back');
    await started;
    // While the transaction is open, another caller writes on its own.
    const unrelated = db
      .insertInto('partners')
      .values({
        id: '00000000-0000-4000-8000-000000000002',
        name: 'Q',
        partner_id_of_record: null,
        partner_type: 'direct',
        created_at: REFERENCE_TIME,
      })
      .execute();
    // One turn of the event loop: every microtask has run, so the insert has been sent or is queued for a
    // connection; if it could slip into the open transaction, it has done so by now.
    await new Promise((r) => setImmediate(r));
    releaseTransaction();
    expect(await failing).toBe('rolled back');
    await unrelated;
    const partners = await db.selectFrom('partners').select('name').orderBy('name').execute();
    expect(partners.map((p) => p.name)).toEqual(['P', 'Q']);
    const events = await db.selectFrom('events').select('id').execute();
    expect(events).toEqual([]);
  });

  it('R-EVT: the audit record and the event are written in the caller transaction, and vanish with it', async () => {
    const { db } = database;
    const partner = await createPartner(db, { name: 'P' }, REFERENCE_TIME);
    await db
      .transaction()
      .execute(async (trx) => {
        await recordChange(
          new PartnerScope(trx, partner.id),
          systemContext('test'),
          {
            resourceType: 'customer',
            resourceId: 'c1',
            operationType: 'add_customer',
            event: 'customer.created',
          },
          REFERENCE_TIME,
        );
        throw new Error('the change itself failed');
      })
      .catch(() => undefined);
    expect(await db.selectFrom('audit_records').select('id').execute()).toEqual([]);
    expect(await db.selectFrom('events').select('id').execute()).toEqual([]);

    await db.transaction().execute(async (trx) => {
      await recordChange(
        new PartnerScope(trx, partner.id),
        systemContext('test'),
        {
          resourceType: 'customer',
          resourceId: 'c1',
          operationType: 'add_customer',
          event: 'customer.created',
          after: { a: 1 },
        },
        REFERENCE_TIME,
      );
    });
    const audit = await db.selectFrom('audit_records').selectAll().execute();
    const events = await db.selectFrom('events').selectAll().execute();
    expect(audit).toHaveLength(1);
    expect(events).toHaveLength(1);
    // One change record: the event names the audit record, whose new value is its payload (not written twice).
    expect(events[0]?.audit_id).toBe(audit[0]?.id);
    expect(events[0]?.payload).toBeNull();
    expect(audit[0]?.new_value).toEqual({ a: 1 });
  });

  it('R-ROLE-ISO: a PartnerScope reads and changes only its own partner rows', async () => {
    const { db } = database;
    const a = await createPartner(db, { name: 'A' }, REFERENCE_TIME);
    const b = await createPartner(db, { name: 'B' }, REFERENCE_TIME);
    for (const p of [a, b]) {
      await recordChange(
        new PartnerScope(db, p.id),
        systemContext('test'),
        {
          resourceType: 'customer',
          resourceId: p.name,
          operationType: 'add_customer',
          event: 'customer.created',
        },
        REFERENCE_TIME,
      );
    }
    const scopeA = new PartnerScope(db, a.id);
    const seen = await scopeA.selectFrom('audit_records').select('resource_id').execute();
    expect(seen.map((r) => r.resource_id)).toEqual(['A']);
    await scopeA.deleteFrom('audit_records').execute();
    const left = await db.selectFrom('audit_records').select('resource_id').execute();
    expect(left.map((r) => r.resource_id)).toEqual(['B']);
  });

  it('SPEC §8: every table with partner data carries partner_id in its primary key', async () => {
    const shared = new Set([
      'instance_settings',
      'partners',
      'sign_in_names',
      'offers',
      'customer_domains',
      'kysely_migration',
      'kysely_migration_lock',
      // Guess counters keyed by a hash of a user name and an address, no partner's data (R-SEC-1).
      'auth_attempts',
    ]);
    const { rows } = await sql<{ table_name: string; has_partner: boolean; pk_has_partner: boolean }>`
      select t.table_name,
             exists (select 1 from information_schema.columns c
                     where c.table_name = t.table_name and c.column_name = 'partner_id') as has_partner,
             exists (select 1 from information_schema.key_column_usage k
                     join information_schema.table_constraints tc on tc.constraint_name = k.constraint_name
                     where tc.table_name = t.table_name and tc.constraint_type = 'PRIMARY KEY'
                       and k.column_name = 'partner_id') as pk_has_partner
      from information_schema.tables t
      where t.table_schema = 'public' and t.table_type = 'BASE TABLE'`.execute(database.db);
    const partnerTables = rows.filter((r) => !shared.has(r.table_name));
    expect(partnerTables.length).toBeGreaterThan(5);
    for (const r of partnerTables)
      expect({ table: r.table_name, pk: r.pk_has_partner }).toEqual({ table: r.table_name, pk: true });
  });

  it.skipIf(onServer())('runs on the engine under test', () => {
    expect(database.engine).toBe('pglite');
  });
});
