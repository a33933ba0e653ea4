import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { onServer } from '../support/db.ts';
import { exited, runSeatwise, startServerProcess } from '../support/process.ts';

const dir = mkdtempSync(join(tmpdir(), 'seatwise-cli-users-'));
const env = {
  SEATWISE_DATA_DIR: join(dir, 'data'),
  SEATWISE_DEMO: '1',
  SEATWISE_BOOTSTRAP_TOKEN: 'cli-users-token',
};
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const json = <T>(out: { stdout: string }) => JSON.parse(out.stdout) as T;

describe.skipIf(onServer())('seatwise customer-user (SPEC §7)', () => {
  it(
    "lists a demo customer's users, adds one, assigns a licence and shows its access decision; refuses a bad name",
    { timeout: 300_000 },
    async () => {
      // The demo data is loaded on the first start of the server; the commands then use the same directory.
      const server = await startServerProcess(env);
      server.child.kill('SIGTERM');
      await exited(server.child);

      const [partner] = json<{ id: string }[]>(await runSeatwise(['partner', 'list', '--json'], env));
      const p = partner?.id ?? '';
      const [contoso] = json<{ id: string }[]>(
        await runSeatwise(['customer', 'list', '--partner', p, '--search', 'contoso', '--json'], env),
      );
      const c = contoso?.id ?? '';
      const users = json<{ userPrincipalName: string }[]>(
        await runSeatwise(['customer-user', 'list', c, '--partner', p, '--json'], env),
      );
      expect(users.map((u) => u.userPrincipalName)).toContain('megan.bowen@contosopharma.onmicrosoft.com');

      const upn = 'new.hire@contosopharma.onmicrosoft.com';
      const created = await runSeatwise(['customer-user', 'create', c, upn, '--partner', p, '--json'], env);
      expect(created.code, created.stderr).toBe(0);
      const userId = json<{ id: string }>(created).id;
      const none = json<{ signIn: { allowed: boolean; reason: string } }>(
        await runSeatwise(['customer-user', 'access', c, upn, '--partner', p, '--json'], env),
      );
      expect(none.signIn).toMatchObject({ allowed: false, reason: 'noLicence' });
      const assigned = await runSeatwise(
        ['customer-user', 'licenses', c, userId, '--assign', 'CN-365-E3', '--partner', p],
        env,
      );
      expect(assigned.code, assigned.stderr).toBe(0);
      expect(assigned.stdout).toContain('assigned CN-365-E3');
      const access = json<{ signIn: { allowed: boolean; rule: string } }>(
        await runSeatwise(
          ['customer-user', 'access', c, upn, '--partner', p, '--plan', 'mail', '--json'],
          env,
        ),
      );
      expect(access.signIn).toMatchObject({ allowed: true, rule: 'R-ACC' });

      const bad = await runSeatwise(
        ['customer-user', 'create', c, 'x@elsewhere.example', '--partner', p],
        env,
      );
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('contosopharma.onmicrosoft.com');
    },
  );
});
