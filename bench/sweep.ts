/**
 * One lifecycle sweep (R-RET-3) over a million due subscriptions on a throwaway PostgreSQL with fsync on,
 * with this process's memory sampled every 500 ms (issue "Subscription lifecycle" item 8: under 5 minutes,
 * memory flat whatever the number of rows).
 *
 *   npm run bench:sweep
 *   npm run bench:sweep -- --subscriptions 20000 --batch 1000 --partners 20
 *
 * The subscriptions are written with INSERT ... SELECT FROM generate_series (not through the API), mixed so
 * that every step has work, their due dates spread so that the kinds interleave in the indexes. The dates
 * are chosen so that no row takes two steps in one sweep: the counts `countDue` gives before the sweep are
 * then exactly what it reports. The sweep runs in this process on a `databaseFromUrl` pool, as
 * `seatwise sweep` does; a second sweep must find nothing. Prints a table; docs/benchmarks.md records it.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { startThrowawayPostgres } from '../scripts/postgres.mjs';
import { DEMO_CATALOG_PATH, importCatalog, readCatalogFile } from '../src/app/catalog.ts';
import { databaseFromUrl, migrate, type Db } from '../src/db/database.ts';
import { countDue, sweep, SWEEP_STEPS, type SweepStep } from '../src/jobs/lifecycle-sweeper.ts';
import { createDatabase, fmt, machine } from './support.ts';

const { values: args } = parseArgs({
  options: {
    subscriptions: { type: 'string', default: '1000000' },
    batch: { type: 'string', default: '1000' },
    partners: { type: 'string', default: '1' },
  },
});
const total = Number(args.subscriptions);
const batchSize = Number(args.batch);
const partnerCount = Number(args.partners);
if (!(total > 0) || !(batchSize > 0) || !(partnerCount > 0))
  throw new Error('--subscriptions, --batch and --partners must be positive numbers');
/** Customers per partner: 5,000 in all (fewer for a small run), shared out between the partners. */
const customerCount = Math.max(1, Math.ceil(Math.min(5000, total) / partnerCount));
const INSERT_CHUNK = 100_000;

