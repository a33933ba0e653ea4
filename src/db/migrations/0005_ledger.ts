import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

// Frozen: never edit a migration that has shipped; add the next one instead.
// The billing ledger (R-BIL): one row per charge or credit, written in the transaction of the change that
// produced it. partner_id is in the key and in every foreign key (SPEC §8). Amounts are signed integers in
// minor units (charges positive, credits negative). A term is opened once per subscription (purchase,
// add-on purchase, conversion or renewal): the partial unique index makes a second opening fail loudly
// instead of charging twice. `seq` orders the lines of one change as they were written.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    CREATE TABLE ledger_entries (
      partner_id uuid NOT NULL,
      id uuid NOT NULL,
      seq bigint GENERATED ALWAYS AS IDENTITY,
      customer_id uuid NOT NULL,
      subscription_id uuid NOT NULL,
      offer_id text NOT NULL,
      reason text NOT NULL CHECK (reason IN ('purchase', 'addOnPurchase', 'conversion', 'renewal',
        'quantityIncrease', 'quantityDecrease', 'suspension', 'reactivation', 'cancellation')),
      rule text NOT NULL,
      billing_cycle text NOT NULL CHECK (billing_cycle IN ('monthly', 'annual')),
      term_start timestamptz NOT NULL,
      term_end timestamptz NOT NULL,
      period_start timestamptz NOT NULL,
      period_end timestamptz NOT NULL,
      days int CHECK (days >= 0),
      quantity int NOT NULL CHECK (quantity >= 0),
      unit_price int NOT NULL,
      amount bigint NOT NULL,
      currency text NOT NULL,
      posted_at timestamptz NOT NULL,
      PRIMARY KEY (partner_id, id),
      FOREIGN KEY (partner_id, customer_id) REFERENCES customers (partner_id, id),
      FOREIGN KEY (partner_id, subscription_id) REFERENCES subscriptions (partner_id, id)
    );
    CREATE UNIQUE INDEX ledger_one_opening_per_term ON ledger_entries (partner_id, subscription_id, term_start)
      WHERE reason IN ('purchase', 'addOnPurchase', 'conversion', 'renewal');
    CREATE INDEX ledger_by_subscription ON ledger_entries (partner_id, subscription_id, term_start);
    CREATE INDEX ledger_by_customer ON ledger_entries (partner_id, customer_id, posted_at);
    CREATE INDEX ledger_by_partner ON ledger_entries (partner_id, posted_at);
  `,
  );
}
