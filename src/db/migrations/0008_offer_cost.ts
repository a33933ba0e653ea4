import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

// Frozen: never edit a migration that has shipped; add the next one instead.
// What the partner pays for an offer (R-PRC-1: the price list's List Price, per licence per month, in minor
// units per currency), kept in its own column beside the definition: customers are charged the offer's
// prices (the ERP), and the margin rules read the cost without taking the definition apart.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `ALTER TABLE offers ADD COLUMN cost jsonb NOT NULL DEFAULT '{}'::jsonb`);
}
