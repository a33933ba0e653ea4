import Table from 'cli-table3';
import type { Partner } from '../app/partners.ts';
import type { Seatwise } from '../composition.ts';
import { DomainError } from '../domain/errors.ts';
import { isGuid } from '../domain/ids.ts';

/**
 * What every command shares: printing, tables, opening Seatwise for one command, finding a partner.
 * The database, the server and the use cases are imported when a command runs, not when the CLI starts: the
 * commands that only call the REST API (and --help) then start without loading them.
 */
export const print = (line: string) => process.stdout.write(`${line}\n`);

type Cell = string | number | boolean | null | undefined;

/** Numbers and amounts (`12.50`, `-3.00 USD`) line up on the right; an empty cell goes with either. */
const numeric = (v: Cell) =>
  typeof v === 'number' ||
  v === '' ||
  v === null ||
  v === undefined ||
  /^-?\d+(\.\d+)?( [A-Z]{3})?$/.test(String(v));

/**
 * Prints rows as an aligned table (cli-table3): one column per key of the first row, numbers and amounts to the right,
 * one line per row, no quotes and no index column; no colours, so the output reads the same in a file or a pipe.
 */
export function printTable(rows: Record<string, Cell>[]): void {
  const first = rows[0];
  if (!first) return;
  const keys = Object.keys(first);
  const table = new Table({
    head: keys,
    style: { head: [], border: [], compact: true },
    colAligns: keys.map((k) => (rows.every((r) => numeric(r[k])) ? 'right' : 'left')),
  });
  for (const r of rows)
    table.push(keys.map((k) => (r[k] === null || r[k] === undefined ? '' : String(r[k]))));
  print(table.toString());
}

/** Opens (and migrates) the configured database for one command, and always closes it. */
export async function withSeatwise<T>(
  command: string,
  fn: (s: Seatwise) => Promise<T>,
  bootstrap = false,
): Promise<T> {
  const [{ assemble }, { loadConfig }] = await Promise.all([
    import('../composition.ts'),
    import('../config.ts'),
  ]);
  // A command answers nothing from memory; what it changes, the servers on the same database still drop.
  const seatwise = await assemble(loadConfig(), { command: `seatwise ${command}`, bootstrap });
  try {
    return await fn(seatwise);
  } finally {
    await seatwise.close();
  }
}

export async function partnerOf(s: Seatwise, idOrName: string): Promise<Partner> {
  const { findPartner } = await import('../app/partners.ts');
  const partner = await findPartner(s.db, idOrName);
  if (!partner) throw new Error(`No partner "${idOrName}" on this instance (see: seatwise partner list).`);
  return partner;
}

/** The partner a customer belongs to, from the instance's registry of customer domains (a shared table). */
export async function partnerOfCustomer(s: Seatwise, customerId: string): Promise<string> {
  const row = isGuid(customerId)
    ? await s.db
        .selectFrom('customer_domains')
        .select('partner_id')
        .where('customer_id', '=', customerId.toLowerCase())
        .executeTakeFirst()
    : undefined;
  if (!row)
    throw new DomainError('not_found', 404, 'resource.notFound', { resource: 'customer', id: customerId });
  return row.partner_id;
}
