import { findPartner, type Partner } from '../app/partners.ts';
import { assemble, type Seatwise } from '../composition.ts';
import { loadConfig } from '../config.ts';

/** What every command shares: printing, opening Seatwise for one command, finding a partner. */
export const print = (line: string) => process.stdout.write(`${line}\n`);

/** Opens (and migrates) the configured database for one command, and always closes it. */
export async function withSeatwise<T>(
  command: string,
  fn: (s: Seatwise) => Promise<T>,
  bootstrap = false,
): Promise<T> {
  // A command answers nothing from memory; what it changes, the servers on the same database still drop.
  const seatwise = await assemble(loadConfig(), { command: `seatwise ${command}`, bootstrap, cache: false });
  try {
    return await fn(seatwise);
  } finally {
    await seatwise.close();
  }
}

export async function partnerOf(s: Seatwise, idOrName: string): Promise<Partner> {
  const partner = await findPartner(s.db, idOrName);
  if (!partner) throw new Error(`No partner "${idOrName}" on this instance (see: seatwise partner list).`);
  return partner;
}
