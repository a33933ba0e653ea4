import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Database } from '../../src/db/database.ts';
import { isUniqueViolation } from '../../src/db/scope.ts';
import { cloneTestDatabase } from '../support/db.ts';

// The errors below are shaped as node-postgres reports them: from PostgreSQL itself, and from a Citus
// coordinator relaying a worker's error (the shard's index name carries the shard id; some carry no field).
const pg = (fields: Record<string, string>) =>
  Object.assign(new Error(fields.message ?? 'duplicate'), fields);

describe('isUniqueViolation', () => {
  it('matches the constraint PostgreSQL names', () => {
    const e = pg({ code: '23505', constraint: 'idempotency_keys_pkey', table: 'idempotency_keys' });
    expect(isUniqueViolation(e, 'idempotency_keys_pkey')).toBe(true);
    expect(isUniqueViolation(e, 'customer_trials_pkey')).toBe(false);
  });

  it('matches a shard of the constraint, whose name ends with the shard id', () => {
    const e = pg({
      code: '23505',
      constraint: 'idempotency_keys_pkey_102345',
      table: 'idempotency_keys_102345',
    });
    expect(isUniqueViolation(e, 'idempotency_keys_pkey')).toBe(true);
    expect(isUniqueViolation(e, 'idempotency_keys')).toBe(false);
    // Another index whose name merely starts the same is not this one.
    const other = pg({ code: '23505', constraint: 'idempotency_keys_pkey_extra_102345' });
    expect(isUniqueViolation(other, 'idempotency_keys_pkey')).toBe(false);
  });

  it('matches a shard of a name too long for a suffix, which Citus shortens and hashes', () => {
    const upn = 'customer_users_partner_id_customer_id_user_principal_name_key';
    const e = pg({
      code: '23505',
      constraint: 'customer_users_partner_id_customer_id_user_principa_6b2e7c1d_102411',
    });
    expect(isUniqueViolation(e, upn)).toBe(true);
    expect(isUniqueViolation(e, 'customer_users_pkey')).toBe(false);
  });

  it('reads the constraint from the message when the error carries no constraint field', () => {
    const e = pg({
      code: '23505',
      message: 'duplicate key value violates unique constraint "customer_trials_pkey_102200"',
    });
    expect(isUniqueViolation(e, 'customer_trials_pkey')).toBe(true);
    expect(isUniqueViolation(e, 'idempotency_keys_pkey')).toBe(false);
  });

  it('falls back on the table and the key columns of the detail when nothing names the constraint', () => {
    const e = pg({
      code: '23505',
      message: 'duplicate key value',
      table: 'idempotency_keys_102345',
      detail: 'Key (partner_id, request_id)=(5c1f..., r-1) already exists.',
    });
    expect(isUniqueViolation(e, 'idempotency_keys_pkey')).toBe(true);
    expect(isUniqueViolation(e, 'customer_trials_pkey')).toBe(false);
    const key = { table: 'idempotency_keys', columns: ['partner_id', 'request_id'] };
    expect(isUniqueViolation(e, 'some_unique_key', key)).toBe(true);
    expect(isUniqueViolation(e, 'some_unique_key', { ...key, columns: ['partner_id', 'method'] })).toBe(
      false,
    );
  });

  it('is false for other errors', () => {
    expect(
      isUniqueViolation(pg({ code: '23503', constraint: 'idempotency_keys_pkey' }), 'idempotency_keys_pkey'),
    ).toBe(false);
    expect(isUniqueViolation(new Error('x'), 'idempotency_keys_pkey')).toBe(false);
    expect(isUniqueViolation(null, 'idempotency_keys_pkey')).toBe(false);
    expect(isUniqueViolation('23505', 'idempotency_keys_pkey')).toBe(false);
  });

  describe('on the database', () => {
    let database: Database;
    beforeAll(async () => {
      database = await cloneTestDatabase();
    });
    afterAll(() => database.close());

    it('recognises the error the database raises for a duplicate key', async () => {
      const insert = () =>
        sql`INSERT INTO offers (id, definition, rank, imported_at) VALUES ('DUP-1', '{}'::jsonb, 1, now())`.execute(
          database.db,
        );
      await insert().catch(() => undefined);
      const e = await insert().then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(isUniqueViolation(e, 'offers_pkey')).toBe(true);
      expect(isUniqueViolation(e, 'idempotency_keys_pkey')).toBe(false);
    });
  });
});
