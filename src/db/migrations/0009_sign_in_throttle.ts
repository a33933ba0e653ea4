import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

// Frozen: never edit a migration that has shipped; add the next one instead.
// Counters of guesses (R-SEC-1): failed sign-ins per user name from one address and per address, failed bearer
// tokens per address, each in a fixed window. Kept in the database so that every server process on one
// PostgreSQL counts the same attempts. A shared table without partner data: the key is a SHA-256 of what is
// counted (name and address), never the name or the address itself.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    CREATE TABLE auth_attempts (
      key_hash text NOT NULL PRIMARY KEY,
      window_started_at timestamptz NOT NULL,
      attempts int NOT NULL
    );
    CREATE INDEX auth_attempts_by_window ON auth_attempts (window_started_at);
  `,
  );
}
