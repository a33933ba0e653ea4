import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { onServer } from '../support/db.ts';
import { exited, runSeatwise, startServerProcess, type RunningServer } from '../support/process.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'seatwise-e2e-'));
const env = {
  SEATWISE_DATA_DIR: dataDir,
  SEATWISE_DEMO: '0',
  SEATWISE_BOOTSTRAP_TOKEN: 'e2e-bootstrap-token',
  SEATWISE_BOOTSTRAP_PASSWORD: 'e2e-password',
};
const auth = { authorization: 'Bearer e2e-bootstrap-token' };
const running: RunningServer[] = [];

afterAll(async () => {
  for (const s of running) {
    s.child.kill('SIGKILL');
    await exited(s.child);
  }
  rmSync(dataDir, { recursive: true, force: true });
});

// The embedded database is what a new user runs; on a PostgreSQL server there is no directory to lock.
describe.skipIf(onServer())('the seatwise process on an embedded data directory (SPEC §8)', () => {
  it(
    'starts, refuses a second owner, survives kill -9, and keeps its data',
    { timeout: 300_000 },
    async () => {
      const first = await startServerProcess(env);
      running.push(first);
      expect(await (await fetch(`${first.url}/healthz`)).json()).toMatchObject({
        status: 'ok',
        engine: 'pglite',
      });
      const anonymous = await fetch(`${first.url}/v1/customers`);
      expect(anonymous.status).toBe(401);
      const customers = await fetch(`${first.url}/v1/customers`, { headers: auth });
      expect(await customers.json()).toMatchObject({ totalCount: 0, items: [] });
      const created = await fetch(`${first.url}/v1/partnerusers`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ userName: 'survivor', role: 'SalesAgent' }),
      });
      expect(created.status).toBe(201);

      // A second server, and a CLI command, on the same directory are refused, naming the holder.
      const second = await runSeatwise(['serve'], { ...env, PORT: '0' });
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`in use by process ${first.child.pid} (seatwise serve)`);
      const migrate = await runSeatwise(['migrate'], env);
      expect(migrate.code).toBe(1);
      expect(migrate.stderr).toContain(`process ${first.child.pid}`);

      // kill -9 leaves a stale lock; the next start takes over and finds the data.
      first.child.kill('SIGKILL');
      await exited(first.child);
      const restarted = await startServerProcess(env);
      running.push(restarted);
      const users = await fetch(`${restarted.url}/v1/partnerusers`, { headers: auth });
      const names = ((await users.json()) as { items: { userName: string }[] }).items.map((u) => u.userName);
      expect(names).toContain('survivor');

      // The same directory under another cloud instance is refused (SPEC §6).
      restarted.child.kill('SIGTERM');
      await exited(restarted.child);
      const other = await runSeatwise(['migrate'], { ...env, SEATWISE_CLOUD: 'usgov' });
      expect(other.code).toBe(1);
      expect(other.stderr).toContain('belongs to the global instance');
      const bad = await runSeatwise(['migrate'], { ...env, PORT: 'eighty' });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('PORT');
    },
  );
});
