import { parse } from 'csv-parse/sync';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { onServer } from '../support/db.ts';
import { exited, runSeatwise, startServerProcess, type RunningServer } from '../support/process.ts';

const dir = mkdtempSync(join(tmpdir(), 'seatwise-pricing-cli-'));
const TOKEN = 'pricing-cli-token';
// With the test clock on, the commands that follow see the time the server stored, not a later one.
const env = {
  SEATWISE_DATA_DIR: join(dir, 'data'),
  SEATWISE_TEST_CLOCK: '1',
  SEATWISE_BOOTSTRAP_TOKEN: TOKEN,
};
let server: RunningServer | undefined;
afterAll(async () => {
  if (server) {
    server.child.kill('SIGKILL');
    await exited(server.child);
  }
  rmSync(dir, { recursive: true, force: true });
});

interface Customer {
  id: string;
  companyProfile: { companyName: string };
}

describe.skipIf(onServer())('seatwise pricing and seatwise margin (R-PRC-2, R-PRC-3, SPEC §7)', () => {
  it(
    'R-PRC-2: prints the rules and a customer preview naming the rule; R-PRC-3: prints the margin as a table, JSON and CSV equal to the API; usage errors exit 2, refusals 3',
    { timeout: 300_000 },
    async () => {
      // The first start loads the demo (its catalog has costs: CN-365-BB costs USD 5.00 for an ERP of 6.00).
      server = await startServerProcess(env, 240_000);
      const api = async <T>(method: string, path: string, body?: object): Promise<T> => {
        const res = await fetch(`${server?.url}${path}`, {
          method,
          headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
        expect(res.status, `${method} ${path}`).toBeLessThan(300);
        return (await res.json()) as T;
      };
      const customers = await api<{ items: Customer[] }>('GET', '/v1/customers?size=100');
      const us = customers.items.find((c) => c.companyProfile.companyName === 'Contoso Pharmaceuticals');
      expect(us).toBeDefined();
      const id = us?.id ?? '';
      await api('POST', '/v1/pricing/rules', { scope: 'partner', kind: 'markup', percent: 15 });
      await api('POST', '/v1/pricing/rules', {
        scope: 'customerOffer',
        customerId: id,
        offerId: 'CN-365-BB',
        kind: 'fixed',
        prices: { USD: 590 },
      });
      const month = (await api<{ now: string }>('GET', '/v1/testclock')).now.slice(0, 7);
      const expected = await api<{ totals: { currency: string; revenue: number; margin: number }[] }>(
        'GET',
        `/v1/billing/margin?month=${month}`,
      );
      const preview = await api<{ currency: string; items: { offerId: string; price: number }[] }>(
        'GET',
        `/v1/pricing/preview?customerId=${id}`,
      );
      server.child.kill('SIGTERM');
      await exited(server.child);
      server = undefined;

      const partners = await runSeatwise(['partner', 'list', '--json'], env);
      expect(partners.code, partners.stderr).toBe(0);
      const partner = (JSON.parse(partners.stdout) as { id: string }[])[0]?.id ?? '';

      const list = await runSeatwise(['pricing', 'list', '--partner', partner], env);
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).toContain('cost + 15%');
      expect(list.stdout).toContain('fixed 5.90 USD');
      const listed = JSON.parse(
        (await runSeatwise(['pricing', 'list', '--partner', partner, '--json'], env)).stdout,
      ) as {
        scope: string;
      }[];
      expect(listed.map((r) => r.scope)).toEqual(['partner', 'customerOffer']);

      const table = await runSeatwise(['pricing', 'preview', id], env);
      expect(table.code, table.stderr).toBe(0);
      const bb = table.stdout.split('\n').find((l) => l.includes('CN-365-BB '));
      expect(bb).toMatch(/6\.00.*5\.00.*5\.90.*0\.90.*customerOffer v1/);
      const bs = table.stdout.split('\n').find((l) => l.includes('CN-365-BS '));
      expect(bs).toContain('partner v1');
      const json = JSON.parse(
        (await runSeatwise(['pricing', 'preview', id, '--json'], env)).stdout,
      ) as typeof preview;
      expect(json.items).toEqual(preview.items);

      const margin = await runSeatwise(['margin', '--partner', partner, '--month', month, '--json'], env);
      expect(margin.code, margin.stderr).toBe(0);
      expect((JSON.parse(margin.stdout) as typeof expected).totals).toEqual(expected.totals);
      const csv = await runSeatwise(['margin', '--partner', partner, '--month', month, '--csv'], env);
      const rows = parse<Record<string, string>>(csv.stdout, { bom: true, columns: true });
      for (const t of expected.totals) {
        const total = rows.find((r) => r.Group === 'total' && r.Currency === t.currency);
        expect(total?.Revenue).toBe((t.revenue / 100).toFixed(2));
        expect(total?.Margin).toBe((t.margin / 100).toFixed(2));
      }
      const words = await runSeatwise(['margin', '--partner', partner], env);
      expect(words.code).toBe(0);
      expect(words.stdout).toContain(`Margin for ${month}`);
      const usd = expected.totals.find((t) => t.currency === 'USD');
      if (usd) expect(words.stdout).toContain(`USD: revenue ${(usd.revenue / 100).toFixed(2)}`);

      const badMonth = await runSeatwise(['margin', '--partner', partner, '--month', '2027-13'], env);
      expect(badMonth.code).toBe(2);
      expect(badMonth.stderr).toContain('YYYY-MM');
      const badDate = await runSeatwise(['pricing', 'preview', id, '--at', 'soon'], env);
      expect(badDate.code).toBe(2);
      const noPartner = await runSeatwise(['pricing', 'list'], env);
      expect(noPartner.code).toBe(2);
      const unknown = await runSeatwise(['pricing', 'preview', '00000000-0000-4000-8000-000000000000'], env);
      expect(unknown.code).toBe(3);
    },
  );
});
