import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

// Frozen: never edit a migration that has shipped; add the next one instead.
// Indexes for the lifecycle sweeper (R-RET-3): each kind of due date is found by a range scan on a partial
// index across partners, whatever the number of subscriptions that are not due.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    CREATE INDEX subscriptions_due_term ON subscriptions (commitment_end_date) WHERE status = 'active';
    CREATE INDEX subscriptions_due_disable ON subscriptions (status_changed_at)
      WHERE status = 'expired' AND NOT is_trial;
    CREATE INDEX subscriptions_due_retention ON subscriptions (data_retention_end_date)
      WHERE status IN ('suspended', 'expired', 'disabled', 'deleted') AND data_purged_at IS NULL;
  `,
  );
}
