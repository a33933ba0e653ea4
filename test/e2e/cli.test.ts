import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { onServer } from '../support/db.ts';
import { runSeatwise } from '../support/process.ts';

const dir = mkdtempSync(join(tmpdir(), 'seatwise-cli-'));
const env = { SEATWISE_DATA_DIR: join(dir, 'data'), SEATWISE_DEMO: '0' };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(onServer())('the seatwise command (SPEC §7)', () => {
  it(
    'imports a catalog with progress, manages partners, users and tokens, and says why it refuses',
    { timeout: 300_000 },
    async () => {
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, JSON.stringify({ version: 1, offers: [{ id: 'X' }] }));
      const refused = await runSeatwise(['catalog', 'import', bad], env);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('/offers/0');

      const imported = await runSeatwise(['catalog', 'import', 'catalog/demo-catalog.json'], env);
      expect(imported.stdout).toContain('imported 40 offers');
      expect(imported.code).toBe(0);

      const partner = await runSeatwise(['partner', 'create', 'Acme Reseller', '--json'], env);
      expect(JSON.parse(partner.stdout)).toMatchObject({ name: 'Acme Reseller', partnerType: 'direct' });
      const user = await runSeatwise(
        ['user', 'create', '--partner', 'Acme Reseller', '--name', 'acme-admin', '--role', 'GlobalAdmin'],
        env,
      );
      expect(user.code).toBe(0);
      const token = await runSeatwise(
        ['token', 'create', '--partner', 'Acme Reseller', '--user', 'acme-admin', '--json'],
        env,
      );
      expect(JSON.parse(token.stdout)).toMatchObject({
        token: expect.stringMatching(/^sw_global_/) as string,
      });
      const dup = await runSeatwise(
        ['user', 'create', '--partner', 'Acme Reseller', '--name', 'acme-admin', '--role', 'SalesAgent'],
        env,
      );
      expect(dup.code).toBe(3);
      expect(dup.stderr).toContain('already taken');
      const usage = await runSeatwise(
        ['user', 'create', '--partner', 'Acme Reseller', '--name', 'x', '--role', 'Emperor'],
        env,
      );
      expect(usage.code).toBe(2);
      const list = await runSeatwise(['customer', 'list', '--partner', 'Acme Reseller', '--json'], env);
      expect(list.code).toBe(0);
      const swept = await runSeatwise(['sweep', '--json'], env);
      expect(swept.code).toBe(0);
      expect(JSON.parse(swept.stdout)).toMatchObject({ expireTrials: 0, renewed: 0, delete: 0 });
    },
  );
});
