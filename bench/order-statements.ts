/**
 * The database's own cost of an order: the statements one order sends, recorded from PostgreSQL's log while
 * Seatwise places it, replayed by pgbench with the same connections Seatwise's pool has. Orders/s through HTTP
 * divided by this TPS is what Seatwise adds on top of the work it cannot avoid.
 *
 * Recording: `log_statement = all` is switched on for the server (a reload reaches the pool's open sessions),
 * one order is placed, and the log lines of the session that ran its BEGIN … COMMIT are read back with their
 * parameters. Replaying: each parameter is written in as a literal; the ids the order created (every UUID but
 * the partner's and the customer's) get a last group that pgbench draws per transaction, so each replayed
 * order writes new rows; one script per customer (chosen at random per transaction), so that replayed orders
 * spread over customers as the HTTP load does and do not queue on one customer's lock.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { cpuByProcess, cpuSpent, type PgbenchResult } from './support.ts';

/** One statement as the server logged it: its text and its parameters ($1 … $n, null for NULL). */
export interface LoggedStatement {
  sql: string;
  params: (string | null)[];
}

const ENTRY = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \w+ \[(\d+)\] (LOG|DETAIL|ERROR|STATEMENT): {2}/;

/** The parameters of a `DETAIL:  parameters: $1 = '…', $2 = NULL` line, in order. */
export function parseParameters(text: string): (string | null)[] {
  const params: (string | null)[] = [];
  let i = 0;
  while (i < text.length) {
    const m = /^\s*,?\s*\$(\d+) = /.exec(text.slice(i));
    if (!m) break;
    i += m[0].length;
    const index = Number(m[1]) - 1;
    if (text.startsWith('NULL', i)) {
      params[index] = null;
      i += 4;
      continue;
    }
    if (text[i] !== "'") throw new Error(`unexpected parameter text at ${i}: ${text.slice(i, i + 40)}`);
    let value = '';
    i++;
    for (;;) {
      const quote = text.indexOf("'", i);
      if (quote < 0) throw new Error('unterminated parameter');
      value += text.slice(i, quote);
      if (text[quote + 1] === "'") {
        value += "'";
        i = quote + 2;
      } else {
        i = quote + 1;
        break;
      }
    }
    params[index] = value;
  }
  return params;
}

/** The statements of the last transaction (BEGIN … COMMIT) one session ran, from a server log's text. */
export function lastTransaction(log: string): LoggedStatement[] {
  const entries: { pid: string; level: string; text: string }[] = [];
  for (const line of log.split('\n')) {
    const m = ENTRY.exec(line);
    if (m) entries.push({ pid: m[1] as string, level: m[2] as string, text: line.slice(m[0].length) });
    else if (entries.length > 0) (entries.at(-1) as { text: string }).text += `\n${line}`;
  }
  const statements: (LoggedStatement & { pid: string })[] = [];
  for (const e of entries) {
    if (e.level === 'LOG') {
      const m = /^(?:statement|execute [^:]*): ([\s\S]*)$/.exec(e.text);
      if (m) statements.push({ pid: e.pid, sql: (m[1] as string).trim(), params: [] });
    } else if (e.level === 'DETAIL' && e.text.startsWith('parameters: ')) {
      const last = statements.at(-1);
      if (last && last.pid === e.pid) last.params = parseParameters(e.text.slice('parameters: '.length));
    }
  }
  const commit = statements.findLastIndex((s) => /^commit$/i.test(s.sql));
  const pid = statements[commit]?.pid;
  const begin = statements.findLastIndex((s, i) => i < commit && s.pid === pid && /^begin$/i.test(s.sql));
  if (commit < 0 || begin < 0) throw new Error('no BEGIN … COMMIT in the log');
  return statements.slice(begin, commit + 1).filter((s) => s.pid === pid);
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const literal = (value: string | null) => (value === null ? 'NULL' : `'${value.replaceAll("'", "''")}'`);

/**
 * A pgbench script that sends the same statements for `customer`: parameters inlined as literals, the
 * recorded customer replaced by `customer`, every other UUID but the `kept` ones (the partner's) given the
 * last group `:r`, a 12-digit number pgbench draws per transaction (digits are hex digits).
 */
export function pgbenchScript(
  statements: LoggedStatement[],
  recorded: { customer: string; kept: string[] },
  customer: string,
): string {
  const rewrite = (text: string) =>
    text.replace(UUID, (id) =>
      id === recorded.customer ? customer : recorded.kept.includes(id) ? id : `${id.slice(0, 24)}:r`,
    );
  const lines = ['\\set r random(100000000000, 999999999999)'];
  for (const s of statements) {
    const sql = s.sql.replace(/\$(\d+)/g, (_, n: string) => literal(s.params[Number(n) - 1] ?? null));
    lines.push(`${rewrite(sql).replace(/\s*\n\s*/g, ' ')};`);
  }
  return `${lines.join('\n')}\n`;
}

/** Switches statement logging on or off for every session of the server (superuser, a reload). */
export async function logStatements(serverUrl: string, on: boolean): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(on ? "alter system set log_statement = 'all'" : 'alter system reset log_statement');
    await admin.query('select pg_reload_conf()');
    // The reload reaches each backend at its next command; wait until this one sees it (the others too, then).
    for (;;) {
      const r = await admin.query<{ log_statement: string }>('show log_statement');
      if ((r.rows[0]?.log_statement === 'all') === on) break;
    }
  } finally {
    await admin.end();
  }
}

/** Replays the scripts (one per customer, each equally likely) with `clients` connections for `seconds`. */
export function pgbenchScripts(
  bin: string,
  url: string,
  scripts: string[],
  options: { clients: number; seconds: number },
): PgbenchResult {
  const dir = mkdtempSync(join(tmpdir(), 'seatwise-order-scripts-'));
  try {
    const files = scripts.map((text, i) => {
      const file = join(dir, `order-${i}.sql`);
      writeFileSync(file, text);
      return file;
    });
    const before = cpuByProcess();
    const run = spawnSync(
      join(bin, 'pgbench'),
      [
        '-n', // no vacuum of TPC-B's tables: these are Seatwise's
        '-c',
        String(options.clients),
        '-j',
        String(Math.min(options.clients, 2)),
        '-T',
        String(options.seconds),
        ...files.flatMap((f) => ['-f', f]),
        url,
      ],
      { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 },
    );
    const tps = /tps = ([\d.]+)/.exec(run.stdout)?.[1];
    const failed = Number(/number of failed transactions: (\d+)/.exec(run.stdout)?.[1] ?? 0);
    if (run.status !== 0 || !tps || failed > 0)
      throw new Error(`pgbench with the order's statements failed: ${run.stderr}\n${run.stdout}`);
    const transactions = Number(/processed: (\d+)/.exec(run.stdout)?.[1] ?? 0);
    const spent = cpuSpent(before, cpuByProcess(), []);
    return {
      tps: Number(tps),
      cpuPerTx: { postgres: spent.postgres / transactions, client: 0 },
      clients: options.clients,
      seconds: options.seconds,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The server's log file of a throwaway server from scripts/postgres.mjs. */
export const serverLog = (socketDir: string) => readFileSync(join(socketDir, 'server.log'), 'utf8');
