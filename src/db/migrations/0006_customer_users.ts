import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

// Frozen: never edit a migration that has shipped; add the next one instead.
// Customer users, their licence assignments (R-ACC, R-RET-2), and the registry of server processes
// that answer access decisions from memory (SPEC §8).
//
// A licence is bound to one subscription: the subscription's quantity caps it, purging the subscription removes
// it (R-RET-2), and a trial converted to paid keeps it (R-TRI-3: the subscription keeps its id). The composite
// foreign keys keep a licence on a user and a subscription of the same customer of the same partner.
//
// access_cache_processes holds no partner data: one row per live server process, with the lease under which
// it may answer from its cache; a writer waits for each of them to acknowledge an invalidation (README).
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    CREATE TABLE customer_users (
      partner_id uuid NOT NULL,
      customer_id uuid NOT NULL,
      id uuid NOT NULL,
      user_principal_name text NOT NULL,
      first_name text,
      last_name text,
      display_name text NOT NULL,
      usage_location char(2),
      role text NOT NULL CHECK (role IN ('admin', 'user')),
      created_at timestamptz NOT NULL,
      last_modified_at timestamptz NOT NULL,
      version int NOT NULL DEFAULT 1,
      PRIMARY KEY (partner_id, id),
      UNIQUE (partner_id, customer_id, id),
      UNIQUE (partner_id, customer_id, user_principal_name),
      FOREIGN KEY (partner_id, customer_id) REFERENCES customers (partner_id, id)
    );

    ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_customer_key UNIQUE (partner_id, customer_id, id);

    CREATE TABLE license_assignments (
      partner_id uuid NOT NULL,
      customer_id uuid NOT NULL,
      user_id uuid NOT NULL,
      subscription_id uuid NOT NULL,
      excluded_plans jsonb NOT NULL DEFAULT '[]',
      assigned_at timestamptz NOT NULL,
      PRIMARY KEY (partner_id, user_id, subscription_id),
      FOREIGN KEY (partner_id, customer_id, user_id)
        REFERENCES customer_users (partner_id, customer_id, id) ON DELETE CASCADE,
      FOREIGN KEY (partner_id, customer_id, subscription_id)
        REFERENCES subscriptions (partner_id, customer_id, id)
    );
    CREATE INDEX license_assignments_by_subscription ON license_assignments (partner_id, subscription_id);
    CREATE INDEX license_assignments_by_customer ON license_assignments (partner_id, customer_id);

    CREATE TABLE access_cache_processes (
      id uuid PRIMARY KEY,
      host text NOT NULL,
      pid int NOT NULL,
      started_at timestamptz NOT NULL,
      lease_until timestamptz NOT NULL,
      fenced_at timestamptz
    );
  `,
  );
}