const mib = (bytes: number) => `${fmt(bytes / 2 ** 20)} MiB`;
const seconds = (ms: number) => (ms / 1000).toFixed(1);
const log = (message: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

/** One partner, its customers (with their domains) and one completed order per customer. */
async function insertPartnerAndCustomers(db: Db, partnerId: string, p: number, now: Date): Promise<void> {
  await db
    .insertInto('partners')
    .values({
      id: partnerId,
      name: 'Bench Partner',
      partner_id_of_record: null,
      partner_type: 'direct',
      created_at: now,
    })
    .execute();
  await sql`
    INSERT INTO customers (partner_id, id, company_name, domain, billing_first_name, billing_last_name,
      billing_email, culture, language, country, address, segment, account_opened_at)
    SELECT ${partnerId}::uuid, md5(${p}::int || '-customer-' || c)::uuid, 'Bench Customer ' || c,
      'bench-' || ${p}::int || '-' || c || '.onmicrosoft.com', 'Bench', 'Mark', 'it@bench-' || c || '.example',
      'en-US', 'en', 'US',
      '{"addressLine1":"1 Main St","city":"Redmond","state":"WA","postalCode":"98052","country":"US"}',
      'commercial', ${now}::timestamptz - interval '3 years'
    FROM generate_series(0, ${customerCount - 1}::int) AS g(c)`.execute(db);
  await sql`
    INSERT INTO customer_domains (domain, partner_id, customer_id)
    SELECT domain, partner_id, id FROM customers WHERE partner_id = ${partnerId}::uuid`.execute(db);
  await sql`
    INSERT INTO orders (partner_id, id, customer_id, billing_cycle, currency, status, created_at, created_by)
    SELECT ${partnerId}::uuid, md5(${p}::int || '-order-' || c)::uuid, md5(${p}::int || '-customer-' || c)::uuid,
      'monthly', 'USD',
      'completed', ${now}::timestamptz - interval '2 years', 'bench'
    FROM generate_series(0, ${customerCount - 1}::int) AS g(c)`.execute(db);
}

/**
 * Subscriptions first..last, by i % 20: 3/20 active trials past their 30 days (expireTrials), 6/20 active paid
 * ones past term end with auto-renew on (endTerms: renew), 3/20 with it off (endTerms: expire), 3/20 expired
 * more than 30 days ago (disable), 3/20 suspended past their retention date (delete and purge), 2/20
 * cancelled ('deleted', not purged, retention passed: purgeCancelled). `h` spreads each row's dates.
 */
async function insertSubscriptions(
  db: Db,
  partnerId: string,
  p: number,
  now: Date,
  first: number,
  last: number,
) {
  const offers = readCatalogFile(DEMO_CATALOG_PATH);
  const paid = offers
    .filter((o) => !o.isTrial && !o.isAddOn && o.isAvailableForPurchase && o.clouds.includes('global'))
    .map((o, i) => {
      const cycle = o.billingCycles.includes('monthly') && i % 3 !== 0 ? 'monthly' : 'annual';
      return sql`(${i}::int, ${o.id}::text, ${cycle}::text, ${o.prices.USD ?? 0}::int, ${o.prices.EUR ?? 0}::int)`;
    });
  const trials = offers.filter((o) => o.isTrial).map((o, i) => sql`(${i}::int, ${o.id}::text)`);
  const at = sql`${now}::timestamptz`;
  const day = sql`interval '1 day'`;
  await sql`
    WITH paid(n, offer_id, cycle, usd, eur) AS (VALUES ${sql.join(paid)}),
         trial(n, offer_id) AS (VALUES ${sql.join(trials)}),
         x AS (
           SELECT i, i % ${customerCount}::int AS c,
             CASE WHEN i % 20 < 3 THEN 'trial' WHEN i % 20 < 9 THEN 'renew' WHEN i % 20 < 12 THEN 'lapse'
                  WHEN i % 20 < 15 THEN 'expired' WHEN i % 20 < 18 THEN 'suspended' ELSE 'cancelled' END AS kind,
             CASE WHEN i % 10 = 0 THEN 'EUR' ELSE 'USD' END AS currency,
             (((i::bigint * 2654435761) % 1000003) / 1000003.0)::float8 AS h
           FROM generate_series(${first}::int, ${last}::int) AS g(i)
         ),
         d AS (
           SELECT x.*, t.offer_id AS trial_offer,
             CASE kind WHEN 'trial' THEN t.offer_id ELSE p.offer_id END AS offer_id,
             CASE kind WHEN 'trial' THEN 'none' ELSE p.cycle END AS cycle,
             CASE WHEN kind = 'trial' THEN 0 WHEN currency = 'EUR' THEN p.eur ELSE p.usd END AS price,
             CASE WHEN kind = 'trial' THEN interval '30 days' WHEN p.cycle = 'monthly' THEN interval '1 month'
                  ELSE interval '12 months' END AS term,
             -- when the row's last status change or term end happened
             CASE kind
               WHEN 'trial' THEN ${at} - ${day} * (1 + 28 * h)                 -- trial ended 1-29 days ago
               WHEN 'renew' THEN ${at} - interval '1 minute' - ${day} * 29 * h -- term ended 0-29 days ago
               WHEN 'lapse' THEN ${at} - interval '1 minute' - ${day} * 29 * h
               WHEN 'expired' THEN ${at} - ${day} * (31 + 80 * h)              -- expired 31-111 days ago
               WHEN 'suspended' THEN ${at} - ${day} * (100 + 20 * h)           -- suspended 100-120 days ago
               ELSE ${at} - ${day} * (91 + 30 * h)                             -- cancelled 91-121 days ago
             END AS changed
           FROM x
           JOIN paid p ON p.n = x.i % ${paid.length}::int
           JOIN trial t ON t.n = x.i % ${trials.length}::int
         ),
         e AS (
           -- a term that ended at "changed", or (suspended, cancelled) one that started 30 days before it
           SELECT d.*, CASE WHEN kind IN ('trial', 'renew', 'lapse', 'expired') THEN changed - term
                            ELSE changed - interval '30 days' END AS start_at
           FROM d
         )
    INSERT INTO subscriptions (partner_id, id, customer_id, offer_id, order_id, friendly_name, quantity,
      billing_cycle, currency, unit_price, status, is_trial, trial_offer_id, created_at, effective_start_date,
      commitment_end_date, auto_renew_enabled, suspension_reasons, suspended_at, status_changed_at,
      data_retention_end_date, data_purged_at)
    SELECT ${partnerId}::uuid, gen_random_uuid(), md5(${p}::int || '-customer-' || c)::uuid, offer_id,
      md5(${p}::int || '-order-' || c)::uuid,
      'Bench subscription ' || i, 1 + i % 25, cycle, currency, price,
      CASE WHEN kind IN ('trial', 'renew', 'lapse') THEN 'active' WHEN kind = 'cancelled' THEN 'deleted' ELSE kind END,
      kind = 'trial', CASE kind WHEN 'trial' THEN trial_offer END,
      start_at, start_at, start_at + term, kind = 'renew',
      CASE kind WHEN 'suspended' THEN '["nonPayment"]'::jsonb ELSE '[]'::jsonb END,
      CASE kind WHEN 'suspended' THEN changed END,
      CASE WHEN kind IN ('trial', 'renew', 'lapse') THEN start_at ELSE changed END,
      CASE kind WHEN 'expired' THEN changed + interval '120 days'    -- not yet passed: disabled only
                WHEN 'suspended' THEN changed + interval '90 days'   -- passed: deleted and purged
                WHEN 'cancelled' THEN changed + interval '90 days'   -- passed: purged
      END,
      NULL
    FROM e`.execute(db);
}

// ---------------------------------------------------------------------------------------------------------

const server = await startThrowawayPostgres({ fsync: true });
if (!server) throw new Error("No PostgreSQL server binaries: install Debian's postgresql package.");
const mem = { start: 0, peak: 0, end: 0 };
try {
  const url = await createDatabase(server.socketUrl, 'seatwise_sweep_bench');
  const database = databaseFromUrl(url);
  const db = database.db;
  try {
    const fsync = (await sql<{ fsync: string }>`SHOW fsync`.execute(db)).rows[0]?.fsync;
    const version = (await sql<{ v: string }>`SELECT current_setting('server_version') AS v`.execute(db))
      .rows[0]?.v;
    const buffers = (await sql<{ v: string }>`SELECT current_setting('shared_buffers') AS v`.execute(db))
      .rows[0]?.v;
    if (fsync !== 'on') throw new Error(`fsync is ${fsync}: the figures would not be comparable`);
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const partnerIds = Array.from({ length: partnerCount }, () => randomUUID());

    let t = performance.now();
    await migrate(db);
    await importCatalog(db, readCatalogFile(DEMO_CATALOG_PATH), now);
    // Subscription i belongs to partner i % partners: each partner gets the same mix of kinds and dates.
    for (const [p, partnerId] of partnerIds.entries()) {
      await insertPartnerAndCustomers(db, partnerId, p, now);
      const mine = Math.floor(total / partnerCount) + (p < total % partnerCount ? 1 : 0);
      for (let first = 0; first < mine; first += INSERT_CHUNK) {
        const last = Math.min(mine, first + INSERT_CHUNK) - 1;
        await insertSubscriptions(db, partnerId, p, now, first, last);
      }
      log(`inserted partner ${p + 1} / ${partnerCount}: ${fmt(mine)} subscriptions`);
    }
    const insertMs = performance.now() - t;
    t = performance.now();
    await sql`ANALYZE`.execute(db);
    const analyzeMs = performance.now() - t;
    const size = async () =>
      (
        await sql<{
          size: string;
        }>`SELECT pg_size_pretty(pg_database_size(current_database())) AS size`.execute(db)
      ).rows[0]?.size ?? '?';
    const sizeBefore = await size();

    t = performance.now();
    const due = await countDue(db, now);
    const countMs = performance.now() - t;
    const dueTotal = SWEEP_STEPS.reduce((n, s) => n + due[s], 0);
    log(
      `due: ${SWEEP_STEPS.map((s) => `${s} ${fmt(due[s])}`).join(', ')} (counted in ${seconds(countMs)} s)`,
    );

    // The sweep, with RSS sampled every 500 ms and the time of each step's last batch.
    const stepEnd = new Map<SweepStep, number>();
    const stepPeak = new Map<SweepStep, number>();
    const byDecile: { done: number; rss: number }[] = [];
    let current: SweepStep | undefined;
    let doneBefore = 0; // rows of the steps before `current`
    let doneNow = 0;
    mem.start = process.memoryUsage().rss;
    mem.peak = mem.start;
    const sample = () => {
      const rss = process.memoryUsage().rss;
      mem.peak = Math.max(mem.peak, rss);
      if (current) stepPeak.set(current, Math.max(stepPeak.get(current) ?? 0, rss));
      return rss;
    };
    const sampler = setInterval(sample, 500);
    let lastLog = performance.now();
    const sweepStart = performance.now();
    const report = await sweep(db, now, {
      batchSize,
      onProgress: (step, done) => {
        const at = performance.now();
        if (step !== current) {
          if (current) doneBefore += doneNow;
          current = step;
        }
        doneNow = done;
        stepEnd.set(step, at);
        const all = doneBefore + doneNow;
        const rss = sample();
        if (all >= ((byDecile.length + 1) * dueTotal) / 10) byDecile.push({ done: all, rss });
        if (at - lastLog > 10_000) {
          lastLog = at;
          log(
            `${step}: ${fmt(done)} / ${fmt(due[step])}; all steps ${fmt(all)} / ${fmt(dueTotal)}; RSS ${mib(rss)}`,
          );
        }
      },
    });
    const sweepMs = performance.now() - sweepStart;
    clearInterval(sampler);
    mem.end = process.memoryUsage().rss;

    t = performance.now();
    const again = await sweep(db, now, { batchSize });
    const againMs = performance.now() - t;
    const againRows = SWEEP_STEPS.reduce((n, s) => n + again[s], 0) + again.renewed;
    const dueAfter = await countDue(db, now);
    const written = (
      await sql<{ audits: string; events: string }>`
        SELECT (SELECT count(*) FROM audit_records) AS audits, (SELECT count(*) FROM events) AS events`.execute(
        db,
      )
    ).rows[0];
    const sizeAfter = await size();

    // The table.
    const rows: string[][] = [];
    let from = sweepStart;
    for (const step of SWEEP_STEPS) {
      const done = step === 'endTerms' ? report.endTerms + report.renewed : report[step];
      const end = stepEnd.get(step) ?? from;
      const ms = end - from;
      from = end;
      rows.push([
        step,
        step === 'endTerms' ? `renewed ${fmt(report.renewed)}, expired ${fmt(report.endTerms)}` : '',
        fmt(due[step]),
        fmt(done),
        seconds(ms),
        ms > 0 ? fmt((done * 1000) / ms) : '-',
        mib(stepPeak.get(step) ?? 0),
      ]);
    }
    const doneTotal = SWEEP_STEPS.reduce((n, s) => n + report[s], 0) + report.renewed;
    rows.push([
      'whole sweep',
      '',
      fmt(dueTotal),
      fmt(doneTotal),
      seconds(sweepMs),
      fmt((doneTotal * 1000) / sweepMs),
      mib(mem.peak),
    ]);

    console.log(`\nSeatwise lifecycle sweep benchmark — ${new Date().toISOString()}`);
    console.log(`machine: ${machine()}`);
    console.log(
      `database: PostgreSQL ${version} (fsync ${fsync}, shared_buffers ${buffers}), ${fmt(partnerCount)} partner(s) of ${fmt(customerCount)} customers each, ${fmt(total)} subscriptions`,
    );
    console.log(
      `setup: insert ${seconds(insertMs)} s, ANALYZE ${seconds(analyzeMs)} s, countDue ${seconds(countMs)} s; database ${sizeBefore} before the sweep, ${sizeAfter} after`,
    );
    console.log(`sweep: batch ${fmt(batchSize)}, one process, pool of 10 (one connection in use)\n`);
    const header = ['step', 'of which', 'due', 'done', 'seconds', 'rows/s', 'peak RSS'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
    console.log(line(header));
    console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    for (const r of rows) console.log(line(r));
    console.log(`\nRSS: start ${mib(mem.start)}, peak ${mib(mem.peak)}, end ${mib(mem.end)}`);
    console.log(
      `RSS by rows done: ${byDecile.map((d) => `${fmt(Math.round((d.done * 100) / dueTotal))} % ${fmt(d.rss / 2 ** 20)}`).join(', ')} MiB`,
    );
    console.log(
      `written: ${fmt(Number(written?.audits))} audit records, ${fmt(Number(written?.events))} events; due after: ${fmt(SWEEP_STEPS.reduce((n, s) => n + dueAfter[s], 0))}`,
    );
    console.log(
      `second sweep: ${fmt(againRows)} rows in ${(againMs / 1000).toFixed(2)} s (${againRows === 0 ? 'idempotent' : 'NOT idempotent'})`,
    );
    const mismatch = SWEEP_STEPS.filter(
      (s) => (s === 'endTerms' ? report.endTerms + report.renewed : report[s]) !== due[s],
    );
    if (mismatch.length > 0) console.log(`done differs from due for: ${mismatch.join(', ')}`);
  } finally {
    await database.close();
  }
} finally {
  server.stop();
}
