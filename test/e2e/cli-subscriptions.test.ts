import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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

async function newCustomer(domain = 'clitest.onmicrosoft.com'): Promise<string> {
  const res = await fetch(`${(server as RunningServer).url}/v1/customers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      CompanyProfile: { Domain: domain },
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
        const noComment = await cli(['suspend', customerId, subId, '--reason', 'other']);
        expect(noComment.code).toBe(2);
        expect(noComment.stderr).toContain('--comment');
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
        // Cancelling again changes nothing: the API answers with the subscription unchanged, which is no success.
        const again = await cli(['cancel', customerId, subId]);
        expect(again.code).toBe(3);
        expect(again.stderr).toContain('already cancelled');
        expect(again.stdout).toBe('');
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

    it(
      'prints tables without quotes or index column, and every change as the subscription it leaves',
      { timeout: 300_000 },
      async () => {
        const customerId = await newCustomer('tables.onmicrosoft.com');
        const bought = await cli(['buy', customerId, 'CN-365-BB', '--quantity', '3', '--name', 'Tables Co']);
        expect(bought.code, bought.stderr).toBe(0);
        expect(bought.stdout).toMatch(/^order [0-9a-f-]{36} placed:\n/);
        const subId = /│ ([0-9a-f-]{36}) │ Tables Co /.exec(bought.stdout)?.[1] as string;
        expect(subId).toBeTruthy();
        expectTable(bought.stdout.split('\n').slice(1).join('\n'), ['quantity', 'status', 'term end']);
        expect(bought.stdout).toMatch(/│ +3 │ active /);

        const listed = await cli(['list', customerId]);
        expect(listed.code, listed.stderr).toBe(0);
        expectTable(listed.stdout, ['id', 'name', 'offer', 'price/licence/month']);
        expect(listed.stdout).not.toContain('(index)');
        expect(listed.stdout).not.toMatch(/['"]/);

        // --json is what the API returns, unchanged by the tables.
        const json = await cli(['list', customerId, '--json']);
        const items = JSON.parse(json.stdout) as { id: string; friendlyName: string; attributes: object }[];
        expect(items).toEqual([
          expect.objectContaining({
            id: subId,
            friendlyName: 'Tables Co',
            attributes: expect.any(Object) as object,
          }),
        ]);

        for (const [args, status] of [
          [['quantity', customerId, subId, '4'], /│ +4 │ active /],
          [['autorenew', customerId, subId, 'off'], /│ no +│/],
          [['suspend', customerId, subId, '--reason', 'fraud'], /│ suspended │/],
          [['reactivate', customerId, subId], /│ active +│/],
          [['cancel', customerId, subId], /│ deleted +│/],
        ] as const) {
          const out = await cli([...args]);
          expect(out.code, `${args[0]}: ${out.stderr}`).toBe(0);
          expectTable(out.stdout.split('\n').slice(1).join('\n'), ['id', 'quantity', 'status']);
          expect(out.stdout, args[0]).toMatch(status);
          expect(out.stdout).toContain(subId);
        }
      },
    );

    it(
      'names a customer by its primary domain, and refuses an unknown or partial one',
      { timeout: 300_000 },
      async () => {
        const customerId = await newCustomer('bydomain.onmicrosoft.com');
        const bought = await cli(['buy', 'ByDomain.onmicrosoft.com', 'CN-365-BB', '--json']);
        expect(bought.code, bought.stderr).toBe(0);
        expect(JSON.parse(bought.stdout)).toMatchObject({ referenceCustomerId: customerId });
        const listed = await cli(['list', 'bydomain.onmicrosoft.com', '--json']);
        expect(listed.code, listed.stderr).toBe(0);
        expect((JSON.parse(listed.stdout) as { customerId: string }[])[0]?.customerId).toBe(customerId);

        const unknown = await cli(['list', 'nobody.onmicrosoft.com']);
        expect(unknown.code).toBe(3);
        expect(unknown.stderr).toContain('No customer has the primary domain nobody.onmicrosoft.com');
        const partial = await cli(['list', 'bydomain.onmicrosoft']);
        expect(partial.code).toBe(2);
        expect(partial.stderr).toContain('bydomain.onmicrosoft.com');
        const neither = await cli(['list', 'bydomain']);
        expect(neither.code).toBe(2);
        expect(neither.stderr).toContain('primary domain');
      },
    );

    it(
      'refuses arguments that cannot be right with exit 2, before any request',
      { timeout: 120_000 },
      async () => {
        const requests: string[] = [];
        const counter = createServer((req, res) => {
          requests.push(`${req.method} ${req.url}`);
          res.writeHead(500).end();
        });
        await new Promise<void>((resolve) => counter.listen(0, '127.0.0.1', resolve));
        const url = `http://127.0.0.1:${(counter.address() as AddressInfo).port}`;
        const c = '6f1d1a8e-0a4b-4c39-9d0e-1c2b3a4d5e6f';
        const s = '0b9e2c4d-7a61-4f3e-8c2d-5e6f7a8b9c0d';
        try {
          for (const args of [
            ['quantity', c, s, 'abc'],
            ['quantity', c, s, '0'],
            ['quantity', c, s, '2.5'],
            ['quantity', c, 'not-an-id', '3'],
            ['buy', c, 'CN-365-BB', '--quantity', 'many'],
            ['autorenew', c, s, 'maybe'],
            ['suspend', c, s, '--reason', 'other'],
            ['list', 'no customer'],
          ]) {
            const out = await cli(args, { SEATWISE_URL: url });
            expect(out.code, `${args.join(' ')}: ${out.stderr}`).toBe(2);
            expect(out.stderr).toMatch(/^seatwise: /);
          }
          expect(requests).toEqual([]);
        } finally {
          counter.close();
        }
      },
    );
  },
);

/** An aligned table: every line as wide as the others, the heading naming the columns, no quotes. */
function expectTable(text: string, columns: string[]): void {
  const lines = text.trimEnd().split('\n');
  expect(new Set(lines.map((l) => l.length)).size, text).toBe(1);
  for (const c of columns) expect(lines[1], text).toContain(` ${c} `);
  expect(text).not.toMatch(/['"]/);
  expect(text).not.toContain('(index)');
}
