import { parse } from 'csv-parse/sync';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { onServer } from '../support/db.ts';
import { exited, runSeatwise, startServerProcess, type RunningServer } from '../support/process.ts';

const dir = mkdtempSync(join(tmpdir(), 'seatwise-statement-'));
// With the test clock on, the commands that follow see the time the server stored, not a later one.
const env = { SEATWISE_DATA_DIR: join(dir, 'data'), SEATWISE_TEST_CLOCK: '1' };
let server: RunningServer | undefined;
afterAll(async () => {
  if (server) {
    server.child.kill('SIGKILL');
    await exited(server.child);
  }
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(onServer())('seatwise statement (R-BIL-6, SPEC §7)', () => {
  it(
    'prints a customer month as a table, JSON or CSV, and says why it refuses',
    { timeout: 300_000 },
    async () => {
      // The first start loads the demo, whose purchases and changes are in the ledger; then it stops.
      server = await startServerProcess(env);
      server.child.kill('SIGTERM');
      await exited(server.child);
      const month = new Date().toISOString().slice(0, 7);

      const partners = await runSeatwise(['partner', 'list', '--json'], env);
      const partner = (JSON.parse(partners.stdout) as { id: string }[])[0]?.id ?? '';
      const customers = await runSeatwise(['customer', 'list', '--partner', partner, '--json'], env);
      const fabrikam = (
        JSON.parse(customers.stdout) as { id: string; companyProfile: { companyName: string } }[]
      ).find((c) => c.companyProfile.companyName === 'Fabrikam Bistro');
      expect(fabrikam).toBeDefined();
      const id = fabrikam?.id ?? '';

      const csv = await runSeatwise(['statement', id, month, '--csv'], env);
      expect(csv.code).toBe(0);
      const rows = parse<Record<string, string>>(csv.stdout, { bom: true, columns: true });
      // Bureau: 11.70 × 12 licences; Cuisine: 3.70 × 8, then suspended at once, credited 100% (R-BIL-3).
      expect(rows.map((r) => [r.Subscription, r.Description, r.Amount, r.Currency])).toEqual([
        ['Bureau', 'Purchase', '140.40', 'EUR'],
        ['Cuisine', 'Purchase', '29.60', 'EUR'],
        ['Cuisine', 'Suspension credit', '-29.60', 'EUR'],
      ]);

      const json = await runSeatwise(['statement', id, month, '--json'], env);
      expect(JSON.parse(json.stdout)).toMatchObject({
        month,
        customerName: 'Fabrikam Bistro',
        totals: [{ currency: 'EUR', charges: 17000, credits: -2960, net: 14040, lineCount: 3 }],
      });
      const table = await runSeatwise(['statement', id, month, '--partner', partner], env);
      expect(table.code).toBe(0);
      expect(table.stdout).toContain('EUR: charges 170.00, credits -29.60, net 140.40');

      const badMonth = await runSeatwise(['statement', id, '2027-13'], env);
      expect(badMonth.code).toBe(2);
      expect(badMonth.stderr).toContain('YYYY-MM');
      const unknown = await runSeatwise(['statement', '00000000-0000-4000-8000-000000000000', month], env);
      expect(unknown.code).toBe(3);
    },
  );
});
