import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

// Frozen: never edit a migration that has shipped; add the next one instead.
// The version stamp of each tenant's access facts (R-ACC, SPEC §8). Every write that can change a tenant's
// access decisions bumps its row in the write's own transaction; a process holding the tenant's facts in
// memory reads the stamp by primary key before it answers, and reloads the facts when it moved. A catalog
// import changes what every licence grants: it bumps the one instance-wide counter, which is part of every
// stamp. The lease registry of the LISTEN/NOTIFY design this replaces goes.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    CREATE TABLE access_versions (
      partner_id uuid NOT NULL,
      customer_id uuid NOT NULL,
      version bigint NOT NULL,
      PRIMARY KEY (partner_id, customer_id),
      FOREIGN KEY (partner_id, customer_id) REFERENCES customers (partner_id, id) ON DELETE CASCADE
    );
    ALTER TABLE instance_settings ADD COLUMN offers_version bigint NOT NULL DEFAULT 0;
    DROP TABLE access_cache_processes;
  `,
  );
}
