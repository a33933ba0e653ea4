import { collectDefaultMetrics, Registry } from 'prom-client';
import { bootstrapIfEmpty, type BootstrapResult } from './app/bootstrap.ts';
import { ensureInstance, type Instance } from './app/instance.ts';
import type { Config } from './config.ts';
import { ManualClock, systemClock, type Clock } from './domain/clock.ts';
import { inTransaction, migrate, openDatabase, type Database, type Db, type Engine } from './db/database.ts';
import { DEMO_PASSWORD, seedDemo } from './app/demo.ts';
import { WebhookDelivery, type WebhookDeliveryOptions } from './jobs/webhook-delivery.ts';
import { WebhookTargets, type ResolveHost } from './app/webhook-targets.ts';
import { AccessDecisions } from './app/access.ts';
import { TokenCache } from './app/auth.ts';

/**
 * Everything a running Seatwise holds, wired once: the database, the clock, the instance, the metrics.
 * The HTTP app, the CLI and the jobs all take this and reach for nothing global.
 */
export interface Seatwise {
  config: Config;
  db: Db;
  engine: Engine;
  instance: Instance;
  clock: Clock;
  /** Present only when SEATWISE_TEST_CLOCK=1 (R-API-7). */
  testClock: TestClock | undefined;
  metrics: Registry;
  /** The webhook delivery worker (R-EVT), when this process runs one (AssembleOptions.webhookDelivery). */
  webhooks: WebhookDelivery | undefined;
  /** Access decisions (R-ACC), answered from a per-tenant cache checked against the tenant's stamp. */
  access: AccessDecisions;
  /** Bearer tokens already seen, so that an authenticated request costs no database round trip. */
  tokens: TokenCache;
  /** Where webhooks may be sent (R-SEC-2), checked at registration and by the delivery worker. */
  webhookTargets: WebhookTargets;
  close(): Promise<void>;
}

/** The test clock, kept in the database so that a restart (or the CLI) sees the same time. */
export class TestClock {
  constructor(
    readonly clock: ManualClock,
    private readonly db: Db,
  ) {}
  now(): Date {
    return this.clock.now();
  }
  /** Moves time forward and stores it; `POST /v1/testclock` then runs the lifecycle sweep (R-API-7). */
  async moveTo(to: Date): Promise<Date> {
    this.clock.set(to);
    await this.db.updateTable('instance_settings').set({ test_clock_now: to }).where('id', '=', 1).execute();
    return this.clock.now();
  }
}

export interface AssembleOptions {
  /** A database already open (tests pass a clone of the migrated template). */
  database?: Database;
  /** Named in the data-directory lock so that a refused second process knows who holds it. */
  command?: string;
  /** Where to tell the operator what bootstrap generated; defaults to stdout. */
  print?: (line: string) => void;
  /** Skip R-API-8 bootstrap (CLI commands that must not create anything). */
  bootstrap?: boolean;
  /**
   * Run the webhook delivery worker (R-EVT) in this process, with these settings when an object. The server
   * turns it on; tests and other CLI commands leave it off (a test calls `runOnce()` on its own worker).
   */
  webhookDelivery?: boolean | WebhookDeliveryOptions;
  /** How webhook host names are resolved (R-SEC-2); the system resolver by default, a fake one in tests. */
  resolveHost?: ResolveHost;
}

/** Opens, migrates and wires Seatwise from its configuration: the one composition root. */
export async function assemble(config: Config, options: AssembleOptions = {}): Promise<Seatwise> {
  const database =
    options.database ??
    (await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      command: options.command ?? 'seatwise',
    }));
  try {
    const { db } = database;
    await migrate(db);
    const instance = await ensureInstance(db, config.cloud, new Date());
    const metrics = new Registry();
    collectDefaultMetrics({ register: metrics });
    let clock: Clock = systemClock;
    let testClock: TestClock | undefined;
    if (config.testClock) {
      testClock = new TestClock(new ManualClock(instance.testClockNow ?? new Date()), db);
      clock = testClock;
    }
    if (options.bootstrap !== false) {
      const print = options.print ?? ((l) => process.stdout.write(`${l}\n`));
      const now = clock.now();
      // The first partner and the demo are one transaction: a crash leaves an empty database, not half a demo.
      const { result, demo } = await inTransaction(db, async (trx) => {
        const result = await bootstrapIfEmpty(
          trx,
          { cloud: config.cloud, token: config.bootstrapToken, password: config.bootstrapPassword },
          now,
        );
        const demo =
          result && config.demo
            ? await seedDemo(trx, {
                cloud: config.cloud,
                partnerId: result.partnerId,
                adminUserId: result.adminUserId,
                now,
              })
            : undefined;
        return { result, demo };
      });
      if (result) announceBootstrap(result, print);
      if (demo) {
        print(
          `  demo data: the demo catalog, ${demo.customers} customers with ${demo.subscriptions} subscriptions and ` +
            `${demo.users} customer users holding licences, and the ` +
            `users agent, sales, helpdesk and billing (password "${DEMO_PASSWORD}"). SEATWISE_DEMO=0 starts empty.`,
        );
      }
    }
    const delivery = options.webhookDelivery ?? false;
    const webhookTargets = new WebhookTargets({
      allowPrivate: config.webhookAllowPrivate,
      ...(options.resolveHost ? { resolve: options.resolveHost } : {}),
    });
    const webhooks = delivery
      ? new WebhookDelivery(db, {
          targets: webhookTargets,
          onError: (e) => {
            if (config.logLevel !== 'silent')
              process.stderr.write(`webhook delivery: ${e instanceof Error ? e.message : String(e)}\n`);
          },
          ...(typeof delivery === 'object' ? delivery : {}),
        })
      : undefined;
    webhooks?.start();
    const access = new AccessDecisions({ db, clock, cloud: config.cloud, metrics });
    const tokens = new TokenCache();
    return {
      config,
      db,
      engine: database.engine,
      instance,
      clock,
      testClock,
      metrics,
      webhooks,
      access,
      tokens,
      webhookTargets,
      // The worker stops (and finishes its sends) before the database it records them in closes.
      close: async () => {
        try {
          await webhooks?.close();
        } finally {
          await database.close();
        }
      },
    };
  } catch (e) {
    await database.close();
    throw e;
  }
}

function announceBootstrap(r: BootstrapResult, print: (line: string) => void) {
  print(`Seatwise: created the first partner and its GlobalAdmin "${r.userName}" (R-API-8).`);
  if (r.generatedPassword) print(`  console password for ${r.userName}: ${r.generatedPassword}`);
  if (r.generatedToken) print(`  API token for ${r.userName}: ${r.generatedToken}`);
  if (r.generatedPassword || r.generatedToken) print('  These are shown once; only their hashes are kept.');
}
