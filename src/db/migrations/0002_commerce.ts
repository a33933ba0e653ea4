import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

// Frozen: never edit a migration that has shipped; add the next one instead.
// The catalog (offers) and the registry of claimed customer domains (R-CUS-1) are shared by all partners;
// everything else carries partner_id in its keys (SPEC §8).
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    CREATE TABLE offers (
      id text PRIMARY KEY,
      definition jsonb NOT NULL,
      rank int NOT NULL,
      imported_at timestamptz NOT NULL
    );

    CREATE TABLE customer_domains (
      domain text PRIMARY KEY,
      partner_id uuid NOT NULL REFERENCES partners (id),
      customer_id uuid NOT NULL
    );

    CREATE TABLE orders (
      partner_id uuid NOT NULL,
      id uuid NOT NULL,
      customer_id uuid NOT NULL,
      billing_cycle text NOT NULL CHECK (billing_cycle IN ('monthly', 'annual', 'none')),
      currency text NOT NULL,
      status text NOT NULL CHECK (status IN ('pending', 'completed', 'cancelled')),
      created_at timestamptz NOT NULL,
      created_by text NOT NULL,
      PRIMARY KEY (partner_id, id),
      FOREIGN KEY (partner_id, customer_id) REFERENCES customers (partner_id, id)
    );
    CREATE INDEX orders_by_customer ON orders (partner_id, customer_id, created_at);

    CREATE TABLE subscriptions (
      partner_id uuid NOT NULL,
      id uuid NOT NULL,
      customer_id uuid NOT NULL,
      offer_id text NOT NULL,
      order_id uuid NOT NULL,
      friendly_name text NOT NULL,
      quantity int NOT NULL CHECK (quantity >= 0),
      billing_cycle text NOT NULL CHECK (billing_cycle IN ('monthly', 'annual', 'none')),
      currency text NOT NULL,
      unit_price int NOT NULL,
      status text NOT NULL CHECK (status IN ('pending', 'active', 'suspended', 'expired', 'disabled', 'deleted')),
      is_trial boolean NOT NULL,
      trial_offer_id text,
      converted_at timestamptz,
      parent_subscription_id uuid,
      created_at timestamptz NOT NULL,
      effective_start_date timestamptz NOT NULL,
      commitment_end_date timestamptz NOT NULL,
      auto_renew_enabled boolean NOT NULL,
      suspension_reasons jsonb NOT NULL DEFAULT '[]',
      suspension_comment text,
      suspended_at timestamptz,
      suspended_with_parent boolean NOT NULL DEFAULT false,
      status_changed_at timestamptz NOT NULL,
      data_retention_end_date timestamptz,
      data_purged_at timestamptz,
      version int NOT NULL DEFAULT 1,
      PRIMARY KEY (partner_id, id),
      FOREIGN KEY (partner_id, customer_id) REFERENCES customers (partner_id, id),
      FOREIGN KEY (partner_id, order_id) REFERENCES orders (partner_id, id),
      FOREIGN KEY (partner_id, parent_subscription_id) REFERENCES subscriptions (partner_id, id)
    );
    CREATE INDEX subscriptions_by_customer ON subscriptions (partner_id, customer_id, offer_id);
    CREATE INDEX subscriptions_by_order ON subscriptions (partner_id, order_id);
    CREATE INDEX subscriptions_by_parent ON subscriptions (partner_id, parent_subscription_id)
      WHERE parent_subscription_id IS NOT NULL;

    CREATE TABLE order_line_items (
      partner_id uuid NOT NULL,
      order_id uuid NOT NULL,
      line_item_number int NOT NULL,
      offer_id text NOT NULL,
      quantity int NOT NULL,
      friendly_name text NOT NULL,
      subscription_id uuid NOT NULL,
      parent_subscription_id uuid,
      PRIMARY KEY (partner_id, order_id, line_item_number),
      FOREIGN KEY (partner_id, order_id) REFERENCES orders (partner_id, id),
      FOREIGN KEY (partner_id, subscription_id) REFERENCES subscriptions (partner_id, id)
    );

    CREATE TABLE customer_trials (
      partner_id uuid NOT NULL,
      customer_id uuid NOT NULL,
      offer_id text NOT NULL,
      subscription_id uuid NOT NULL,
      started_at timestamptz NOT NULL,
      PRIMARY KEY (partner_id, customer_id, offer_id),
      FOREIGN KEY (partner_id, subscription_id) REFERENCES subscriptions (partner_id, id)
    );
  `,
  );
}
