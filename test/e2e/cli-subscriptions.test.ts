import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onServer } from '../support/db.ts';
import { exited, runSeatwise, startServerProcess, type RunningServer } from '../support/process.ts';

const dir = mkdtempSync(join(tmpdir(), 'seatwise-cli-api-'));
const TOKEN = 'cli-e2e-token';
const env = {
  SEATWISE_DATA_DIR: join(dir, 'data'),
  SEATWISE_DEMO: '0',
  SEATWISE_TEST_CLOCK: '1',
  SEATWISE_BOOTSTRAP_TOKEN: TOKEN,
};
let server: RunningServer | undefined;

beforeAll(async () => {
  const imported = await runSeatwise(['catalog', 'import', 'catalog/demo-catalog.json'], env);
  expect(imported.code, imported.stderr).toBe(0);
  server = await startServerProcess(env, 120_000);
}, 300_000);

afterAll(async () => {
  if (server) {
    server.child.kill('SIGTERM');
    await exited(server.child);
  }
  rmSync(dir, { recursive: true, force: true });
});

const cli = (args: string[], extra: Record<string, string> = {}) =>
  runSeatwise(['subscription', ...args], {
    ...env,
    SEATWISE_URL: (server as RunningServer).url,
    SEATWISE_TOKEN: TOKEN,
    ...extra,
  });

async function newCustomer(): Promise<string> {
  const res = await fetch(`${(server as RunningServer).url}/v1/customers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      CompanyProfile: { Domain: 'clitest.onmicrosoft.com' },
      BillingProfile: {
        Culture: 'en-US',
        Email: 'ops@clitest.example',
        Language: 'en',
        CompanyName: 'CLI Test Ltd',
        DefaultAddress: {
          FirstName: 'Grace',
          LastName: 'Hopper',
          AddressLine1: '1 Main',
          City: 'Redmond',
          State: 'WA',
          PostalCode: '98052',
          Country: 'US',
        },
      },
    }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

describe.skipIf(onServer())(
  'seatwise subscription: partner operations through the REST API (SPEC §7)',
  () => {
    it(
      'buys, lists, changes the quantity, suspends, reactivates and cancels, with exit codes 0/2/3/1',
      { timeout: 300_000 },
      async () => {
        const customerId = await newCustomer();

        const bought = await cli([
          'buy',
          customerId,
          'CN-365-BB',
          '--quantity',
          '5',
          '--name',
          'Office',
          '--json',
        ]);
        expect(bought.code, bought.stderr).toBe(0);
        const order = JSON.parse(bought.stdout) as { lineItems: { subscriptionId: string }[] };
        const subId = order.lineItems[0]?.subscriptionId as string;
        expect(subId).toBeTruthy();

        const listed = await cli(['list', customerId]);
        expect(listed.code).toBe(0);
        expect(listed.stdout).toContain('Office');
        expect(listed.stdout).toContain('active');

        // R-QTY-1: a total outside the offer's bounds is refused by the server, exit 3 with its code.
        const tooMany = await cli(['quantity', customerId, subId, '100000']);
        expect(tooMany.code).toBe(3);
        expect(tooMany.stderr).toContain('code 2002');
        const seven = await cli(['quantity', customerId, subId, '7', '--json']);
        expect(seven.code, seven.stderr).toBe(0);
        expect(JSON.parse(seven.stdout)).toMatchObject({ quantity: 7 });

        // R-SUS-1: the reason is mandatory (usage, exit 2) and one of the four.
        const noReason = await cli(['suspend', customerId, subId]);
        expect(noReason.code).toBe(2);
        const suspended = await cli(['suspend', customerId, subId, '--reason', 'nonPayment']);
        expect(suspended.code, suspended.stderr).toBe(0);
        // R-SUS-3: account opened at the reference time, no billing period yet -> 90 days.
        expect(suspended.stdout).toMatch(/suspended; its data is kept until \d{4}-\d{2}-\d{2}/);

        // R-QTY-2: not while suspended; the refusal comes in the asked language.
        const frozen = await cli(['quantity', customerId, subId, '8', '--locale', 'fr-FR']);
        expect(frozen.code).toBe(3);
        expect(frozen.stderr).toContain('code 2001');
        expect(frozen.stderr).not.toMatch(/\bsuspended\b/);

        const back = await cli(['reactivate', customerId, subId]);
        expect(back.code, back.stderr).toBe(0);
        expect(back.stdout).toContain('active');

        const cancelled = await cli(['cancel', customerId, subId]);
        expect(cancelled.code, cancelled.stderr).toBe(0);
        expect(cancelled.stdout).toMatch(/cancelled; its data is purged on \d{4}-\d{2}-\d{2}/);
        // R-CAN-1: never updated again.
        const after = await cli(['quantity', customerId, subId, '3']);
        expect(after.code).toBe(3);
        expect(after.stderr).toContain('code 2011');

        const noToken = await cli(['list', customerId], { SEATWISE_TOKEN: '' });
        expect(noToken.code).toBe(2);
        expect(noToken.stderr).toContain('SEATWISE_TOKEN');
        const badToken = await cli(['list', customerId], { SEATWISE_TOKEN: 'nope' });
        expect(badToken.code).toBe(3);
        const down = await cli(['list', customerId], { SEATWISE_URL: 'http://127.0.0.1:9' });
        expect(down.code).toBe(1);
        expect(down.stderr).toContain('Cannot reach Seatwise');
      },
    );
  },
);
