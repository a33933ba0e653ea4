import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSeatwise } from '../support/process.ts';
import { createTestDatabase, dropTestDatabase, serverUrl, urlFor } from '../support/template.ts';

/**
 * `seatwise catalog import <file> --prices <csv>` as an operator runs it (R-CAT-3, R-PRC-1): the recorded
 * Partner Center offers response, read from the shared recordings at test time, on the embedded database or,
 * when the tests run on PostgreSQL, on a database of its own.
 */
const RECORDING = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'shared',
  'reference',
  'partner-center-recordings',
  'GetPartnerOffer.json',
);
const E3 = '796B6B5F-613C-4E24-A17C-EBA730D49C02';

const dir = mkdtempSync(join(tmpdir(), 'seatwise-cli-catalog-'));
let env: Record<string, string> = { SEATWISE_DATA_DIR: join(dir, 'data'), SEATWISE_DEMO: '0' };
let database: string | undefined;

beforeAll(async () => {
  if (!serverUrl()) return;
  database = `seatwise_cli_${randomBytes(5).toString('hex')}`;
  await createTestDatabase(database);
  env = { DATABASE_URL: urlFor(database), SEATWISE_DEMO: '0' };
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (database) await dropTestDatabase(database);
});

const write = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const e3Prices = async (): Promise<unknown> => {
  const listed = await runSeatwise(['catalog', 'list', '--json'], env);
  expect(listed.code, listed.stderr).toBe(0);
  return (JSON.parse(listed.stdout) as { id: string; prices: unknown }[]).find((o) => o.id === E3)?.prices;
};

describe('seatwise catalog import with a Partner Center offers response (R-CAT-3, R-PRC-1)', () => {
  it(
    'R-CAT-3: imports the recorded response with a price list, says what it did, and refuses a bad price list writing nothing',
    { timeout: 300_000 },
    async () => {
      const body = (JSON.parse(readFileSync(RECORDING, 'utf8')) as { ResponseBody: string }[])[0]
        ?.ResponseBody;
      const offers = write('offers.json', body ?? '');
      const prices = write(
        'prices.csv',
        [
          ' offer id ,OFFER NAME,currency,List Price,erp price',
          `${E3},E3,USD,16.00,20.00`,
          `${E3},E3,GBP,13,16`,
        ].join('\r\n'),
      );

      const imported = await runSeatwise(['catalog', 'import', offers, '--prices', prices], env);
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stdout).toContain(`imported 274 offers from Partner Center offers response ${offers}`);
      expect(imported.stdout).toContain('price rows in GBP ignored');
      expect(imported.stdout).toContain('3 offers listed but not sold (R-CAT-2)');
      expect(await e3Prices()).toEqual({ USD: 2000 });

      const bad = write(
        'bad.csv',
        ['Offer ID,Currency,List Price,ERP Price', `${E3},USD,16.00,twenty`].join('\n'),
      );
      const refused = await runSeatwise(['catalog', 'import', offers, '--prices', bad], env);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('line 2: "ERP Price" "twenty" is not an amount');
      expect(await e3Prices()).toEqual({ USD: 2000 });

      // Without a price list the offers are still imported, listed but not purchasable.
      const unpriced = await runSeatwise(['catalog', 'import', offers], env);
      expect(unpriced.code, unpriced.stderr).toBe(0);
      expect(unpriced.stdout).toContain('no price list (--prices)');
      expect(await e3Prices()).toEqual({});
    },
  );
});
