import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

// Frozen: never edit a migration that has shipped; add the next one instead.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    CREATE TABLE instance_settings (
      id int PRIMARY KEY CHECK (id = 1),
      cloud text NOT NULL CHECK (cloud IN ('global', 'usgov', 'germany')),
      instance_id uuid NOT NULL,
      created_at timestamptz NOT NULL,
      test_clock_now timestamptz,
      new_customers_open boolean NOT NULL
    );

    CREATE TABLE partners (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      partner_id_of_record text,
      partner_type text NOT NULL CHECK (partner_type IN ('direct', 'indirectProvider')),
      created_at timestamptz NOT NULL
    );

    CREATE TABLE sign_in_names (
      user_name text PRIMARY KEY,
      partner_id uuid NOT NULL REFERENCES partners (id),
      user_id uuid NOT NULL
    );

    CREATE TABLE partner_users (
      partner_id uuid NOT NULL REFERENCES partners (id),
      id uuid NOT NULL,
      user_name text NOT NULL,
      display_name text NOT NULL,
      role text NOT NULL CHECK (role IN ('GlobalAdmin', 'AdminAgent', 'SalesAgent', 'HelpdeskAgent', 'BillingAdmin')),
      password_hash text,
      locale text,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (partner_id, id),
      UNIQUE (partner_id, user_name)
    );

    CREATE TABLE api_tokens (
      partner_id uuid NOT NULL,
      id uuid NOT NULL,
      user_id uuid NOT NULL,
      name text NOT NULL,
      token_hash text NOT NULL,
      token_hint text NOT NULL,
      created_at timestamptz NOT NULL,
      last_used_at timestamptz,
      revoked_at timestamptz,
      PRIMARY KEY (partner_id, id),
      UNIQUE (partner_id, token_hash),
      FOREIGN KEY (partner_id, user_id) REFERENCES partner_users (partner_id, id)
    );
    CREATE INDEX api_tokens_by_hash ON api_tokens (token_hash);

    CREATE TABLE web_sessions (
      partner_id uuid NOT NULL,
      id uuid NOT NULL,
      user_id uuid NOT NULL,
      session_hash text NOT NULL,
      csrf_token text NOT NULL,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (partner_id, id),
      FOREIGN KEY (partner_id, user_id) REFERENCES partner_users (partner_id, id)
    );
    CREATE INDEX web_sessions_by_hash ON web_sessions (session_hash);

    CREATE TABLE customers (
      partner_id uuid NOT NULL REFERENCES partners (id),
      id uuid NOT NULL,
      company_name text NOT NULL,
      domain text NOT NULL,
      organization_registration_number text,
      billing_first_name text NOT NULL,
      billing_last_name text NOT NULL,
      billing_email text NOT NULL,
      culture text NOT NULL,
      language text NOT NULL,
      country char(2) NOT NULL,
      address jsonb NOT NULL,
      segment text NOT NULL CHECK (segment IN ('commercial', 'education', 'government', 'nonprofit')),
      qualifications jsonb NOT NULL DEFAULT '[]',
      relationship_to_partner text NOT NULL DEFAULT 'reseller',
      account_opened_at timestamptz NOT NULL,
      first_billing_period_start timestamptz,
      version int NOT NULL DEFAULT 1,
      PRIMARY KEY (partner_id, id),
      UNIQUE (partner_id, domain)
    );
    CREATE INDEX customers_by_name ON customers (partner_id, company_name, id);
    CREATE INDEX customers_by_lower_name ON customers (partner_id, lower(company_name) text_pattern_ops);
    CREATE INDEX customers_by_domain ON customers (partner_id, domain text_pattern_ops);

    CREATE TABLE audit_records (
      partner_id uuid NOT NULL REFERENCES partners (id),
      id uuid NOT NULL,
      customer_id uuid,
      customer_name text,
      user_principal_name text NOT NULL,
      application_id text,
      resource_type text NOT NULL,
      resource_id text NOT NULL,
      operation_type text NOT NULL,
      operation_status text NOT NULL,
      reason text,
      old_value jsonb,
      new_value jsonb,
      correlation_id text,
      operation_date timestamptz NOT NULL,
      PRIMARY KEY (partner_id, id)
    );
    CREATE INDEX audit_records_by_date ON audit_records (partner_id, operation_date, id);

    CREATE TABLE events (
      partner_id uuid NOT NULL REFERENCES partners (id),
      id uuid NOT NULL,
      seq bigint GENERATED ALWAYS AS IDENTITY,
      type text NOT NULL,
      resource_type text NOT NULL,
      resource_id text NOT NULL,
      customer_id uuid,
      payload jsonb NOT NULL,
      occurred_at timestamptz NOT NULL,
      PRIMARY KEY (partner_id, id)
    );
    CREATE INDEX events_by_seq ON events (partner_id, seq);

    CREATE TABLE idempotency_keys (
      partner_id uuid NOT NULL REFERENCES partners (id),
      request_id text NOT NULL,
      method text NOT NULL,
      path text NOT NULL,
      body_hash text NOT NULL,
      response_status int NOT NULL,
      response_body text NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (partner_id, request_id)
    );
  `,
  );
}
