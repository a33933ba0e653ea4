import { sql, type Kysely } from 'kysely';

/**
 * Runs a migration's DDL one statement at a time: PGlite's extended protocol takes one statement per call.
 * Statements are split on a semicolon at the end of a line, so a migration keeps function bodies on one line
 * or uses dollar quoting without a line-ending semicolon inside.
 */
export async function runStatements(db: Kysely<unknown>, ddl: string): Promise<void> {
  for (const statement of ddl.split(/;\s*\n/)) {
    const text = statement.trim();
    if (text) await sql.raw(text).execute(db);
  }
}
