import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { onServer } from '../support/db.ts';
import { CLI_BUNDLE, sourcesHash } from '../../scripts/build-cli.mjs';
import { exited, runSeatwise, startServerProcess } from '../support/process.ts';

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

  it(
    'runs compiled JavaScript whose start loads neither the database nor the server',
    { timeout: 120_000 },
    async () => {
      const help = await runSeatwise(['--help'], env);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('Usage: seatwise');
      // bin/seatwise.js built dist/seatwise.mjs from the sources as they are, and ran it.
      expect(existsSync(CLI_BUNDLE)).toBe(true);
      expect(readFileSync(`${CLI_BUNDLE}.sources-hash`, 'utf8')).toBe(sourcesHash());
      // The entry imports only what every command needs; the rest comes in chunks when a command runs.
      const entry = readFileSync(CLI_BUNDLE, 'utf8');
      const staticImports = [...entry.matchAll(/^import .* from ["']([^"']+)["'];?$/gm)].map((m) => m[1]);
      for (const heavy of ['kysely', 'fastify', '@electric-sql/pglite', 'pg', 'typebox'])
        expect(staticImports).not.toContain(heavy);
    },
  );

  it(
    'starts the server with human start-up lines, no JSON log line among them',
    { timeout: 300_000 },
    async () => {
      const server = await startServerProcess(
        { ...env, SEATWISE_DATA_DIR: join(dir, 'serve'), SEATWISE_LOG_LEVEL: 'info' },
        240_000,
      );
      // Everything it wrote, read to the end of its output, not only up to its exit.
      const stdout = server.child.stdout;
      const drained = stdout && !stdout.closed ? once(stdout, 'close') : Promise.resolve();
      server.child.kill('SIGTERM');
      await exited(server.child);
      await drained;
      const lines = server.output().trim().split('\n');
      expect(lines.at(-1)).toBe('Seatwise: SIGTERM received, closing.');
      expect(lines.some((l) => l.includes('listening on http://'))).toBe(true);
      expect(lines.filter((l) => l.trimStart().startsWith('{'))).toEqual([]);
    },
  );
});
