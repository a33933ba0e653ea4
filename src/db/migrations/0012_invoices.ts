import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

// Frozen: never edit a migration that has shipped; add the next one instead.
// Customer invoices (R-INV-1).
// - invoice_settings: what a partner prints on its invoices (prefix, legal name, address) and its tax rate per
//   customer country, in basis points (2000 = 20 %). No row: prefix INV, the partner's name, no tax.
// - invoice_counters: one row per partner, locked by the month close: the next number (gapless, because it is
//   taken and used in the same transaction) and the last month closed, so that a second close finds nothing.
// - invoices: invoices and credit notes, with what was true at issue copied in (billing profile, partner
//   details, locale, tax rate), so a document reads the same for ever.
// - invoice_lines: each ledger line on exactly one document (the unique index is the backstop of the close).
// Issued documents never change: triggers refuse UPDATE and DELETE on both tables.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    CREATE TABLE invoice_settings (
      partner_id uuid PRIMARY KEY REFERENCES partners (id),
      invoice_prefix text NOT NULL CHECK (invoice_prefix ~ '^[A-Z0-9]{1,10}$'),
      legal_name text NOT NULL,
      address jsonb NOT NULL,
      tax_rates jsonb NOT NULL,
      updated_at timestamptz NOT NULL
    );
    CREATE TABLE invoice_counters (
      partner_id uuid PRIMARY KEY REFERENCES partners (id),
      next_seq bigint NOT NULL CHECK (next_seq >= 1),
      closed_through timestamptz
    );
    CREATE TABLE invoices (
      partner_id uuid NOT NULL,
      id uuid NOT NULL,
      seq bigint NOT NULL,
      number text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('invoice', 'creditNote')),
      credited_invoice_id uuid,
      customer_id uuid NOT NULL,
      currency text NOT NULL,
      period_start timestamptz NOT NULL,
      period_end timestamptz NOT NULL,
      issued_at timestamptz NOT NULL,
      locale text NOT NULL,
      billing_profile jsonb NOT NULL,
      seller jsonb NOT NULL,
      tax_rate int NOT NULL CHECK (tax_rate >= 0 AND tax_rate <= 10000),
      net bigint NOT NULL,
      tax bigint NOT NULL,
      total bigint NOT NULL,
      PRIMARY KEY (partner_id, id),
      UNIQUE (partner_id, seq),
      UNIQUE (partner_id, number),
      FOREIGN KEY (partner_id, customer_id) REFERENCES customers (partner_id, id),
      FOREIGN KEY (partner_id, credited_invoice_id) REFERENCES invoices (partner_id, id),
      CHECK ((kind = 'creditNote') = (credited_invoice_id IS NOT NULL))
    );
    CREATE UNIQUE INDEX invoices_one_per_month ON invoices (partner_id, customer_id, currency, period_start)
      WHERE kind = 'invoice';
    CREATE UNIQUE INDEX credit_notes_one_per_month ON invoices (partner_id, credited_invoice_id, period_start)
      WHERE kind = 'creditNote';
    CREATE INDEX invoices_by_customer ON invoices (partner_id, customer_id, issued_at);
    CREATE TABLE invoice_lines (
      partner_id uuid NOT NULL,
      invoice_id uuid NOT NULL,
      line_number int NOT NULL,
      ledger_entry_id uuid NOT NULL,
      subscription_id uuid NOT NULL,
      offer_id text NOT NULL,
      product text NOT NULL,
      reason text NOT NULL,
      billing_cycle text NOT NULL,
      period_start timestamptz NOT NULL,
      period_end timestamptz NOT NULL,
      days int,
      quantity int NOT NULL,
      unit_price int NOT NULL,
      amount bigint NOT NULL,
      PRIMARY KEY (partner_id, invoice_id, line_number),
      UNIQUE (partner_id, ledger_entry_id),
      FOREIGN KEY (partner_id, invoice_id) REFERENCES invoices (partner_id, id),
      FOREIGN KEY (partner_id, ledger_entry_id) REFERENCES ledger_entries (partner_id, id)
    );
    CREATE INDEX invoice_lines_by_subscription ON invoice_lines (partner_id, subscription_id);
    CREATE FUNCTION refuse_invoice_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'issued invoices never change (R-INV-1): % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = 'check_violation'; END $$;
    CREATE TRIGGER invoices_never_change BEFORE UPDATE OR DELETE ON invoices
      FOR EACH ROW EXECUTE FUNCTION refuse_invoice_change();
    CREATE TRIGGER invoice_lines_never_change BEFORE UPDATE OR DELETE ON invoice_lines
      FOR EACH ROW EXECUTE FUNCTION refuse_invoice_change()
  `,
  );
}
