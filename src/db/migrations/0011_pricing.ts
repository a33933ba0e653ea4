import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

// Frozen: never edit a migration that has shipped; add the next one instead.
// Price rules and margin (R-PRC-2, R-PRC-3).
// - price_rules: one row per version of a partner's rule; a rule is its target (the partner, a category, an
//   offer, a customer, a customer and an offer) and keeps its id across versions. A version is never
//   updated: a change is a new version with its own effective date, a retirement is a version that says so.
//   Percentages are basis points (hundredths of a percent); fixed prices are minor units per currency.
// - subscriptions.unit_cost: the partner's cost per licence per month, fixed at purchase with the price and
//   moved only at renewal (R-REN-1). NULL for subscriptions bought before costs were kept: unknown.
// - ledger_entries.unit_cost and cost_amount: each line's cost beside its sale (`amount` stays the sale).
//   Lines written before this migration keep NULL: their cost was never recorded, and none is invented.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    CREATE TABLE price_rules (
      partner_id uuid NOT NULL REFERENCES partners (id),
      id uuid NOT NULL,
      rule_id uuid NOT NULL,
      version int NOT NULL CHECK (version >= 1),
      scope text NOT NULL CHECK (scope IN ('partner', 'category', 'offer', 'customer', 'customerOffer')),
      category text,
      offer_id text,
      customer_id uuid,
      kind text NOT NULL CHECK (kind IN ('erp', 'markup', 'discount', 'fixed')),
      basis_points int NOT NULL DEFAULT 0,
      prices jsonb NOT NULL DEFAULT '{}'::jsonb,
      allow_below_cost boolean NOT NULL DEFAULT false,
      retired boolean NOT NULL DEFAULT false,
      effective_from timestamptz NOT NULL,
      created_at timestamptz NOT NULL,
      created_by text NOT NULL,
      PRIMARY KEY (partner_id, id),
      UNIQUE (partner_id, rule_id, version),
      FOREIGN KEY (partner_id, customer_id) REFERENCES customers (partner_id, id)
    );
    CREATE UNIQUE INDEX price_rules_one_per_target ON price_rules
      (partner_id, scope, coalesce(category, ''), coalesce(offer_id, ''), coalesce(customer_id::text, ''))
      WHERE version = 1;
    ALTER TABLE subscriptions ADD COLUMN unit_cost int;
    ALTER TABLE ledger_entries ADD COLUMN unit_cost int;
    ALTER TABLE ledger_entries ADD COLUMN cost_amount bigint;
  `,
  );
}
