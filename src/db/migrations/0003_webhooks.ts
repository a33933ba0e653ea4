import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

// Frozen: never edit a migration that has shipped; add the next one instead.
// Webhook endpoints and their delivery log (R-EVT). Both hold one partner's data: partner_id is in every key.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    CREATE TABLE webhook_endpoints (
      partner_id uuid NOT NULL REFERENCES partners (id),
      id uuid NOT NULL,
      webhook_url text NOT NULL,
      webhook_events jsonb NOT NULL,
      secret text NOT NULL,
      created_at timestamptz NOT NULL,
      created_by text NOT NULL,
      last_modified_at timestamptz NOT NULL,
      fanned_out_seq bigint NOT NULL,
      horizon_seq bigint NOT NULL,
      horizon_seen_at timestamptz NOT NULL,
      PRIMARY KEY (partner_id, id)
    );

    CREATE TABLE webhook_deliveries (
      partner_id uuid NOT NULL,
      endpoint_id uuid NOT NULL,
      event_id uuid NOT NULL,
      event_seq bigint NOT NULL,
      event_type text NOT NULL,
      attempts int NOT NULL DEFAULT 0,
      next_attempt_at timestamptz,
      claim_token uuid,
      last_attempt_at timestamptz,
      last_status_code int,
      last_error text,
      delivered_at timestamptz,
      failed_at timestamptz,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (partner_id, endpoint_id, event_id),
      FOREIGN KEY (partner_id, endpoint_id) REFERENCES webhook_endpoints (partner_id, id) ON DELETE CASCADE,
      FOREIGN KEY (partner_id, event_id) REFERENCES events (partner_id, id)
    );
    CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE next_attempt_at IS NOT NULL;
    CREATE INDEX webhook_deliveries_log ON webhook_deliveries (partner_id, endpoint_id, event_seq);
  `,
  );
}
